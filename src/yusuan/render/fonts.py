"""Where the CJK font for PDF output is: Debian's ``fonts-noto-cjk`` (SIL OFL).

``scripts/test.sh`` (and the demo's set-up) install it with ``apt-get install
fonts-noto-cjk``; ``YUSUAN_FONT_DIR`` points elsewhere (a folder holding any CJK font
typst can read: .ttf/.otf/.ttc).  Nothing is fetched at run time.
"""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

#: families tried in order, per glyph (serif for text, sans for tables and headings)
SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback")
SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Serif CJK SC", "Droid Sans Fallback")

_KNOWN_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype/source-han-sans",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/truetype/droid",
)
_HINT = "PDF output needs a CJK font: install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) or set YUSUAN_FONT_DIR"


class FontMissing(RuntimeError):
    pass


def _has_cjk(d: Path) -> bool:
    try:
        return any(("CJK" in p.name or "wqy" in p.name.lower() or "Droid" in p.name) and p.suffix.lower() in (".ttc", ".otf", ".ttf") for p in d.iterdir())
    except OSError:
        return False


def _has_font(d: Path) -> bool:
    try:
        return any(p.suffix.lower() in (".ttc", ".otf", ".ttf") for p in d.rglob("*"))
    except OSError:
        return False


@cache
def font_dirs() -> tuple[str, ...]:
    env = os.environ.get("YUSUAN_FONT_DIR")
    if env:
        dirs = tuple(d for d in env.split(os.pathsep) if Path(d).is_dir() and _has_font(Path(d)))
        if dirs:
            return dirs
        raise FontMissing(f"YUSUAN_FONT_DIR={env}: no .ttf/.otf/.ttc font there")
    found = [d for d in _KNOWN_DIRS if Path(d).is_dir() and _has_cjk(Path(d))]
    if found:
        return tuple(found)
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    dirs = sorted({str(Path(line.split(":")[0]).parent) for line in out.splitlines() if line.strip()})
    if dirs:
        return tuple(dirs)
    raise FontMissing(_HINT)
