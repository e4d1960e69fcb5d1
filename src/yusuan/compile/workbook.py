"""The budget-input workbook: written for the clerk to fill in Excel or WPS, read back.

``write_template(path, data=None)`` writes the sheets (单位信息, 单位职责, 支出明细, 收入,
三公经费, 政府采购, 固定资产, 绩效目标, 上年数, 说明, 科目名称) with headers, drop-down lists
for 资金来源 / 支出类型, and — given budget data — filled in (``yusuan template --example``).
``read_workbook(path)`` turns a filled workbook into the same mapping as the YAML input,
each item remembering its sheet, row and column letters so that a problem is reported
where the clerk typed it.  Columns are found by their header, so reordering them is fine.
openpyxl is used here because it can both fill and read the template.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .schema import FUNDS

UNIT_FIELDS = (
    ("单位编码", "code"), ("单位名称", "name"), ("主管部门", "department"), ("预算年度", "year"),
    ("单位性质", "nature"), ("单位规格", "rank"), ("经费保障形式", "funding"), ("金额单位", "amount_unit"),
    ("公开标题", "title"), ("机构设置", "structure"),
)
LINE_COLUMNS = (
    ("功能分类科目编码", "function"), ("功能分类科目名称", "function_name"), ("经济分类科目编码", "economic"),
    ("经济分类科目名称", "economic_name"), ("资金来源", "fund"), ("支出类型", "kind"), ("项目名称", "project"),
    ("金额", "amount"), ("上年结转", "carryover"),
)
INCOME_COLUMNS = (("收入来源", "source"), ("金额", "amount"))
THREE_ROWS = (("因公出国（境）费", "abroad"), ("公务用车购置费", "vehicle_purchase"), ("公务用车运行维护费", "vehicle_operation"), ("公务接待费", "reception"))
PROCUREMENT_COLUMNS = (
    ("项目名称", "project"), ("采购品目", "item"), ("采购类别", "category"), ("政府采购目录编码", "catalog_no"),
    ("计量单位", "measure"), ("数量", "quantity"), ("资金来源", "fund"), ("金额", "amount"),
)
ASSET_ROWS = (("房屋（平方米）", "buildings"), ("其中：办公用房（平方米）", "office"), ("车辆（台、辆）", "vehicles"), ("单价在20万元以上的设备", "equipment"), ("其他固定资产", "other"))
TARGET_COLUMNS = (
    ("项目名称", "project"), ("绩效目标", "target"), ("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3"),
    ("指标描述", "description"), ("指标值", "value"), ("指标值确定依据", "basis"),
)
PRIOR_ROWS = (("上年年度", "year"), ("收支预算合计", "total"), ("基本支出", "basic"), ("项目支出", "project"), ("机关运行经费", "agency_operating"))
TEXT_ROWS = (
    ("公开说明前言", "preamble"), ("收支增减原因", "change_reasons.total"), ("基本支出增减原因", "change_reasons.basic"),
    ("项目支出增减原因", "change_reasons.project"), ("机关运行经费增减原因", "change_reasons.agency_operating"),
    ("机关运行经费主要用途", "agency_uses"), ("“三公”经费增减原因", "change_reasons.three_public"),
    ("绩效工作说明", "performance"), ("其他需要说明的事项", "other_matters"),
)
INSTRUCTIONS = (
    "预算公开编制数据（yusuan 模板）",
    "1. “单位信息”填写单位编码、名称、预算年度等；“单位职责”每行一条职责。",
    "2. “支出明细”每行一笔支出：功能分类科目编码（7位项级）、经济分类科目编码、资金来源、支出类型（人员经费 / 公用经费 / 项目支出）、项目名称（项目支出必填）和金额。",
    "   各公开表格（收支总表、收入总表、支出总表、财政拨款收支总表、一般公共预算支出表、基本支出表、“三公”经费表……）均由支出明细汇总生成，数字自然一致。",
    "3. “收入”可不填；填写时须与支出明细的资金来源合计相等。",
    "4. “三公经费”填写上年预算数（用于比上年增减说明）；本年数由支出明细中的经济分类科目 30212、31013、30231、30217 汇总，如另有应计入的支出可在“本年预算”列填写。",
    "5. 金额单位与“单位信息”中的金额单位一致（默认万元）。完成后运行：yusuan compile 本文件.xlsx -o disclosure.json",
)

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="EEF1F5")


def _sheet(wb: Workbook, name: str, headers: tuple[str, ...], widths: tuple[int, ...] = ()):
    ws = wb.create_sheet(name)
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row=1, column=j, value=h)
        c.font, c.fill = _HEAD_FONT, _HEAD_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = widths[j - 1] if j - 1 < len(widths) else 16
    ws.freeze_panes = "A2"
    return ws


def _list_validation(ws, options: list[str], col: int, rows: int = 2000) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
    dv.error, dv.errorTitle = "请从下拉列表中选择", "输入有误"
    ws.add_data_validation(dv)
    letter = get_column_letter(col)
    dv.add(f"{letter}2:{letter}{rows}")


def _v(x: Any) -> Any:
    """A value as the clerk would type it: amounts as numbers, codes as text."""
    if isinstance(x, Decimal):
        return float(x) if x != x.to_integral() else int(x)
    return x


def write_template(path: str | Path, data: dict | None = None) -> None:
    data = data or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "填表说明"
    ws.column_dimensions["A"].width = 120
    for i, line in enumerate(INSTRUCTIONS, start=1):
        ws.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True)
    ws["A1"].font = Font(bold=True, size=14)

    unit = data.get("unit") or {}
    ws = _sheet(wb, "单位信息", ("项目", "内容"), (16, 60))
    for i, (label, key) in enumerate(UNIT_FIELDS, start=2):
        ws.cell(row=i, column=1, value=label).font = _HEAD_FONT
        value = data.get(key) if key in ("year", "amount_unit", "title") else unit.get(key)
        if key == "amount_unit" and value is None:
            value = "万元"
        cell = ws.cell(row=i, column=2, value=_v(value) if value is not None else None)
        if key == "code":
            cell.number_format = "@"

    ws = _sheet(wb, "单位职责", ("职责",), (120,))
    for i, d in enumerate(unit.get("duties") or [], start=2):
        ws.cell(row=i, column=1, value=d)

    ws = _sheet(wb, "支出明细", tuple(h for h, _ in LINE_COLUMNS), (14, 28, 14, 22, 16, 12, 28, 12, 10))
    for col in (1, 3):
        letter = get_column_letter(col)
        for r in range(2, 2001):
            ws[f"{letter}{r}"].number_format = "@"
    for r in range(2, 2001):
        ws[f"H{r}"].number_format = "#,##0.00"
    _list_validation(ws, [names[0] for names in FUNDS.values()], 5)
    _list_validation(ws, ["人员经费", "公用经费", "项目支出", "经营支出", "上缴上级支出", "对附属单位补助支出"], 6)
    _list_validation(ws, ["是", "否"], 9)
    for i, it in enumerate(data.get("expenditure") or [], start=2):
        for j, (_, key) in enumerate(LINE_COLUMNS, start=1):
            v = it.get(key)
            if key == "carryover":
                v = "是" if v is True else None
            if v is not None:
                ws.cell(row=i, column=j, value=str(v) if key in ("function", "economic") else _v(v))

    ws = _sheet(wb, "收入", tuple(h for h, _ in INCOME_COLUMNS), (24, 14))
    _list_validation(ws, [names[0] for names in FUNDS.values()], 1, 100)
    for i, it in enumerate(data.get("income") or [], start=2):
        ws.cell(row=i, column=1, value=it.get("source"))
        ws.cell(row=i, column=2, value=_v(it.get("amount")))

    ws = _sheet(wb, "三公经费", ("项目", "本年预算（可不填）", "上年预算"), (22, 20, 14))
    prior_tp = (data.get("prior") or {}).get("three_public") or {}
    now_tp = data.get("three_public") or {}
    for i, (label, key) in enumerate(THREE_ROWS, start=2):
        ws.cell(row=i, column=1, value=label).font = _HEAD_FONT
        if key in now_tp:
            ws.cell(row=i, column=2, value=_v(now_tp[key]))
        if key in prior_tp:
            ws.cell(row=i, column=3, value=_v(prior_tp[key]))

    ws = _sheet(wb, "政府采购", tuple(h for h, _ in PROCUREMENT_COLUMNS), (24, 22, 10, 14, 10, 8, 16, 12))
    _list_validation(ws, ["货物", "工程", "服务"], 3, 500)
    _list_validation(ws, [names[0] for names in FUNDS.values()], 7, 500)
    for i, it in enumerate(data.get("procurement") or [], start=2):
        for j, (_, key) in enumerate(PROCUREMENT_COLUMNS, start=1):
            if it.get(key) is not None:
                ws.cell(row=i, column=j, value=_v(it[key]))

    ws = _sheet(wb, "固定资产", ("项目", "数量", "价值"), (28, 12, 14))
    assets = data.get("assets") or {}
    ws.cell(row=2, column=1, value="截止日期").font = _HEAD_FONT
    date = assets.get("date")
    ws.cell(row=2, column=3, value=date.isoformat() if isinstance(date, dt.date) else date)
    for i, (label, key) in enumerate(ASSET_ROWS, start=3):
        ws.cell(row=i, column=1, value=label).font = _HEAD_FONT
        a = assets.get(key) or {}
        if isinstance(a, dict):
            if a.get("quantity") is not None:
                ws.cell(row=i, column=2, value=_v(a["quantity"]))
            if a.get("value") is not None:
                ws.cell(row=i, column=3, value=_v(a["value"]))

    ws = _sheet(wb, "绩效目标", tuple(h for h, _ in TARGET_COLUMNS), (24, 40, 12, 16, 22, 30, 14, 20))
    perf = data.get("performance") or {}
    r = 2
    entries = ([("", perf["overall"])] if perf.get("overall") else []) + [(p.get("name", ""), p) for p in perf.get("projects") or []]
    for name, p in entries:
        inds = p.get("indicators") or [{}]
        for k, ind in enumerate(inds):
            ws.cell(row=r, column=1, value=(name or "（整体）") if k == 0 else None)
            ws.cell(row=r, column=2, value=p.get("target") if k == 0 else None)
            for j, (_, key) in enumerate(TARGET_COLUMNS[2:], start=3):
                if ind.get(key) is not None:
                    ws.cell(row=r, column=j, value=str(ind[key]))
            r += 1

    ws = _sheet(wb, "上年数", ("项目", "金额"), (20, 14))
    prior = data.get("prior") or {}
    for i, (label, key) in enumerate(PRIOR_ROWS, start=2):
        ws.cell(row=i, column=1, value=label).font = _HEAD_FONT
        if prior.get(key) is not None:
            ws.cell(row=i, column=2, value=_v(prior[key]))

    ws = _sheet(wb, "说明", ("事项", "内容"), (22, 100))
    text = data.get("text") or {}
    for i, (label, key) in enumerate(TEXT_ROWS, start=2):
        ws.cell(row=i, column=1, value=label).font = _HEAD_FONT
        if "." in key:
            a, b = key.split(".")
            v = (text.get(a) or {}).get(b)
        else:
            v = text.get(key)
        if isinstance(v, list):
            v = "\n".join(v)
        if v:
            ws.cell(row=i, column=2, value=v).alignment = Alignment(wrap_text=True, vertical="top")

    ws = _sheet(wb, "科目名称", ("科目编码", "科目名称"), (14, 40))
    for i, (code, name) in enumerate((data.get("subjects") or {}).items(), start=2):
        ws.cell(row=i, column=1, value=str(code)).number_format = "@"
        ws.cell(row=i, column=2, value=name)
    wb.save(path)


# --------------------------------------------------------------------------- reading


def _cell(v: Any) -> Any:
    if isinstance(v, str):
        v = v.strip()
        return v or None
    if isinstance(v, float):
        return Decimal(repr(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _table(ws, columns: tuple[tuple[str, str], ...], sheet: str, problems: list[dict]) -> list[dict]:
    rows = ws.iter_rows(values_only=True)
    try:
        header = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        return []
    index: dict[str, int] = {}
    for j, h in enumerate(header):
        for label, key in columns:
            if h.replace(" ", "") == label and key not in index:
                index[key] = j
    for label, key in columns:
        if key not in index and key in ("function", "amount", "fund", "kind", "source", "item"):
            problems.append({"code": "input-missing-column", "sheet": sheet, "row": 1, "column": label, "message": f"缺少“{label}”列"})
    names = {key: f"{get_column_letter(j + 1)}（{header[j]}）" for key, j in index.items()}
    out = []
    for r, row in enumerate(rows, start=2):
        item = {key: _cell(row[j]) if j < len(row) else None for key, j in index.items()}
        if all(v is None for v in item.values()):
            continue
        item["_loc"] = {"sheet": sheet, "row": r, "columns": names}
        out.append(item)
    return out


def _pairs(ws) -> dict[str, tuple[Any, int, tuple]]:
    """A key-value sheet: label in column A → (values of the other columns, row)."""
    out = {}
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if r == 1 or not row or row[0] is None:
            continue
        out[str(row[0]).strip().replace(" ", "")] = (row[1:], r)
    return out


def read_workbook(path: str | Path) -> dict:
    from . import BadInput

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for damaged files
        raise BadInput(f"{path}: not a readable XLSX workbook ({type(exc).__name__})") from exc
    problems: list[dict] = []
    data: dict[str, Any] = {"_problems": problems}
    sheets = set(wb.sheetnames)

    def need(name: str) -> bool:
        if name in sheets:
            return True
        problems.append({"code": "input-missing-sheet", "sheet": name, "row": None, "column": None, "message": f"缺少工作表“{name}”"})
        return False

    if "支出明细" not in sheets and "单位信息" not in sheets:
        raise BadInput(f"{path}: not the yusuan budget template (no sheet 单位信息 or 支出明细; write one with `yusuan template`)")
    unit: dict[str, Any] = {}
    cells: dict[str, tuple[int, str]] = {}
    if need("单位信息"):
        pairs = _pairs(wb["单位信息"])
        for label, key in UNIT_FIELDS:
            if label in pairs:
                values, r = pairs[label]
                v = _cell(values[0]) if values else None
                cells[key] = (r, f"B（{label}）")
                if key in ("year", "amount_unit", "title"):
                    data[key] = v
                elif v is not None:
                    unit[key] = str(v) if key == "code" and not isinstance(v, str) else v
            else:
                cells[key] = (None, label)
    unit["_loc"] = {"sheet": "单位信息", "cells": cells}
    if "单位职责" in sheets:
        unit["duties"] = [str(row[0]).strip() for i, row in enumerate(wb["单位职责"].iter_rows(values_only=True)) if i and row and row[0]]
    data["unit"] = unit
    if need("支出明细"):
        data["expenditure"] = _table(wb["支出明细"], LINE_COLUMNS, "支出明细", problems)
    if "收入" in sheets:
        data["income"] = _table(wb["收入"], INCOME_COLUMNS, "收入", problems) or None
    prior: dict[str, Any] = {}
    prior_cells: dict[str, tuple[int, str]] = {}
    if "三公经费" in sheets:
        now: dict[str, Any] = {}
        now_cells: dict[str, tuple[int, str]] = {}
        tp_prior: dict[str, Any] = {}
        for label, key in THREE_ROWS:
            values, r = _pairs(wb["三公经费"]).get(label, ((), 0))
            if len(values) > 0 and _cell(values[0]) is not None:
                now[key] = _cell(values[0])
                now_cells[key] = (r, f"B（{label}）")
            if len(values) > 1 and _cell(values[1]) is not None:
                tp_prior[key] = _cell(values[1])
        if now:
            now["_loc"] = {"sheet": "三公经费", "cells": now_cells}
            data["three_public"] = now
        if tp_prior:
            prior["three_public"] = tp_prior
    if "固定资产" in sheets:
        pairs = _pairs(wb["固定资产"])
        assets: dict[str, Any] = {}
        if "截止日期" in pairs:
            values, _ = pairs["截止日期"]
            d = next((_cell(v) for v in values if _cell(v) is not None), None)
            if d is not None:
                assets["date"] = str(d)
        for label, key in ASSET_ROWS:
            values, r = pairs.get(label.replace(" ", ""), ((), 0))
            q = _cell(values[0]) if len(values) > 0 else None
            v = _cell(values[1]) if len(values) > 1 else None
            if q is not None or v is not None:
                assets[key] = {"quantity": q, "value": v, "_loc": {"sheet": "固定资产", "row": r, "columns": {"quantity": "B（数量）", "value": "C（价值）"}}}
        if any(k != "date" for k in assets):
            data["assets"] = assets
    if "政府采购" in sheets:
        data["procurement"] = _table(wb["政府采购"], PROCUREMENT_COLUMNS, "政府采购", problems)
    if "绩效目标" in sheets:
        data["performance"] = _targets(_table(wb["绩效目标"], TARGET_COLUMNS, "绩效目标", problems))
    if "上年数" in sheets:
        pairs = _pairs(wb["上年数"])
        for label, key in PRIOR_ROWS:
            values, r = pairs.get(label, ((), 0))
            v = _cell(values[0]) if values else None
            if v is not None:
                prior[key] = v
                prior_cells[key] = (r, f"B（{label}）")
    if prior:
        prior["_loc"] = {"sheet": "上年数", "cells": prior_cells}
        data["prior"] = prior
    if "说明" in sheets:
        pairs = _pairs(wb["说明"])
        text: dict[str, Any] = {}
        for label, key in TEXT_ROWS:
            values, _ = pairs.get(label.replace(" ", ""), ((), 0))
            v = _cell(values[0]) if values else None
            if v is None:
                continue
            if "." in key:
                a, b = key.split(".")
                text.setdefault(a, {})[b] = str(v)
            elif key == "performance":
                text[key] = [p for p in str(v).splitlines() if p.strip()]
            else:
                text[key] = str(v)
        data["text"] = text
    if "科目名称" in sheets:
        subjects = {}
        for i, row in enumerate(wb["科目名称"].iter_rows(values_only=True)):
            if i and row and row[0] is not None and len(row) > 1 and row[1]:
                code = row[0]
                code = str(int(code)) if isinstance(code, (int, float)) else str(code).strip()
                subjects[code] = str(row[1]).strip()
        data["subjects"] = subjects
    wb.close()
    return data


def _targets(rows: list[dict]) -> dict:
    """Rows of 绩效目标 → overall + projects; a blank 项目名称 continues the one above."""
    overall = None
    projects: list[dict] = []
    current = None
    for row in rows:
        name = row.get("project")
        if name is not None:
            name = str(name).strip()
            current = {"name": name, "target": row.get("target") or "", "indicators": []}
            if name in ("（整体）", "整体", "单位整体", "部门整体"):
                current.pop("name")
                overall = current
            else:
                projects.append(current)
        if current is None:
            continue
        if row.get("level3") or row.get("level1"):
            current["indicators"].append({k: str(row[k]) if row.get(k) is not None else "" for k in ("level1", "level2", "level3", "description", "value", "basis")})
    # merged 一级/二级 cells read as blanks: carry the value above down
    for p in ([overall] if overall else []) + projects:
        last1 = last2 = ""
        for ind in p["indicators"]:
            if ind["level1"]:
                if ind["level1"] != last1:
                    last2 = ""
                last1 = ind["level1"]
            else:
                ind["level1"] = last1
            if ind["level2"]:
                last2 = ind["level2"]
            else:
                ind["level2"] = last2
    out: dict[str, Any] = {"projects": projects}
    if overall:
        out["overall"] = overall
    return out


__all__ = ["read_workbook", "write_template"]
