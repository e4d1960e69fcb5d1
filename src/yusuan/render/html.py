"""HTML: one accessible, printable page (Jinja2 template, no scripts, nothing from the web).

Tables carry ``<th scope>`` headers with their spans, are labelled by their title, repeat
their header rows on every printed page (``thead``), and print one table per A4 page.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from jinja2 import Environment, select_autoescape

from ..model import Disclosure
from .document import blocks, toc_entries


@cache
def _env() -> tuple[Environment, str]:
    root = resources.files(__package__)  # document.html (Jinja2) and document.css ship as package data
    env = Environment(autoescape=select_autoescape(default=True), trim_blocks=False, lstrip_blocks=False)
    template = env.from_string((root / "document.html").read_text(encoding="utf-8"))
    css = (root / "document.css").read_text(encoding="utf-8")
    env.globals["_template"] = template
    return env, css


def render_html(doc: Disclosure) -> str:
    env, css = _env()
    bs = blocks(doc)
    title = bs[0].text if bs and bs[0].kind == "title" else doc.title
    subtitle = next((b.text for b in bs if b.kind == "subtitle"), None)
    body = [b for b in bs if b.kind not in ("title", "subtitle", "toc")]
    return env.globals["_template"].render(title=title, subtitle=subtitle, css=css, toc=toc_entries(bs), blocks=body)
