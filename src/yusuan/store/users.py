"""Accounts, roles and login sessions.

Passwords are hashed with Argon2id (argon2-cffi's defaults, the current OWASP
recommendation).  A login is a random token in a cookie; the database keeps only its
SHA-256, with the session's CSRF token and expiry, so a stolen database holds no live
credential and logging out ends the session on the server.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .audit import now, record
from .db import StoreError
from .schema import ROLES, SessionRow, Unit, User, UserUnit

_HASHER = PasswordHasher()
SESSION_TTL = timedelta(hours=12)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the account does not exist (made once, on first need)."""
    return _HASHER.hash("yusuan-dummy-password")

MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def create_user(session: Session, username: str, password: str, role: str, unit_codes: tuple[str, ...] | list[str] = (),
                actor: User | None = None) -> User:
    username = username.strip()
    if not username or len(username) > 64:
        raise StoreError("用户名不能为空，且不超过 64 个字符")
    if role not in ROLES:
        raise StoreError(f"未知角色“{role}”（可选：{'、'.join(ROLES)}）")
    if len(password) < MIN_PASSWORD:
        raise StoreError(f"密码至少 {MIN_PASSWORD} 个字符")
    if session.scalar(select(User).where(User.username == username)):
        raise StoreError(f"用户“{username}”已存在")
    user = User(username=username, password_hash=hash_password(password), role=role, active=True, created_at=now())
    session.add(user)
    session.flush()
    set_user_units(session, user, unit_codes)
    record(session, actor, "user-create", "user", user.id, username=username, role=role, units=list(unit_codes))
    return user


def set_user_units(session: Session, user: User, unit_codes) -> None:
    session.execute(delete(UserUnit).where(UserUnit.user_id == user.id))
    for code in unit_codes:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            raise StoreError(f"单位编码“{code}”不存在")
        session.add(UserUnit(user_id=user.id, unit_id=unit.id))


def user_unit_ids(session: Session, user: User) -> set[int]:
    return set(session.scalars(select(UserUnit.unit_id).where(UserUnit.user_id == user.id)))


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)  # same time whether or not the account exists
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def start_session(session: Session, user: User) -> tuple[str, str]:
    """A new login for ``user``: returns (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    t = now()
    session.execute(delete(SessionRow).where(SessionRow.expires_at < t))
    session.add(SessionRow(token_hash=_digest(token), user_id=user.id, csrf=csrf, created_at=t, expires_at=t + SESSION_TTL))
    return token, csrf


def session_user(session: Session, token: str | None) -> tuple[User, SessionRow] | None:
    if not token or len(token) > 200:
        return None
    row = session.get(SessionRow, _digest(token))
    if row is None or row.expires_at < now():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return user, row


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(SessionRow).where(SessionRow.token_hash == _digest(token)))
