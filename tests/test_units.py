"""The units a 部门 document covers: its summary tables list them row by row (``153001
西安市某某局`` with its income), and ``Disclosure.units`` names each once, after the unit the
document is printed for.  Hand-written ``pdftotext -layout`` text, names and figures invented."""

from __future__ import annotations

from pdftotext_page import at, right
from yusuan.parse import parse_text

DOC = "\n".join(
    [
        "西安市某某局2026年部门预算",
        "",
        at((30, "部门收入总表")),
        at((60, "单位：万元")),
        at((0, "单位编码"), (12, "单位名称"), (40, "合计"), (52, "一般公共预算")),
        at((12, "合计"), right(44, "300.00"), right(60, "300.00")),
        at((0, "153"), (12, "西安市某某局"), right(44, "300.00"), right(60, "300.00")),
        at((2, "153001"), (12, "西安市某某局"), right(44, "200.00"), right(60, "200.00")),
        at((2, "153002"), (12, "西安市某某局训练支队"), right(44, "100.00"), right(60, "100.00")),
    ]
)


def test_the_units_listed_in_a_summary_table_are_the_documents_units():
    doc, _ = parse_text(DOC)
    units = [(u.code, u.name) for u in doc.units]
    assert units[0] == (None, "西安市某某局")  # the document's own unit, as before
    assert units[1:] == [("153", "西安市某某局"), ("153001", "西安市某某局"), ("153002", "西安市某某局训练支队")]
    assert doc.unit.name == "西安市某某局"
