"""Compile + render a seed-sized disclosure to PDF, XLSX and DOCX, beside LibreOffice.

    python bench/bench_render.py [RUNS]

The clerk's usual path to a PDF is a spreadsheet converted by LibreOffice; this measures,
in the same run:

* compile (the example's budget input → disclosure), median of RUNS, and documents/s for
  compile alone over synthetic units (``yusuan.compile.synthetic``);
* render to PDF (typst), XLSX (XlsxWriter) and DOCX (python-docx + raw XML), median of
  RUNS in one process (the first PDF, which loads the CJK fonts, is reported apart);
* the baseline: ``libreoffice --headless --convert-to pdf`` of the same XLSX, median of
  RUNS (a fresh LibreOffice each time, as a script run by the clerk would start it).
  When LibreOffice is not installed the baseline is skipped and the bench says so.

Times are wall-clock medians; the machine's other load shows in them (2 cores here).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from yusuan.compile import compile_data, load_data
from yusuan.compile.synthetic import synthetic_units
from yusuan.render import render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "luquan-xinfang-2021" / "budget.yaml"


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    data = load_data(EXAMPLE)
    doc, _ = compile_data(data)
    t_compile = median_time(lambda: compile_data(data), runs * 10)

    units = list(synthetic_units(100, years=(2024, 2025)))
    t0 = time.perf_counter()
    for u in units:
        compile_data(u)
    per_s = len(units) / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    pdf = render(doc, "pdf")  # loads the fonts
    t_pdf_cold = time.perf_counter() - t0
    t_pdf = median_time(lambda: render(doc, "pdf"), runs)
    other = next(iter(synthetic_units(1, years=(2025,), seed=7)))
    other_doc, _ = compile_data(other)
    t_pdf_other = median_time(lambda: render(other_doc, "pdf"), runs)
    t_xlsx = median_time(lambda: render(doc, "xlsx"), runs)
    t_docx = median_time(lambda: render(doc, "docx"), runs)
    t_both = median_time(lambda: render(compile_data(data)[0], "pdf"), runs)
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type/Page") or "?"

    print(f"document: {EXAMPLE.relative_to(ROOT)} ({len(doc.tables)} tables, {len(doc.performance)} target tables, PDF {len(pdf) // 1024} KB)")
    print(f"compile                    {t_compile * 1000:8.1f} ms   ({per_s:.0f} documents/s over {len(units)} synthetic units)")
    print(f"render PDF (first, fonts)  {t_pdf_cold * 1000:8.1f} ms")
    print(f"render PDF                 {t_pdf * 1000:8.1f} ms   (another document: {t_pdf_other * 1000:.1f} ms)")
    print(f"compile + render PDF       {t_both * 1000:8.1f} ms")
    print(f"render XLSX                {t_xlsx * 1000:8.1f} ms")
    print(f"render DOCX                {t_docx * 1000:8.1f} ms")
    lo = libreoffice()
    if lo is None:
        print("baseline: LibreOffice not installed (apt-get install libreoffice-calc) — baseline skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / "disclosure.xlsx"
        xlsx.write_bytes(render(doc, "xlsx"))
        profile = Path(tmp) / "profile"

        def convert() -> None:
            subprocess.run(
                [lo, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(xlsx)],
                check=True,
                capture_output=True,
                timeout=300,
            )

        convert()  # first start creates the profile
        t_lo = median_time(convert, max(3, runs // 2))
        assert (Path(tmp) / "disclosure.pdf").exists()
    print(f"baseline LibreOffice XLSX→PDF {t_lo * 1000:5.0f} ms")
    print(f"ratio: compile + render PDF is {t_lo / t_both:.1f}× faster than LibreOffice converting the XLSX "
          f"(render alone {t_lo / t_pdf:.1f}×)")
    del pages


if __name__ == "__main__":
    main()
