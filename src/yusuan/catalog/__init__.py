"""Reference data as data: table specs, column roles, row concepts, subject codes.

Everything a province's layout needs that is not an algorithm lives in the files of this
package (YAML and TSV), loaded once and cached.  ``get()`` returns the shared catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import yaml

from ..model.codes import CodeKind, code_kind

_WS_RE = re.compile(r"[\s\u3000]+")
_UNIT_NOTE_RE = re.compile(r"[（(](?:金额)?单位[:：]?(?:万元|元)[)）]|[（(](?:万元|元)[)）]")


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Remove all whitespace (headers and labels are compared this way)."""
    return _WS_RE.sub("", text)


@lru_cache(maxsize=1 << 14)
def clean_header(text: str) -> str:
    """Leaf header as exported: no whitespace, no unit annotation (``价值（金额单位：万元）`` → ``价值``)."""
    return _UNIT_NOTE_RE.sub("", squash(text))


@dataclass(frozen=True, slots=True)
class TableSpec:
    id: str
    name: str
    phase: str
    required: bool
    numeric: bool
    titles: tuple[re.Pattern, ...]
    recommended: bool = False
    sides: str = "false"  # true | auto | false
    row_name: str | None = None  # header of the row names when rows are projects or purchases
    items: bool = False  # rows are the items of a list (no subject codes): 合计 = Σ items
    generic: bool = False  # a table the catalogue does not know (``generic_title``)


@dataclass(frozen=True, slots=True)
class Subject:
    code: str
    name: str
    aliases: tuple[str, ...]
    kind: CodeKind

    def accepts(self, name: str) -> bool:
        n = _normalize_name(name)
        return n == _normalize_name(self.name) or any(n == _normalize_name(a) for a in self.aliases)


def _normalize_name(name: str) -> str:
    return squash(name).replace("(", "（").replace(")", "）")


_TITLE_PREFIX_RE = re.compile(
    r"^(?:(?:附)?表\s*[\d一二三四五六七八九十]+(?:[-—]\d+)?[:：、.．\s]*|预算\s*\d+\s*表|[\d一二三四五六七八九十]+\s*[、.．]\s*)"
)
_YEAR_RE = re.compile(r"(?:19|20)\d{2}\s*年度?")
_TITLE_END_RE = re.compile(
    r"(?:[^（(）)]{0,16}[)）])?(?:预算|决算)?(?:明细|情况)?表?(?:[（(][^）)]{0,24}[)）])?(?:\d{1,3}|（续）|续表?|[:：])?"
)
_SENTENCE_RE = re.compile(r"[，。；！？]|详见|见下表|如下")
_BARE_WITHIN = re.compile(r"其中[:：]?")  # a group header saying only “of which”
_TITLE_CACHE_SIZE = 1 << 16
#: the id of a table the catalogue does not know, kept under its printed title
GENERIC_TABLE_ID = "other"
#: a table title: a noun phrase ending 表, maybe a bracketed qualifier (按功能分类 …)
_GENERIC_TITLE_RE = re.compile(r"[^，。；：:、！？\d\s（(][^，。；：:！？]{1,34}表(?:[（(][^（）()]{1,20}[)）])?")
#: headings that end 表 but name a part of the document, not one table
_NOT_A_TITLE_RE = re.compile(r"\d\s*表$|报表|^第.{1,3}部分|^(?:部门|单位)?(?:综合)?(?:预算|决算)(?:公开)?表$|公开表$|目录|^\d|^[（(]")


class Catalog:
    def __init__(self) -> None:
        root = resources.files(__package__)
        tables = yaml.safe_load((root / "tables.yaml").read_text(encoding="utf-8"))
        columns = yaml.safe_load((root / "columns.yaml").read_text(encoding="utf-8"))
        rows = yaml.safe_load((root / "rows.yaml").read_text(encoding="utf-8"))
        self.tables: tuple[TableSpec, ...] = tuple(
            TableSpec(
                id=t["id"],
                name=t["name"],
                phase=t.get("phase", "预算"),
                required=t.get("required", False) is True,
                recommended=t.get("required") == "recommended",
                numeric=bool(t.get("numeric", True)),
                titles=tuple(re.compile(p) for p in t["titles"]),
                sides=str(t.get("sides", False)).lower(),
                row_name=t.get("row_name"),
                items=bool(t.get("items", False)),
            )
            for t in tables["tables"]
        )
        self.table_by_id = {t.id: t for t in self.tables}
        self.furniture = tuple(re.compile(p) for p in tables["furniture"])
        self._furniture_any = re.compile("|".join(f"(?:{p})" for p in tables["furniture"]))
        self._role_cache: dict[tuple[str, tuple[str, ...]], str | None] = {}
        self._title_cache: dict[tuple[str, tuple[str, ...]], TableSpec | None] = {}
        self._concept_cache: dict[tuple[str, str], str | None] = {}
        self._plain_role_cache: dict[str, str | None] = {}
        self._known_cache: dict[str, bool] = {}
        self.key_columns: dict[str, str] = {}
        for kind, names in columns["key_columns"].items():
            for n in names:
                self.key_columns.setdefault(squash(n), kind)
        self.roles_exact: dict[str, str] = {squash(k): v for k, v in columns["roles"]["exact"].items()}
        self.roles_patterns = tuple((re.compile(p), r) for p, r in columns["roles"]["patterns"])
        self.group_prefixes = tuple((k, tuple(v)) for k, v in columns["group_prefixes"].items())
        self.subtotal_groups = frozenset(columns.get("subtotal_groups", ()))
        self.within_roles = frozenset(columns.get("within_roles", ()))
        self.text_roles = frozenset(columns.get("text_roles", ()))
        self.group_members: dict[str, frozenset[str]] = {
            k: frozenset(v) for k, v in (columns.get("group_members") or {}).items()
        }
        self.header_words = frozenset(columns["header_words"])
        self.row_concepts = {
            group: tuple((concept, re.compile(p)) for concept, p in entries) for group, entries in rows.items()
        }
        self.subjects: dict[str, Subject] = {}
        for fname in ("functional.tsv", "economic.tsv", "gov_economic.tsv"):
            text = (root / "subjects" / fname).read_text(encoding="utf-8")
            for line in text.splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                parts = line.split("\t")
                code, name = parts[0].strip(), parts[1].strip()
                aliases = tuple(a for a in (parts[2].split("|") if len(parts) > 2 else []) if a.strip())
                kind = code_kind(code)
                if kind is None:
                    raise ValueError(f"catalog {fname}: bad code {code!r}")
                self.subjects[code] = Subject(code, name, aliases, kind)
        self._class_by_name: dict[str, str] = {}
        for s in self.subjects.values():
            if s.kind is CodeKind.FUNCTIONAL and len(s.code) == 3:
                for n in (s.name, *s.aliases):
                    self._class_by_name[_normalize_name(n)] = s.code

    # -- tables ---------------------------------------------------------------------
    def match_title(self, text: str, unit_names: tuple[str, ...] = ()) -> TableSpec | None:
        """The table spec a title line names, or ``None`` when the line is not a title.

        Remembered per text: page headers and short lines repeat on every page, and the
        parser asks about every short line of a document.
        """
        if "表" not in text and not text.rstrip().endswith("算"):
            return None  # every title names a 表 or ends 预算 (the test ``_match_title`` starts with)
        key = (text, unit_names)
        try:
            return self._title_cache[key]
        except KeyError:
            pass
        if len(self._title_cache) >= _TITLE_CACHE_SIZE:
            self._title_cache.clear()
        spec = self._title_cache[key] = self._match_title(text, unit_names)
        return spec

    def _match_title(self, text: str, unit_names: tuple[str, ...]) -> TableSpec | None:
        t = squash(text)
        if not t or len(t) > 70 or "…" in t or "...." in t:
            return None
        if "表" not in t and not t.endswith("预算"):
            return None  # every title names a 表 (or ends 政府采购预算)
        t = _TITLE_PREFIX_RE.sub("", t)
        t = _YEAR_RE.sub("", t)
        for name in unit_names:
            if name:
                t = t.replace(squash(name), "")
        for spec in self.tables:
            for pat in spec.titles:
                m = pat.search(t)
                if not m:
                    continue
                prefix, suffix = t[: m.start()], t[m.end() :]
                if _SENTENCE_RE.search(prefix) or len(prefix) > 40:
                    return None
                # a title ends with 表 (or the pattern's own end), then maybe a bracketed qualifier
                if not _TITLE_END_RE.fullmatch(suffix):
                    return None
                if "表" not in m.group(0) + suffix and not pat.pattern.endswith("$"):
                    return None
                return spec
        return None

    def generic_title(self, text: str) -> TableSpec | None:
        """A spec for a table the catalogue does not know, when ``text`` reads as a table's
        title (a short noun phrase ending 表, maybe with a bracketed qualifier): the table is
        then kept as a generic table (``GENERIC_TABLE_ID``) under that title rather than
        dropped.  Part headings (``第二部分 部门预算报表``, ``五、单位预算表``), bare table
        numbers (``公开 02 表``, ``部门预算02表``) and lines in brackets are not titles.
        Whether a table follows is the parser's question (``parse.tables.find_regions``)."""
        t = squash(text)
        if not t or len(t) > 50 or "表" not in t:
            return None
        t = _TITLE_PREFIX_RE.sub("", t)
        t = _YEAR_RE.sub("", t)
        if not _GENERIC_TITLE_RE.fullmatch(t) or _NOT_A_TITLE_RE.search(t):
            return None
        return TableSpec(id=GENERIC_TABLE_ID, name=t, phase="", required=False, numeric=True, titles=(), generic=True)

    # -- columns --------------------------------------------------------------------
    def key_kind(self, header: str) -> str | None:
        return self.key_columns.get(clean_header(header))

    def known_header(self, text: str) -> bool:
        """A header name the catalogue knows exactly: a column role or a key column (the
        patterns are too loose to join header words by).  Remembered per text."""
        try:
            return self._known_cache[text]
        except KeyError:
            t = squash(text)
            known = self._known_cache[text] = t in self.roles_exact or self.key_kind(t) is not None
            return known

    def column_role(self, leaf: str, path: tuple[str, ...] = ()) -> str | None:
        key = (leaf, tuple(path))
        if key not in self._role_cache:
            if len(self._role_cache) > 50_000:
                self._role_cache.clear()
            self._role_cache[key] = self._column_role(leaf, path)
        return self._role_cache[key]

    def _column_role(self, leaf: str, path: tuple[str, ...]) -> str | None:
        h = clean_header(leaf)
        role = self.roles_exact.get(h)
        if role is None:
            for pat, r in self.roles_patterns:
                if pat.search(h):
                    role = r
                    break
        if role is None:
            return None
        groups = [clean_header(p) for p in path[:-1]]
        # the group a 小计 sums: the nearest one above it, passing over a 其中 (a part of
        # that group printed beside its 小计, 其中：专项资金 over 列入部门预算的项目)
        owner = [g for g in groups if not g.startswith("其中")]
        if role == "subtotal" and owner:
            parent = self._plain_role(owner[-1])
            if parent not in self.subtotal_groups and len(owner) >= 2:
                # a group header wrapped over two lines (公务用车购置及 / 运行维护费)
                parent = self._plain_role(owner[-2] + owner[-1])
            if parent in self.subtotal_groups:
                role = parent
        if role in self.within_roles and any(_BARE_WITHIN.fullmatch(g) for g in groups):
            return f"within.{role}"  # 其中 over it: a part of the total, not one more addend
        for prefix, words in self.group_prefixes:
            if any(g.startswith(w) for g in groups for w in words):
                if prefix == "carryover" and role == "carryover":
                    return role
                return f"{prefix}.{role}"
        return role

    def plain_role(self, header: str) -> str | None:
        """The role of a header text on its own (no group path)."""
        return self._plain_role(header)

    def _plain_role(self, header: str) -> str | None:
        # header texts repeat across pages and documents; the patterns are tried once per text
        try:
            return self._plain_role_cache[header]
        except KeyError:
            pass
        if len(self._plain_role_cache) > 50_000:
            self._plain_role_cache.clear()
        role = self._plain_role_cache[header] = self._plain_role_uncached(header)
        return role

    def _plain_role_uncached(self, header: str) -> str | None:
        h = clean_header(header)
        role = self.roles_exact.get(h)
        if role is None:
            for pat, r in self.roles_patterns:
                if pat.search(h):
                    return r
        return role

    # -- rows -----------------------------------------------------------------------
    def row_concept(self, group: str, label: str) -> str | None:
        key = (group, label)
        if key not in self._concept_cache:
            self._concept_cache[key] = self._row_concept(group, label)
        return self._concept_cache[key]

    def _row_concept(self, group: str, label: str) -> str | None:
        item = squash(label)
        for concept, pat in self.row_concepts.get(group, ()):
            if pat.search(item):
                return concept
        return None

    # -- subjects -------------------------------------------------------------------
    def subject(self, code: str) -> Subject | None:
        return self.subjects.get(code)

    def class_code(self, name: str) -> str | None:
        """Functional class code for a class name (``一般公共服务支出`` → ``201``)."""
        return self._class_by_name.get(_normalize_name(name))

    def is_furniture(self, joined: str) -> bool:
        return self._furniture_any.search(joined) is not None


@cache
def get() -> Catalog:
    """The shared catalog (loaded once per process)."""
    return Catalog()


__all__ = ["GENERIC_TABLE_ID", "Catalog", "Subject", "TableSpec", "clean_header", "get", "squash"]
