"""A look at a PDF's compressed streams before PDFium opens it: refuse a "zip bomb".

PDFium inflates a page's content streams and fonts in full when the page is loaded: a
1 MB file whose content stream inflates to 1 GB took 14 s and 3 GB of memory in our
test, in one C call that nothing can interrupt.  Published disclosures are far from
that (the largest non-image stream in the corpus inflates to 4.4 MB), so a stream
that inflates past ``max_stream_mb`` is refused before PDFium sees it.

Only streams that *could* exceed the limit are inflated: deflate compresses at most
about 1032:1, so a stream shorter than ``limit / 1032`` bytes cannot (unless it is
compressed twice, which is always inflated), and most content streams are skipped
without work.  Image streams are skipped too: PDFium does not
decode images to read text.  Output is counted and discarded, never kept.
"""

from __future__ import annotations

import re
import zlib

#: deflate's best ratio is about 1032:1; a little slack
_MAX_RATIO = 1100
_STREAM_RE = re.compile(rb"stream\r?\n")
_CHUNK = 1 << 20


class StreamBomb(Exception):
    """A stream that inflates beyond the limit."""

    def __init__(self, offset: int, limit: int) -> None:
        super().__init__(offset, limit)
        self.offset = offset
        self.limit = limit


def check_streams(data: bytes, max_stream_mb: int) -> None:
    """Raise ``StreamBomb`` if a Flate stream in ``data`` inflates past the limit."""
    limit = max_stream_mb * 1024 * 1024
    smallest = limit // _MAX_RATIO
    for m in _STREAM_RE.finditer(data):
        start = m.end()
        if data[m.start() - 3 : m.start()] == b"end":
            continue  # "endstream\n" followed by the next object
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        head = data[max(0, m.start() - 4096) : m.start()]
        k = head.rfind(b"obj")
        if k >= 0:
            head = head[k:]
        if b"/Image" in head or b"Flate" not in head:
            continue
        levels = 2 if head.count(b"Flate") > 1 else 1
        if levels == 1 and end - start < smallest:
            continue  # cannot inflate that far
        if _inflated_size(data, start, end, limit, levels) > limit:
            raise StreamBomb(m.start(), max_stream_mb)


def _inflated_size(data: bytes, start: int, end: int, limit: int, levels: int) -> int:
    """Bytes that ``data[start:end]`` inflates to (through one or two Flate layers),
    counting no further than just past ``limit``."""
    total = inner_total = 0
    inner = zlib.decompressobj() if levels > 1 else None
    try:
        for out in _inflate(data, start, end):
            total += len(out)
            if total > limit:
                return total
            if inner is not None and not inner.eof:
                try:
                    o = inner.decompress(out, _CHUNK)
                    inner_total += len(o)
                    while inner.unconsumed_tail and inner_total <= limit:
                        inner_total += len(inner.decompress(inner.unconsumed_tail, _CHUNK))
                except zlib.error:
                    inner = None
                if inner_total > limit:
                    return inner_total
    except zlib.error:
        pass  # damaged data: PDFium stops where zlib stops
    return max(total, inner_total)


def _inflate(data: bytes, start: int, end: int):
    """Inflated output of ``data[start:end]`` in pieces of at most ``_CHUNK`` bytes."""
    d = zlib.decompressobj()
    pos = start
    while not d.eof:
        if d.unconsumed_tail:
            out = d.decompress(d.unconsumed_tail, _CHUNK)
        elif pos < end:
            chunk = data[pos : min(end, pos + _CHUNK)]
            pos += len(chunk)
            out = d.decompress(chunk, _CHUNK)
        else:
            return
        if out:
            yield out
