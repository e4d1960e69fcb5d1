"""The rule catalogue: every finding code, its severity, family and what it enforces.

Codes are stable (kebab-case); the reference in ``docs/rules.md`` is generated from this
table (``yusuan rules --format markdown``) and a test fails when a code emitted anywhere is
missing here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str  # error | warning | info
    family: str
    title: str
    identity: str


FAMILIES = {
    "parse": "读取（解析）",
    "row": "行内等式",
    "column": "列合计与科目层级",
    "balance": "收支平衡",
    "cross-table": "表间勾稽",
    "narrative": "说明与表格一致",
    "completeness": "完整性",
    "catalog": "科目编码与名称",
    "performance": "绩效目标",
    "input": "预算编制数据（compile 输入）",
}

RULES: tuple[Rule, ...] = (
    # -- parse
    Rule("code-repaired", "warning", "parse", "科目编码被拆开或缺前导零，已还原", "文本提取把编码拆成两段（`210110 1`），按相邻数字还原为 `2101101`；或类/款/项分列的款、项印成不带前导零的数字（`301  2`），补零还原为 `30102`。"),
    Rule("cell-not-a-number", "warning", "parse", "金额单元格不是数字", "金额列中的单元格应为数字、空白或“-”。"),
    Rule("page-without-text", "warning", "parse", "页面没有文字层", "扫描页无法读取，需人工核对或OCR。"),
    Rule("document-unreadable", "error", "parse", "文件无法作为公开文件读取", "空文件、非文本、损坏或加密的文件。"),
    Rule("parse-timeout", "error", "parse", "解析超时或超出内存", "单个文件的解析超过时间或内存上限，已跳过。"),
    # -- row identities
    Rule("row-total-mismatch", "error", "row", "合计不等于各分项之和", "合计 = 基本支出 + 项目支出 (+ 经营支出 + 上缴上级支出 + 对附属单位补助支出，印在“其中”下时不另加)；合计 = 本年收入 + 上年结转；合计 = 各资金来源之和。"),
    Rule("row-subtotal-mismatch", "error", "row", "小计不等于各收入来源之和", "本年收入小计 = 财政拨款收入 + 财政专户 + 事业收入 + 经营收入 + 上级补助 + 附属单位上缴 + 其他收入。"),
    Rule("basic-split-mismatch", "error", "row", "基本支出不等于人员经费与公用经费之和", "基本支出 = 人员经费 + 公用经费。"),
    Rule("fund-split-mismatch", "error", "row", "财政拨款不等于各类财政拨款之和", "财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营预算。"),
    Rule("item-sum-mismatch", "error", "row", "项目合计不等于各项之和", "“三公”经费合计 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费；公务用车购置及运行费 = 购置费 + 运行维护费；资产总额 = 各类资产之和。"),
    # -- columns and hierarchy
    Rule("column-total-mismatch", "error", "column", "合计行不等于各类之和", "合计行 = 各“类”（或最高层级）行之和。"),
    Rule("list-total-mismatch", "error", "column", "合计行不等于各项之和", "列表式的表（政府购买服务表等，各行无科目编码）：合计行 = 各行之和。"),
    Rule("hierarchy-sum-mismatch", "error", "column", "上级科目不等于下级科目之和", "类 = Σ款，款 = Σ项；301 = Σ301xx。"),
    # -- two-sided balance
    Rule("side-total-mismatch", "error", "balance", "本年合计不等于各行之和", "本年收入合计 = Σ收入各项；本年支出合计 = Σ支出功能分类各类；收入总计 = 本年收入合计 + 上年结转结余；支出总计 = 本年支出合计 + 年终结转结余。"),
    Rule("balance-mismatch", "error", "balance", "收入总计不等于支出总计", "收入总计 = 支出总计（分资金来源亦然）。"),
    # -- cross-table
    Rule("cross-table-mismatch", "error", "cross-table", "表间数字不一致", "收支总表 ↔ 收入总表 ↔ 支出总表 ↔ 财政拨款收支总表 ↔ 一般公共预算支出表 ↔ 基本支出表，同一数字处处相等。"),
    Rule("cross-table-code-missing", "error", "cross-table", "科目只在一张表中出现", "收入总表与支出总表列示相同的功能分类科目。"),
    Rule("three-public-vs-economic", "error", "cross-table", "“三公”经费小于基本支出中的对应经济科目", "公务接待费 ≥ 30217，公务用车运行维护费 ≥ 30231，因公出国（境）费 ≥ 30212，公务用车购置费 ≥ 31013（基本支出部分）。"),
    # -- narrative
    Rule("narrative-amount-mismatch", "error", "narrative", "说明中的金额与表格不一致", "情况说明引用的每个金额都应等于其所指的表格数字。"),
    Rule("narrative-change-inconsistent", "error", "narrative", "增减额与各分项增减额之和不一致", "总增减额 = 各分项增减额之和（如 −53.49 = −28.03 + −25.46）。"),
    Rule("narrative-percent-mismatch", "error", "narrative", "增减百分比计算不正确", "增减率 = 增减额 ÷ 上年数 × 100%。"),
    Rule("narrative-year-mismatch", "warning", "narrative", "说明中的年度与文件年度不符", "本年数字应标注本年度，比较年度应为上一年度。"),
    # -- completeness
    Rule("table-missing", "error", "completeness", "缺少必须公开的表格", "按公开规定必须公开的表格，无数据时也应空表列示。"),
    Rule("table-missing-recommended", "warning", "completeness", "缺少通常公开的表格", "国有资本经营预算支出表等多数地区公开的表格（全国最低要求未列明）。"),
    Rule("table-empty-without-note", "warning", "completeness", "空表没有说明", "空表应注明原因（如“无政府性基金预算，空表列示”）。"),
    Rule("tables-published-separately", "info", "completeness", "表格另册公开", "情况说明与报表分开公开（如北京），表格应与报表文件一并检查。"),
    Rule("narrative-missing", "info", "completeness", "没有情况说明", "本文件只含报表，情况说明另册公开。"),
    # -- catalog
    Rule("subject-code-unknown", "error", "catalog", "科目编码不存在", "功能分类的“类”、部门/政府预算支出经济分类的类和款（3、5位）必须是政府收支分类科目中的编码；地方扩展的7位经济分类编码，其5位上级科目必须存在。"),
    Rule("subject-code-not-in-catalog", "warning", "catalog", "功能分类款/项编码不在内置目录中", "支出功能分类的款/项编码不在内置科目目录（2019—2026年各版）中：可能是新版新增科目，也可能是编码有误。"),
    Rule("subject-code-regional", "info", "catalog", "地方扩展的经济分类科目", "7位经济分类编码（如北京 3021101 差旅费）是地方在全国5位科目下的扩展，名称无法按全国目录核对。"),
    Rule("subject-name-of-other-code", "error", "catalog", "科目名称是另一个科目的名称", "印出的名称不是该编码的名称，却恰是同一分类中相近编码（同级、至多两位数字不同）的名称，如 30109 印为“机关事业单位基本养老保险缴费”（30108 的名称）：编码或名称印错。"),
    Rule("subject-name-mismatch", "warning", "catalog", "科目名称与标准名称不同", "科目名称应与当年政府收支分类科目一致（全角/半角括号、空格、历年旧称不计）。"),
    Rule("subject-name-inconsistent", "error", "catalog", "同一科目在文件中名称不同", "同一文件中，一个科目编码只有一个名称。"),
    # -- performance
    Rule("indicator-unit-mismatch", "warning", "performance", "指标值单位与指标不符", "“率”类指标的指标值应为百分比，而不是人、件等。"),
    # -- budget input (yusuan compile): located at sheet/row/column of the workbook or YAML section
    Rule("input-missing", "error", "input", "缺少必填数据", "单位名称、预算年度、支出明细的功能分类科目、资金来源、支出类型和金额（项目支出还有项目名称）必须填写。"),
    Rule("input-not-a-number", "error", "input", "金额不是数字", "金额、数量、年度单元格应为数字。"),
    Rule("input-unknown-code", "error", "input", "科目编码无效或没有名称", "功能分类/经济分类科目编码须为 3/5/7 位有效编码，类须在政府收支分类科目中；目录外的款/项须填写科目名称。"),
    Rule("input-unknown-value", "error", "input", "取值无法识别", "资金来源、支出类型、资产项目等应取规定的名称（如“一般公共预算”“人员经费”）。"),
    Rule("input-bad-value", "error", "input", "取值不合理", "如经营支出使用财政拨款、年度超出范围、结构不是表格或列表。"),
    Rule("input-missing-sheet", "error", "input", "缺少工作表", "模板中的“单位信息”“支出明细”工作表必须保留。"),
    Rule("input-missing-column", "error", "input", "缺少列", "“支出明细”等工作表须有功能分类科目编码、资金来源、支出类型、金额等列（按表头识别）。"),
    Rule("input-income-mismatch", "error", "input", "收入与支出资金来源不一致", "填报的各项收入 = 支出明细中以该项收入为资金来源的支出之和。"),
    Rule("input-three-public-below-economic", "error", "input", "“三公”经费小于对应经济科目", "填报的“三公”经费各项 ≥ 支出明细中财政拨款经济科目 30212、31013、30231、30217 之和。"),
    Rule("input-unknown-field", "warning", "input", "未知字段", "预算数据中的未知字段被忽略（可能是拼写错误）。"),
)

BY_CODE = {r.code: r for r in RULES}


def severity(code: str) -> str:
    rule = BY_CODE.get(code)
    return rule.severity if rule else "error"


def markdown() -> str:
    """The rule reference (docs/rules.md)."""
    out = [
        "# Rule reference",
        "",
        "Generated from `src/yusuan/check/codes.py` by `yusuan rules --format markdown`; do not edit by hand.",
        "",
        "Amounts are compared with one rounding tolerance (see `docs/tolerance.md`).",
        "",
    ]
    for fam, title in FAMILIES.items():
        rules = [r for r in RULES if r.family == fam]
        if not rules:
            continue
        out += [f"## {title} (`{fam}`)", "", "| code | severity | 说明 | identity |", "|---|---|---|---|"]
        for r in rules:
            out.append(f"| `{r.code}` | {r.severity} | {r.title} | {r.identity} |")
        out.append("")
    return "\n".join(out)
