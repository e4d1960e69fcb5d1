"""Uploads: limits first, then the same ``yusuan.load`` the CLI uses, in a bounded process.

Order of checks, each with a clear Chinese error (and the HTTP status the API returns):
size (413, read no further than the limit), file type by name and content (415), parse
time and memory (422, the parse runs in a worker process the server kills when it
overruns), not a disclosure at all (422), page count (413).  Problems *inside* a
document are not errors here: they become the version's findings.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..api import Result, sniff
from ..runner import run
from .settings import MB, Settings


class UploadError(Exception):
    def __init__(self, message: str, status: int = 422, code: str = "upload-rejected") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass
class Parsed:
    result: Result
    data: bytes
    filename: str
    fmt: str


def safe_name(name: str | None) -> str:
    base = os.path.basename((name or "upload").replace("\\", "/")).strip() or "upload"
    return "".join(ch for ch in base if ch.isprintable())[:200] or "upload"


async def read_limited(upload, limit: int) -> bytes:
    """Read an ``UploadFile`` but never more than ``limit`` bytes (+1 to detect excess)."""
    chunks, total = [], 0
    while True:
        chunk = await upload.read(min(1024 * 1024, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise UploadError(f"文件超过大小上限（{limit / MB:.0f} MB）", 413, "upload-too-large")
    return b"".join(chunks)


def parse_upload(data: bytes, filename: str, settings: Settings) -> Parsed:
    """Check type, then parse and check ``data`` in a worker bounded in time and memory."""
    name = safe_name(filename)
    if not data:
        raise UploadError(f"{name}：文件为空", 422, "upload-empty")
    if len(data) > settings.max_upload_bytes:
        raise UploadError(f"文件超过大小上限（{settings.max_upload_bytes / MB:.0f} MB）", 413, "upload-too-large")
    suffix = Path(name).suffix.lower()
    allowed = "、".join(s.lstrip(".").upper() for s in settings.upload_suffixes)
    if suffix not in settings.upload_suffixes:
        raise UploadError(f"{name}：不支持的文件类型“{suffix or '无扩展名'}”（可上传 {allowed}）", 415, "upload-wrong-type")
    with tempfile.TemporaryDirectory(prefix="yusuan-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        fmt = sniff(path)
        if fmt not in settings.upload_types:
            raise UploadError(f"{name}：文件内容不是可识别的公开文件（识别为 {fmt}；可上传 {allowed}）", 415, "upload-wrong-type")
        if suffix == ".pdf" and b"%PDF-" not in data[:1024]:
            raise UploadError(f"{name}：扩展名为 PDF，但内容不是 PDF", 415, "upload-wrong-type")
        outcome = run([path], jobs=1, timeout=settings.parse_timeout, memory_mb=settings.parse_memory_mb)[0]
    if outcome.result is None:
        why = (outcome.error or "").replace(str(path), name)
        if "gave up after" in why:
            raise UploadError(f"{name}：解析超时（上限 {settings.parse_timeout:.0f} 秒），文件过大或结构异常", 422, "upload-timeout")
        if "stopped the worker" in why or "out of memory" in why:
            raise UploadError(f"{name}：解析时超出内存上限，文件过大或结构异常", 422, "upload-too-complex")
        raise UploadError(f"无法读取为预决算公开文件：{why}", 422, "not-a-disclosure")
    doc = outcome.result.disclosure
    if doc.pages and doc.pages > settings.max_pages:
        raise UploadError(f"{name}：共 {doc.pages} 页，超过页数上限（{settings.max_pages} 页）", 413, "upload-too-many-pages")
    if not doc.year:
        raise UploadError(f"{name}：未能识别预算年度，无法入库", 422, "no-year")
    return Parsed(outcome.result, data, name, fmt)
