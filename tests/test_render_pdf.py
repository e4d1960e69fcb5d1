"""The PDF as a person sees it: A4, CJK font embedded, page furniture and column headers on
every continuation page, 目录, and page images that match the golden renders.

Golden pages: ``tests/golden/example-pNN.png``, made by ``pdftoppm -r 50 -gray -png`` from
the compiled example (``python tests/test_render_pdf.py`` rewrites them after a deliberate
layout change — look at them before committing).  They are compared pixel by pixel with a
tolerance: at most 1.5 % of the pixels may differ by more than a quarter of the grey range
(font hinting and typst versions move a few pixels, a layout change moves thousands).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "luquan-xinfang-2021" / "budget.yaml"
GOLDEN = ROOT / "tests" / "golden"
GOLDEN_PAGES = (1, 2, 3, 4, 11, 14, 15)
TOLERANCE = 0.015


def _pdf(doc) -> bytes:
    from yusuan.render import RenderError, render

    try:
        return render(doc, "pdf")
    except RenderError as exc:
        pytest.skip(f"PDF cannot be rendered here: {exc}")


def _example_pdf() -> bytes:
    from yusuan.compile import compile_path

    doc, _ = compile_path(EXAMPLE)
    return _pdf(doc)


def _pages(data: bytes) -> list[tuple[float, float, str]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    out = []
    for page in pdf:
        w, h = page.get_size()
        out.append((w, h, page.get_textpage().get_text_range()))
    return out


def test_a4_font_and_toc():
    data = _example_pdf()
    pages = _pages(data)
    assert len(pages) >= 14
    portrait = (round(pages[0][0]), round(pages[0][1]))
    assert portrait == (595, 842)  # A4
    assert (round(pages[2][0]), round(pages[2][1])) == (842, 595)  # tables on A4 landscape
    assert "目录" in pages[1][2] and "单位预算收支总表" in pages[1][2]
    assert b"/FontFile3" in data or b"/FontFile2" in data  # the font is embedded
    assert b"NotoSansCJK" in data or b"NotoSerifCJK" in data or b"WenQuanYi" in data
    body = "\n".join(p[2] for p in pages)
    assert "注：无政府性基金预算财政拨款支出，空表列示。" in body
    assert "栏次" in pages[2][2] and "序号" in pages[2][2]


def _long_input() -> dict:
    from yusuan.catalog import get

    codes = [c for c in sorted(get().subjects) if len(c) == 7 and c[0] == "2"][:90]
    lines = [{"function": c, "economic": "30101", "fund": "一般公共预算", "kind": "人员经费", "amount": f"{i + 1}.25"} for i, c in enumerate(codes)]
    return {"year": 2025, "unit": {"code": "777001", "name": "长表测试单位", "nature": "行政"}, "expenditure": lines}


def test_continuation_pages_repeat_furniture_and_headers():
    from yusuan.compile import compile_data

    doc, findings = compile_data(_long_input())
    pages = _pages(_pdf(doc))
    titled = [i for i, p in enumerate(pages) if "单位预算收入总表" in p[2] and "……" not in p[2] and "目录" not in p[2]]
    assert titled, "收入总表 not found"
    first = titled[0]
    follow = pages[first + 1][2]
    assert "单位预算收入总表" not in follow  # the title is printed once
    for furniture in ("777001 长表测试单位", "预算年度：2025", "单位：万元"):
        assert furniture in follow, furniture
    for header in ("功能分类科目", "科目编码", "科目名称", "本年收入", "栏次"):
        assert header in follow, header
    assert "777001 长表测试单位" not in pages[1][2]  # the 目录 page has no table furniture


# --------------------------------------------------------------------------- golden pages


def _png_gray(path: Path) -> tuple[int, int, bytes]:
    """Decode an 8-bit, non-interlaced grey or RGB PNG (what ``pdftoppm -png`` writes) to grey."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, bpp = 8, b"", 0, 0, 1
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and color in (0, 2) and interlace == 0, "expected an 8-bit grey or RGB PNG"
            bpp = 1 if color == 0 else 3
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    n = width * bpp
    stride = n + 1
    prev = bytearray(n)
    out = bytearray()
    for y in range(height):
        f, line = raw[y * stride], bytearray(raw[y * stride + 1 : (y + 1) * stride])
        if f == 1:
            for x in range(bpp, n):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            for x in range(n):
                line[x] = (line[x] + prev[x]) & 255
        elif f == 3:
            for x in range(n):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif f == 4:
            for x in range(n):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line if bpp == 1 else bytes(line[x] for x in range(0, n, 3))
        prev = line
    return width, height, bytes(out)


def _render_pages(pdf: Path, outdir: Path) -> dict[int, Path]:
    out = {}
    for n in GOLDEN_PAGES:
        stem = outdir / f"example-p{n:02d}"
        subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", "-singlefile", "-f", str(n), "-l", str(n), str(pdf), str(stem)], check=True, capture_output=True)
        out[n] = stem.with_suffix(".png")
    return out


def _difference(a: Path, b: Path) -> float:
    wa, ha, pa = _png_gray(a)
    wb, hb, pb = _png_gray(b)
    if (wa, ha) != (wb, hb):
        return 1.0
    diff = sum(1 for x, y in zip(pa, pb) if abs(x - y) > 64)
    return diff / len(pa)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_pages_match_the_golden_renders(tmp_path):
    pdf = tmp_path / "example.pdf"
    pdf.write_bytes(_example_pdf())
    rendered = _render_pages(pdf, tmp_path)
    worst = {}
    for n, png in rendered.items():
        golden = GOLDEN / png.name
        assert golden.exists(), f"missing {golden}: run `python tests/test_render_pdf.py` and look at the pages"
        worst[n] = _difference(png, golden)
    assert max(worst.values()) <= TOLERANCE, {n: f"{d:.2%}" for n, d in worst.items()}


if __name__ == "__main__":  # regenerate the golden pages
    sys.path.insert(0, str(ROOT / "src"))
    GOLDEN.mkdir(parents=True, exist_ok=True)
    target = GOLDEN / "example.pdf"
    target.write_bytes(_example_pdf())
    for n, png in _render_pages(target, GOLDEN).items():
        print(png)
    target.unlink()
