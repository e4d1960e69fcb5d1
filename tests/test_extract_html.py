"""HTML input: any page a unit publishes — text blocks as lines, tables as grid rows."""

from __future__ import annotations

import pytest

from yusuan.api import read
from yusuan.parse.extract.html import extract, read_html
from yusuan.parse.extract.text import NotADisclosure
from yusuan.render.opendata import to_csv

PAGE = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>不读</title><script>var x = 1;</script></head>
<body>
<div class="wrap"><h1>某某区民政局2024年部门预算公开</h1>
<p>按照规定，现将本部门预算公开如下：<br>第二行文字</p>
<div><span>一、部门预算收支总表</span></div>
</div>
<table border="1">
  <caption>部门预算支出总表</caption>
  <tr><td colspan="3">单位：万元</td></tr>
  <tr><th rowspan="2">序号</th><th colspan="2">功能分类科目</th><th rowspan="2">合计</th><th rowspan="2">基本支出</th><th rowspan="2">项目支出</th></tr>
  <tr><th>科目编码</th><th>科目名称</th></tr>
  <tr><td>1</td><td></td><td>合计</td><td>120.50</td><td>100.00</td><td>20.50</td></tr>
  <tr><td>2</td><td>208</td><td>社会保障和就业支出</td><td>120.50</td><td>100.00</td><td>20.50</td></tr>
  <tr><td>3</td><td>20802</td><td>民政管理事务</td><td>120.50</td><td>100.00</td><td>20.50</td></tr>
</table>
<!-- a comment -->
</body></html>"""


def _lines(raw):
    return [[(w.text, int(w.x0)) for w in ln.words] for ln in raw.lines if not ln.is_blank]


def test_blocks_and_spans():
    raw = read_html(PAGE.encode("gbk"), "page.html")
    lines = _lines(raw)
    assert raw.grid and lines[0] == [("某某区民政局2024年部门预算公开", 0)]
    assert lines[1] == [("按照规定，现将本部门预算公开如下：", 0)] and lines[2] == [("第二行文字", 0)]
    assert lines[3] == [("一、部门预算收支总表", 0)]
    assert lines[4] == [("部门预算支出总表", 0)]  # the caption, before the rows
    # rowspan/colspan: the text in its first cell, covered cells empty
    assert lines[6] == [("序号", 0), ("功能分类科目", 1), ("合计", 3), ("基本支出", 4), ("项目支出", 5)]
    assert lines[7] == [("科目编码", 1), ("科目名称", 2)]
    assert lines[9] == [("2", 0), ("208", 1), ("社会保障和就业支出", 2), ("120.50", 3), ("100.00", 4), ("20.50", 5)]
    assert not any("var x" in t for ln in lines for t, _ in ln)


def test_a_published_page_parses(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("gbk"))
    doc, _ = read(path)
    t = doc.table("expenditure_summary")
    assert t is not None and t.amount_unit == "万元"
    row = t.find_row(code="20802")
    assert row.item == "民政管理事务" and str(row.value("basic")) == "100.00"
    assert "expenditure_summary,3,20802,民政管理事务,项目支出,20.5,万元" in to_csv(doc)


def test_nested_and_empty(tmp_path):
    raw = read_html("<table><tr><td><p>甲</p><p>乙</p></td><td>合 计</td><td>一般公共\n      服务支出</td></tr></table>", "x")
    # nested blocks in a cell: one word; a typed space stays; a source line wrap in Chinese text goes
    assert _lines(raw) == [[("甲 乙", 0), ("合 计", 1), ("一般公共服务支出", 2)]]
    empty = tmp_path / "e.html"
    empty.write_text("<html><body>  </body></html>", encoding="utf-8")
    with pytest.raises(NotADisclosure):
        extract(empty)
