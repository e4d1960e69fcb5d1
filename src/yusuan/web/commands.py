"""Command-line commands of the store and portal, registered by ``yusuan.cli``.

* ``yusuan serve [--db URL] [--host] [--port] [--demo]`` — the portal;
* ``yusuan ingest FILE…|DIR --db URL`` — parse, check and store published disclosures
  (one transaction per document: idempotent, atomic), with a progress bar and a summary;
* ``yusuan user add NAME --role clerk|reviewer|admin [--unit CODE…] --db URL`` — accounts.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import click

from ..api import DOCUMENT_SUFFIXES

DB_HELP = "数据库：SQLite 文件路径或 postgresql://… URL（默认 ./yusuan.db；也可用环境变量 YUSUAN_DB）"


def _db(url: str | None) -> str:
    return url or os.environ.get("YUSUAN_DB") or "yusuan.db"


def _open(url: str | None):
    from ..store import StoreError, open_store

    try:
        return open_store(_db(url))
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bad URL or unreachable server is one line, not a traceback
        click.echo(f"yusuan: 无法打开数据库 {_db(url)}：{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                   err=True)
        sys.exit(2)


def app_from_env():
    """Factory for ``uvicorn --factory`` (several worker processes): reads YUSUAN_DB."""
    from ..store import open_store
    from .app import create_app
    from .settings import Settings

    settings = Settings(**json.loads(os.environ.get("YUSUAN_SETTINGS", "{}")))
    app = create_app(open_store(os.environ["YUSUAN_DB"], upgrade=False), settings)
    # What the worker holds from here on (modules, FastAPI, SQLAlchemy, templates: ~110,000
    # tracked objects) lives as long as the process: keep it out of the cyclic collector, whose
    # full passes over it cost 50–70 ms of CPU each (measured) — a stall of every request the
    # worker is serving, and the long tail of the portal's latency under load.
    gc.collect()
    gc.freeze()
    return app


@click.command()
@click.option("--db", "db_url", default=None, help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="用随包提供的示例（由本项目编制）建一个临时 SQLite 数据库并启动门户。")
@click.option("--workers", default=1, show_default=True, type=int, help="工作进程数。")
@click.option("--max-upload-mb", default=20, show_default=True, type=int, help="上传大小上限（MB）。")
def serve(db_url, host, port, demo, workers, max_upload_mb):
    """启动公开门户（网页与 JSON 接口）。"""
    import uvicorn

    from .settings import MB, Settings

    if demo:
        from .demo import DEMO_ACCOUNTS, build_demo
        from ..store.schema import ROLE_NAMES

        directory = Path(tempfile.mkdtemp(prefix="yusuan-demo-"))
        click.echo(f"yusuan: 正在用示例建立演示数据库 {directory / 'demo.db'} …", err=True)
        store, rep = build_demo(directory)
        for p in rep.problems:
            click.echo(f"yusuan: {p}", err=True)
        click.echo(f"yusuan: 演示数据：{len(rep.examples)} 个示例（{'、'.join(rep.units) or '无'}）", err=True)
        accounts = tuple((n, pw, ROLE_NAMES[r]) for n, pw, r in DEMO_ACCOUNTS)
        for n, pw, r in accounts:
            click.echo(f"yusuan: 演示账号 {n} / {pw}（{r}）", err=True)
        url = store.url
        store.dispose()
        settings = Settings(demo=True, demo_accounts=accounts, max_upload_bytes=max_upload_mb * MB)
    else:
        store = _open(db_url)
        url = store.url
        store.dispose()
        settings = Settings(max_upload_bytes=max_upload_mb * MB)
    os.environ["YUSUAN_DB"] = url
    # YUSUAN_SETTINGS already in the environment (JSON of web.Settings fields, e.g. cache sizes) is kept
    try:
        given = json.loads(os.environ.get("YUSUAN_SETTINGS") or "{}")
    except ValueError:
        given = {}
    given = {k: v for k, v in given.items() if k in Settings.__dataclass_fields__} if isinstance(given, dict) else {}
    os.environ["YUSUAN_SETTINGS"] = json.dumps(
        given | {k: v for k, v in settings.__dict__.items() if k in ("demo", "max_upload_bytes")}
        | {"demo_accounts": list(settings.demo_accounts)}
    )
    click.echo(f"yusuan: 门户地址 http://{host}:{port}/", err=True)
    from .serving import NoDelayHTTPProtocol

    uvicorn.run("yusuan.web.commands:app_from_env", factory=True, host=host, port=port, workers=max(1, workers),
                log_level="warning", access_log=False, http=NoDelayHTTPProtocol)


def _expand(inputs: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for s in inputs:
        p = Path(s)
        if p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in DOCUMENT_SUFFIXES)
        else:
            out.append(p)
    return out


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", "db_url", default=None, help=DB_HELP)
@click.option("--draft", is_flag=True, help="存为草稿（待审核），而不是直接发布。")
@click.option("--department", default=None, help="指定部门“编码:名称”（默认由单位编码前 3 位和发布机关推断）。")
@click.option("--region", default=None, help="指定地区（默认由发布机关名称推断）。")
@click.option("-j", "--jobs", default=0, show_default=True, help="解析进程数（0 = 每核一个）。")
@click.option("--timeout", default=120.0, show_default=True, help="每个文件的解析时限（秒）。")
def ingest(inputs, db_url, draft, department, region, jobs, timeout):
    """解析、审核并入库公开文件（同一文件重复导入只算一个版本；每个文件一个事务）。"""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..runner import run
    from ..store import StoreError
    from ..store.ingest import ingest as ingest_one
    from ..store.schema import DRAFT, PUBLISHED

    paths = _expand(inputs)
    if not paths:
        click.echo(f"yusuan: {' '.join(inputs)}: 没有找到文件", err=True)
        sys.exit(2)
    store = _open(db_url)
    console = Console(stderr=True, highlight=False)
    t0 = time.perf_counter()
    new = same = bad = cells = 0
    errors: list[str] = []
    with Progress(TextColumn("[bold]入库"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("ingest", total=len(paths))

        def done(o):
            nonlocal new, same, bad, cells
            if o.result is None:
                bad += 1
                errors.append(o.error or f"{o.path}: 无法读取")
                bar.advance(task)
                return
            try:
                data = o.path.read_bytes()
                with store.session() as s:
                    imp = ingest_one(s, o.result.disclosure, o.result.findings, data, str(o.path), o.path.suffix.lstrip(".") or "text",
                                     status=DRAFT if draft else PUBLISHED, department=department, region=region)
            except (StoreError, OSError) as exc:
                bad += 1
                errors.append(f"{o.path}: {exc}")
            else:
                if imp.created:
                    new += 1
                    cells += imp.cells
                else:
                    same += 1
            bar.advance(task)

        if len(paths) == 1 and jobs in (0, 1):
            from ..runner import run_inline

            for o in run_inline(paths):
                done(o)
        else:
            run(paths, jobs=jobs, timeout=timeout, on_done=done)
    for e in errors:
        click.echo(f"yusuan: {e}", err=True)
    secs = time.perf_counter() - t0
    click.echo(
        f"{len(paths)} 个文件：新增 {new} 个版本（{cells} 个单元格），{same} 个已存在，{bad} 个无法入库；"
        f"用时 {secs:.1f} 秒；数据库 {store.display_url}",
        err=True,
    )
    store.dispose()
    sys.exit(2 if bad else 0)


@click.group()
def user():
    """管理账号。"""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["clerk", "reviewer", "admin"]), required=True)
@click.option("--unit", "units", multiple=True, help="填报员负责的单位编码（可重复）。")
@click.option("--password", default=None, help="密码（默认从标准输入或提示读取）。")
@click.option("--db", "db_url", default=None, help=DB_HELP)
def user_add(username, role, units, password, db_url):
    """新建账号。"""
    from ..store import StoreError
    from ..store.users import create_user

    if password is None:
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
    store = _open(db_url)
    try:
        with store.session() as s:
            create_user(s, username, password, role, units)
    except StoreError as exc:
        click.echo(f"yusuan: {exc}", err=True)
        sys.exit(2)
    click.echo(f"已创建账号 {username}（{role}）", err=True)


@click.group()
def db():
    """数据库维护。"""


@db.command("copy")
@click.argument("source")
@click.argument("target")
def db_copy(source, target):
    """把整个数据库（公开文件、单元格、审核发现、账号、审计日志、已生成的页面）复制到一个空数据库：
    如 SQLite → PostgreSQL。SOURCE、TARGET 为 SQLite 文件路径或 postgresql://… URL。"""
    import time

    from ..store import StoreError
    from ..store.transfer import copy_store

    src, dst = _open(source), _open(target)
    t0 = time.perf_counter()
    last = [0.0]

    def progress(table: str, n: int) -> None:
        if time.perf_counter() - last[0] > 2:
            last[0] = time.perf_counter()
            click.echo(f"  {table}: {n} 行", err=True)

    try:
        copied = copy_store(src, dst, progress)
    except StoreError as exc:
        click.echo(f"yusuan: {exc}", err=True)
        sys.exit(2)
    finally:
        src.dispose()
        dst.dispose()
    detail = "，".join(f"{k} {v}" for k, v in copied.tables.items() if v)
    click.echo(f"已复制 {copied.rows} 行（{detail}），用时 {time.perf_counter() - t0:.1f} 秒：{src.display_url} → "
               f"{dst.display_url}", err=True)


COMMANDS: tuple[click.Command, ...] = (serve, ingest, user, db)
