"""What the public sees of a unit's year, rendered without a request: the page, the API
document and the downloads — for the request that finds no stored copy, for a logged-in
viewer (who may see drafts), and for ``prerender`` after a publication.

``renderer_id`` names the code that renders (yusuan's version, the templates, the portal
title): a stored page made by another renderer is stale, so an upgrade re-renders.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable, Iterable

from fastapi.templating import Jinja2Templates

from .. import __version__
from ..model import plain
from ..store import pages as stored
from ..store import queries
from ..store.schema import ROLE_NAMES, STATUS_NAMES
from . import views
from .auth import Viewer
from .cache import Rendered, make_entry
from .settings import Settings

DOWNLOAD_FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
HTML = "text/html; charset=utf-8"
JSON = "application/json"
#: the three items of 三公 and their total (not the 其中 lines under 公务用车)
_THREE_TOP = re.compile(r"^(?:合计|因公出国|公务用车购置及|公务接待)")


def package_dir(name: str) -> Path:
    from importlib import resources

    return Path(str(resources.files("yusuan.web") / name))


@cache
def _templates_digest() -> str:
    h = hashlib.blake2b(digest_size=8)
    for p in sorted(package_dir("templates").glob("*.html")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def renderer_id(settings: Settings) -> str:
    """Who renders: yusuan's version, the templates, the title (16 hex digits)."""
    h = hashlib.blake2b(digest_size=8)
    h.update(f"{__version__}|{_templates_digest()}|{settings.title}".encode())
    return h.hexdigest()


def money(value) -> str:
    """Thousands separators for display; the exact decimal as stored otherwise."""
    if value is None or value == "":
        return ""
    from decimal import Decimal, InvalidOperation

    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    s = format(d, ",f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def make_templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(package_dir("templates")))
    templates.env.globals.update(settings=settings, STATUS_NAMES=STATUS_NAMES, ROLE_NAMES=ROLE_NAMES, version=__version__)
    templates.env.filters["money"] = money
    return templates


def render_template(templates: Jinja2Templates, name: str, context: dict, viewer: Viewer | None = None) -> str:
    v = viewer or Viewer()
    ctx = {"viewer": v, "csrf": v.csrf or "", "request": None}
    ctx.update(context)
    return templates.get_template(name).render(ctx)


# -- the unit page --------------------------------------------------------------------------


@dataclass
class UnitPage:
    uy: queries.UnitYear
    doc: object
    tables: list
    findings: list
    functional: dict | None
    economic: dict | None
    three_public: dict | None
    yoy: views.Yoy | None
    can_see_drafts: bool
    figures: list


def _visible_year(s, v: Viewer, unit_code: str, year: int, phase: str | None, version: int | None):
    """(unit, its year's version as the viewer may see it, whether drafts are visible), or None."""
    unit = queries.find_unit(s, unit_code)
    if unit is None:
        return None
    drafts = v.can("read-unpublished", unit.id)
    uy = queries.unit_year(s, unit_code, year, phase, version, include_unpublished=drafts)
    return None if uy is None else (unit, uy, drafts)


def unit_page_data(store, v: Viewer, unit_code: str, year: int, phase: str | None, version: int | None) -> UnitPage | None:
    with store.read() as s:
        found = _visible_year(s, v, unit_code, year, phase, version)
        if found is None:
            return None
        unit, uy, drafts = found
        doc = uy.disclosure()
        tables = [views.table_view(t, doc.empty_table_notes.get(t.id)) for t in views.tables_for_unit(doc, unit_code)]
        fnd = queries.findings(s, uy.version.id)
        func_table = next((t for t in views.FUNCTIONAL_TABLES if any(tv.id == t for tv in tables)), None)
        series = queries.unit_series(s, unit.id, views.THREE_PUBLIC_TABLES + ((func_table,) if func_table else ()))
        top = [c for c in series if c.table in views.THREE_PUBLIC_TABLES and _THREE_TOP.match(c.item)]
        three = None
        if top:
            three = {"years": sorted({c.year for c in top}),
                     "cells": [{"year": c.year, "item": c.item, "amount": plain(c.amount)} for c in top]}
        y = None
        if func_table:
            phase_ = uy.document.phase
            this = views.series_by_code([c for c in series if c.table == func_table and c.year == year and c.phase == phase_])
            last = views.series_by_code([c for c in series if c.table == func_table and c.year == year - 1 and c.phase == phase_])
            if last:
                y = views.yoy(this, last, year, names={c.code: c.item for c in series if c.code})
        return UnitPage(uy, doc, tables, fnd, views.functional_tree(doc, unit_code), views.economic_series(doc, unit_code),
                        three, y, drafts, views.key_figures(doc, unit_code))


def unit_page_context(page: UnitPage, year: int) -> dict:
    return {"p": page, "uy": page.uy, "doc": page.doc, "year": year, "formats": list(DOWNLOAD_FORMATS)}


def unit_html(templates, store, unit_code: str, year: int, phase: str | None = None, version: int | None = None,
              viewer: Viewer | None = None) -> Rendered | None:
    v = viewer or Viewer()
    page = unit_page_data(store, v, unit_code, year, phase, version)
    if page is None:
        return None
    return Rendered(render_template(templates, "unit.html", unit_page_context(page, year), v).encode("utf-8"))


# -- the API document ---------------------------------------------------------------------


def unit_api(store, unit_code: str, year: int, phase: str | None = None, version: int | None = None,
             viewer: Viewer | None = None) -> Rendered | None:
    """``/api/units/{code}/{year}``: the disclosure spliced in as stored (compact JSON), the rest encoded here."""
    from .api import _finding_out, _unit_out, _version_out

    v = viewer or Viewer()
    with store.read() as s:
        found = _visible_year(s, v, unit_code, year, phase, version)
        if found is None:
            return None
        _, uy, _ = found
        summary = queries.units(s, published_only=False, code=unit_code)[0]
        findings = queries.findings(s, uy.version.id)
    summary.years = uy.years
    head = {
        "unit": _unit_out(summary).model_dump(mode="json"),
        "year": year,
        "phase": uy.document.phase,
        "scope": uy.document.scope,
        "version": _version_out(uy.version).model_dump(mode="json"),
        "versions": [_version_out(x).model_dump(mode="json") for x in uy.versions],
        "findings": [_finding_out(f).model_dump(mode="json") for f in findings],
    }
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    disclosure = zlib.decompress(uy.version.disclosure).decode("utf-8")
    return Rendered((text[:-1] + ',"disclosure":' + disclosure + "}").encode("utf-8"))


# -- downloads ----------------------------------------------------------------------------


def _render_format(doc, fmt: str) -> bytes:
    from ..model.serialize import to_dict

    if fmt == "json":
        return json.dumps(to_dict(doc), ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "csv":
        from ..render.opendata import to_csv

        return ("\ufeff" + to_csv(doc)).encode("utf-8")
    try:
        from ..render import RenderError, render
    except ImportError:
        raise NotImplementedError(f"暂不支持导出 {fmt.upper()}（渲染模块未提供）") from None
    try:
        return render(doc, fmt)
    except RenderError as exc:
        raise NotImplementedError(f"暂不能导出 {fmt.upper()}：{exc}") from exc


def download(store, unit_code: str, year: int, fmt: str, phase: str | None = None, version: int | None = None,
             viewer: Viewer | None = None) -> Rendered | None:
    """A download of a unit's year (``NotImplementedError`` when that format cannot be rendered)."""
    from urllib.parse import quote

    v = viewer or Viewer()
    with store.read() as s:
        found = _visible_year(s, v, unit_code, year, phase, version)
        if found is None:
            return None
        _, uy, _ = found
    data = _render_format(uy.disclosure(), fmt)
    name = f"{uy.unit.code}-{uy.unit.name}-{year}年{uy.document.phase}.{fmt}"
    return Rendered(data, {"Content-Disposition": f"attachment; filename=\"{unit_code}-{year}.{fmt}\"; "
                                                  f"filename*=UTF-8''{quote(name)}"})


# -- prerender ----------------------------------------------------------------------------


def producer(kind: str, templates) -> Callable[..., Rendered | None]:
    if kind == "html":
        return lambda store, code, year: unit_html(templates, store, code, year)
    if kind == "api":
        return lambda store, code, year: unit_api(store, code, year)
    return lambda store, code, year: download(store, code, year, kind)


def prerender(store, settings: Settings | None = None, unit_ids: Iterable[int] | None = None,
              kinds: tuple[str, ...] = ("html", "api"), progress: Callable[[int], None] | None = None,
              chunk: int = 200) -> int:
    """Render and store the default public pages of published unit-years that have none or a stale one.

    ``unit_ids``: only those units (after a publication); ``None``: all.  Returns the number
    of pages stored.  Safe beside a running portal: the generation is read before the
    content (``store.pages``).
    """
    settings = settings or Settings()
    renderer = renderer_id(settings)
    templates = make_templates(settings)
    ids = None if unit_ids is None else sorted(set(unit_ids))
    done = 0
    for kind in kinds:
        make = producer(kind, templates)
        with store.read() as s:
            todo = stored.stale_unit_years(s, kind, renderer, ids)
        for i in range(0, len(todo), chunk):
            part = todo[i : i + chunk]
            with store.engine.connect() as conn:
                gens = dict(conn.exec_driver_sql(
                    "SELECT id, generation FROM units WHERE id IN (" + ",".join(str(int(u)) for u, _, _ in part) + ")").all())
            entries = []
            for uid, code, year in part:
                r = make(store, code, year)
                if r is not None:
                    entries.append((uid, year, make_entry(kind, int(gens[uid]), r)))
            with store.engine.begin() as conn:
                for uid, year, e in entries:
                    stored.put_page(conn, uid, year, kind, "", e.generation, renderer, e.etag, e.encoding, e.body,
                                    e.headers, e.rendered_at)
            done += len(entries)
            if progress:
                progress(len(part))
    return done


__all__ = ["DOWNLOAD_FORMATS", "UnitPage", "download", "make_templates", "money", "prerender", "render_template",
           "renderer_id", "unit_api", "unit_html", "unit_page_data"]
