"""Portal settings: upload limits, cookies, demo mode.  Plain values, no globals."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    title: str = "预决算信息公开平台"
    #: largest upload accepted, in bytes
    max_upload_bytes: int = 20 * MB
    #: most pages a document may have
    max_pages: int = 500
    #: seconds allowed to parse and check one upload (in a separate process)
    parse_timeout: float = 60.0
    #: memory cap of that process, MiB
    parse_memory_mb: int = 2048
    #: input formats accepted (as ``yusuan.api.sniff`` names them)
    upload_types: tuple[str, ...] = ("pdf", "xlsx", "docx", "html", "text", "json")
    #: file name suffixes accepted
    upload_suffixes: tuple[str, ...] = (".pdf", ".xlsx", ".docx", ".html", ".htm", ".txt", ".json")
    #: set the Secure flag on cookies (behind HTTPS)
    secure_cookies: bool = False
    #: show the demo accounts on the login page
    demo: bool = False
    #: aggregate answers each worker keeps per publication generation (0: none)
    aggregate_cache_size: int = 256
    demo_accounts: tuple[tuple[str, str, str], ...] = ()
