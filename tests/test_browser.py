"""What a person sees, in a real browser: Playwright driving Debian's chromium.

Search a unit, open its page, see the charts render, download the XLSX, log in as a
clerk, upload a document, see its findings, submit it, publish it as the reviewer — and
no script from the uploaded text ever runs.  Skipped when /usr/bin/chromium is absent
(``apt-get install chromium``); never downloads a browser.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from test_store_support import sample_text
from test_web import PASSWORDS, make_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``yusuan serve`` on a store of hand-written disclosures, in its own process."""
    d = tmp_path_factory.mktemp("browser")
    make_store(d).dispose()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "yusuan.cli", "serve", "--db", str(d / "web.db"), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=5).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError(proc.stderr.read().decode()[-1000:]) from None
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(20)


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(profile), executable_path=str(CHROMIUM), args=ARGS, headless=True,
                                                   accept_downloads=True, viewport={"width": 1280, "height": 900})
        yield ctx
        ctx.close()


def test_a_visit_and_the_whole_workflow(server, browser_context, tmp_path):
    page = browser_context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))

    # search a unit (Chinese, part of the name) and open its page
    page.goto(server + "/")
    page.fill("#home-q", "档案")
    page.press("#home-q", "Enter")
    page.wait_for_url("**/search?q=*")
    page.click("a[href='/units/901001']")
    page.wait_for_url("**/units/901001/2022")
    assert page.text_content("#unit-name") == "演示市测试区档案馆本级"

    # the charts render (ECharts from our own static files: a canvas with an instance and data)
    page.wait_for_selector("#chart-functional[data-rendered='1'] canvas")
    n = page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-functional')).getOption().series[0].data.length")
    assert n == 3
    assert page.evaluate("document.querySelector('#chart-functional canvas').width") > 100
    page.wait_for_selector("#chart-economic[data-rendered='1'] canvas")
    page.wait_for_selector("#chart-three[data-rendered='1'] canvas")
    page.screenshot(path=str(tmp_path / "unit.png"), full_page=False)

    # download the XLSX
    with page.expect_download() as dl:
        page.click("#dl-xlsx")
    data = Path(dl.value.path()).read_bytes()
    if data[:2] != b"PK":
        pytest.fail(f"XLSX download is not a workbook: {data[:200]!r}")
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cells = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    assert "演示市测试区档案馆本级" in " ".join(cells) or any("档案馆" in c for c in cells)

    # log in as the clerk and upload a document (with a broken total and markup in its text)
    page.goto(server + "/login")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORDS["clerk"])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()
    assert page.url == server + "/", (page.url, page.text_content("main"))
    page.goto(server + "/upload")
    doc = tmp_path / "档案馆2023年预算.txt"
    doc.write_text(sample_text(year=2023, factor="1.3", break_total=True,
                               narrative_extra='<script>alert("xss")</script><img src=x onerror=alert(1)>'), encoding="utf-8")
    page.set_input_files("#upload-file", str(doc))
    page.click("#upload-submit")
    page.wait_for_url("**/versions/*")
    version_url = page.url
    assert page.text_content("#version-status") == "草稿"
    findings = page.text_content("#findings")
    assert "错误" in findings and "收支总表" in findings  # the broken total is found
    page.click("#btn-submit")
    page.wait_for_selector("#version-status:text('待审核')")
    page.click("form[action='/logout'] button")

    # the reviewer publishes it
    page.goto(server + "/login")
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", PASSWORDS["reviewer"])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(version_url)
    page.click("#btn-publish")
    page.wait_for_selector("#version-status:text('已发布')")
    page.click("form[action='/logout'] button")

    # the public sees it, with the uploaded markup shown as text
    page.goto(server + "/units/901001/2023")
    page.wait_for_selector("#chart-functional[data-rendered='1'] canvas")
    assert '<script>alert("xss")</script>' in page.text_content("#narrative")
    assert page.evaluate("document.querySelectorAll('#narrative img, #narrative script').length") == 0
    assert dialogs == [] and errors == [], (dialogs, errors)
    if os.environ.get("YUSUAN_SCREENSHOTS"):
        page.screenshot(path=os.environ["YUSUAN_SCREENSHOTS"] + "/unit-2023.png", full_page=True)
