"""The audit log: every change (upload, edit, submit, publish, users) leaves an entry."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from .schema import AuditEntry, User


def now() -> datetime:
    """Naive UTC (both databases store it the same way)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def record(session: Session, user: User | None, action: str, object_type: str, object_id: object = None, **detail) -> None:
    session.add(
        AuditEntry(
            at=now(),
            user_id=user.id if user else None,
            username=user.username if user else None,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )


def entries(session: Session, limit: int = 200, object_type: str | None = None, object_id: object = None) -> list[AuditEntry]:
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if object_type:
        q = q.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        q = q.where(AuditEntry.object_id == str(object_id))
    return list(session.scalars(q))
