"""Generate ``docs/glossary.md``: the Chinese term ↔ identifier glossary of yusuan.

Why generated: table ids, column roles, row and narrative concepts live as data in
``src/yusuan/catalog/*.yaml``; a glossary typed by hand drifts from them.  The domain terms
that are not data (类/款/项, 栏次, 预算/决算 …) are written below once.  ``tests/test_catalog.py``
fails when ``docs/glossary.md`` differs from what this script writes.

    python docs/gen_glossary.py          # rewrite docs/glossary.md
    python docs/gen_glossary.py --check  # exit 1 when it is out of date
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from importlib import resources
from pathlib import Path

import yaml

from yusuan.catalog import GENERIC_TABLE_ID

OUT = Path(__file__).resolve().parent / "glossary.md"

HEAD = """# Glossary: 中文术语 ↔ identifiers

yusuan keeps English identifiers in code and Chinese in data, messages and UI.  This page maps
the two.  The sections *Tables*, *Column roles*, *Row concepts* and *Narrative concepts* are
generated from `src/yusuan/catalog/*.yaml` by `docs/gen_glossary.py` (do not edit them by hand;
`tests/test_catalog.py` fails when this file is out of date).

## Documents

| 中文 | identifier | meaning |
|---|---|---|
| 预决算信息公开 | disclosure (`Disclosure`) | a published budget or final-accounts document |
| 预算 | phase `预算` (budget) | the year's plan, published before the year |
| 决算 | phase `决算` (final accounts) | what was spent, published after the year |
| 部门预算 / 部门决算 | scope: department | a 部门's consolidated tables, possibly followed by each 所属单位's |
| 单位预算 / 单位决算 | scope: unit | one 预算单位's tables |
| 部门 | department | a government department (主管部门) with its 所属单位 |
| 单位、预算单位、所属单位 | unit (`Unit`) | a budget unit, `code` (单位编码, e.g. `542001`) and `name` |
| 单位编码 | `unit_code` | the unit's code printed on each table page |
| 预算年度 | `year` | the budget year of the document |
| 情况说明、编制说明 | narrative (`Section`) | the text part of a disclosure |
| 报表 | tables | the standard tables (北京 publishes 报表 and 情况说明 as two files) |
| 空表列示 | published empty | a required table printed even when it has no data |
| 单位：万元 / 元 | `amount_unit` (`万元` / `元`) | the unit of every amount of a table |

## Table structure

| 中文 | identifier | meaning |
|---|---|---|
| 表 | `Table` (`id`, `title`) | a standard table, joined across its pages |
| 表头 | header | the header rows; its leaf cells give `Column.header` |
| 栏次 | column number (`Column.number`) | the printed number of a column (1, 2, 3 …) |
| 列 | `Column` (`key`, `header`, `role`, `path`) | a leaf column; `role` is the canonical concept |
| 序号、行次 | row (`Row.seq`) | the printed row number |
| 行 | `Row` (`label`, `code`, `cells`) | a table row |
| 项目 | `Row.label` / `Row.item` | the row label; `item` is the label without 一、/1、/其中： |
| 其中 | of which | a row or column that is part of the one above it, not added to the total |
| 合计 / 总计 / 小计 | total / grand total / subtotal | `total`, `grand_total`, `subtotal` |
| 收入 / 支出 (两栏表) | side `income` / `expenditure` | the halves of 收支总表 and 财政拨款收支总表 |
| 单元格 | `Cell` (`text`, `value`) | the printed text and its `Decimal` amount |
| 续表 | continuation | a table continued on the next page |

## Subject codes (政府收支分类科目)

| 中文 | identifier | meaning |
|---|---|---|
| 科目编码 | subject code (`Row.code`) | 3, 5 or 7 digits |
| 科目名称 | subject name | the catalogue name of a code |
| 支出功能分类科目 | `CodeKind.FUNCTIONAL` (2xx) | what the money is for: `functional.tsv` |
| 部门预算支出经济分类科目 | `CodeKind.ECONOMIC` (3xx) | what the money buys, for departments: `economic.tsv` |
| 政府预算支出经济分类科目 | `CodeKind.GOV_ECONOMIC` (5xx) | what the money buys, for the government budget: `gov_economic.tsv` |
| 类 | class (level 1, 3 digits) | `201` 一般公共服务支出 |
| 款 | section (level 2, 5 digits) | `20103` 政府办公厅（室）及相关机构事务 |
| 项 | item (level 3, 7 digits) | `2010308` 信访事务 |
| 上级科目 / 下级科目 | parent / children (`model.codes.parent`) | `2010308` → `20103` → `201` |
| 地方扩展科目 | regional extension | a 7-digit economic code under a national 5-digit one (北京 `3021101` 差旅费) |
| 收入分类科目 | income classification | not catalogued (disclosures print income by source, not by code) |

## Money and spending concepts

| 中文 | identifier | meaning |
|---|---|---|
| 财政拨款 | `fiscal` | appropriations: 一般公共预算 + 政府性基金 + 国有资本经营预算 |
| 一般公共预算 | `general_budget` | the general public budget |
| 政府性基金预算 | `gov_fund` | government-fund budget |
| 国有资本经营预算 | `state_capital` | state-capital operating budget |
| 财政专户管理资金 | `special_account` | funds held in the fiscal special account |
| 基本支出 | `basic` | spending to keep the unit running: 人员经费 + 公用经费 |
| 项目支出 | `project` | spending on projects (专项业务经费 in 西安) |
| 人员经费 | `personnel` | staff costs: 工资福利支出 (301) + 对个人和家庭的补助 (303) in 基本支出 |
| 公用经费 | `public` | running costs: 商品和服务支出 (302) and small capital items in 基本支出 |
| 机关运行经费 | `agency_operating` | an administrative unit's 公用经费 paid from 一般公共预算 |
| “三公”经费 | `three_public` | 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费 |
| 因公出国（境）费 | `abroad` | official travel abroad (经济科目 30212) |
| 公务用车购置及运行费 | `vehicle` | official cars: 购置费 (31013) + 运行维护费 (30231) |
| 公务用车购置费 | `vehicle_purchase` | buying official cars (31013) |
| 公务用车运行维护费 | `vehicle_operation` | running official cars (30231) |
| 公务接待费 | `reception` | official hospitality (30217) |
| 会议费 / 培训费 | `meeting` / `training` | 30215 / 30216 |
| 上年结转（结余） | `carryover` | last year's unspent funds brought forward |
| 年终结转结余 | `carryforward` | funds carried to next year |
| 政府采购 | `procurement` | government procurement |
| 绩效目标 | performance targets | 绩效目标表: 一级/二级/三级指标, 指标值 |

## Findings

| 中文 | identifier | meaning |
|---|---|---|
| 问题、审核意见 | finding (`Finding`) | one problem: stable `code`, `severity`, location, expected/actual |
| 错误 / 警告 / 提示 | `error` / `warning` / `info` | severity |
| 勾稽关系 | identity | an equation the figures must satisfy (合计 = 基本支出 + 项目支出) |
| 表间勾稽 | cross-table identity | the same figure in two tables must agree |
"""


def _yaml(name: str):
    return yaml.safe_load((resources.files("yusuan.catalog") / name).read_text(encoding="utf-8"))


def readable(pattern: str) -> str:
    """A regular expression from the catalogue as a plain term (``^(?:本年)?收入合计$`` → ``收入合计``)."""
    t = pattern.strip("^$")
    t = re.sub(r"\(\?<[!=][^)]*\)", "", t)
    t = re.sub(r"\[（\(\]|\[\(（\]", "（", t)
    t = re.sub(r"\[\)）\]|\[）\)\]", "）", t)
    t = re.sub(r"\[:：\]\??", "", t)
    for _ in range(3):
        t = re.sub(r"\(\?:[^()]*\)\?", "", t)
    t = re.sub(r"\(\?:([^()]*)\)", lambda m: "/".join(dict.fromkeys(m.group(1).split("|"))), t)
    t = re.sub(r"\.\{\d*,?\d*\}|\.\*|\.\+", "…", t)
    return t.replace("\\", "").replace("?", "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def tables_section() -> list[str]:
    out = ["## Tables (`catalog/tables.yaml`)", "", "| 表 | id | phase | required |", "|---|---|---|---|"]
    for t in _yaml("tables.yaml")["tables"]:
        req = t.get("required", False)
        req = "yes" if req is True else ("recommended" if req == "recommended" else "no")
        out.append(f"| {t['name']} | `{t['id']}` | {t.get('phase', '预算')} | {req} |")
    # a title no pattern matches, over a header and rows (Catalog.generic_title)
    out.append(f"| 其他表（标题不在目录中，按印出的标题保留） | `{GENERIC_TABLE_ID}` | 预算/决算 | no |")
    return out + [""]


def columns_section() -> list[str]:
    cols = _yaml("columns.yaml")
    out = [
        "## Column roles (`catalog/columns.yaml`)",
        "",
        "Key columns (what a column holds besides amounts):",
        "",
        "| 表头 | kind |",
        "|---|---|",
    ]
    for kind, names in cols["key_columns"].items():
        out.append(f"| {'、'.join(names)} | `{kind}` |")
    roles: dict[str, list[str]] = defaultdict(list)
    for header, role in cols["roles"]["exact"].items():
        roles[role].append(header)
    for pattern, role in cols["roles"]["patterns"]:
        roles[role].append(f"…{readable(pattern)}…" if not pattern.startswith("^") else f"{readable(pattern)}…")
    out += ["", "Amount columns → role (exact headers, then patterns shown as `…term…`):", "", "| 表头 | role |", "|---|---|"]
    for role in sorted(roles):
        seen: list[str] = []
        for h in roles[role]:
            if h not in seen:
                seen.append(h)
        out.append(f"| {_cell('、'.join(seen))} | `{role}` |")
    groups = cols.get("group_prefixes") or {"carryover": cols.get("carryover_groups", [])}
    out += ["", "Group headers above a column prefix its role (`carryover.general_budget`):", ""]
    out += ["| 上级表头 | prefix |", "|---|---|"]
    for prefix, words in groups.items():
        out.append(f"| {'、'.join(words)}… | `{prefix}.` |")
    return out + [""]


def rows_section() -> list[str]:
    out = [
        "## Row concepts (`catalog/rows.yaml`)",
        "",
        "Rows named rather than coded, by table part; the pattern is the authority, the term its plain reading.",
        "",
        "| part | 行 | concept | pattern |",
        "|---|---|---|---|",
    ]
    for group, entries in _yaml("rows.yaml").items():
        for concept, pattern in entries:
            out.append(f"| `{group}` | {_cell(readable(pattern))} | `{concept}` | `{_cell(pattern)}` |")
    return out + [""]


def narrative_section() -> list[str]:
    out = [
        "## Narrative concepts (`catalog/narrative.yaml`)",
        "",
        "A figure quoted in the 情况说明 is matched to a concept by its label, then compared with the table figures listed.",
        "",
        "| 说明中的说法 | concept | table figures |",
        "|---|---|---|",
    ]
    for c in _yaml("narrative.yaml")["concepts"]:
        labels = "、".join(dict.fromkeys(readable(p) for p in c["labels"]))
        figures = ", ".join(f"`{f}`" for f in c["figures"])
        out.append(f"| {_cell(labels)} | `{c['id']}` | {figures} |")
    from yusuan.check.context import KINDS

    out += ["", "Table kinds in figures (`check/context.py`: a 预算 table and its 决算 twin play the same part):", ""]
    out += ["| kind | tables |", "|---|---|"]
    for kind, ids in KINDS.items():
        out.append(f"| `{kind}` | {', '.join(f'`{i}`' for i in ids)} |")
    return out + [""]


def generate() -> str:
    parts = [HEAD.rstrip("\n"), ""]
    for section in (tables_section, columns_section, rows_section, narrative_section):
        parts += section()
    return "\n".join(parts).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    text = generate()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python docs/gen_glossary.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
