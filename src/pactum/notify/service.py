"""In-app notifications: one person's messages, for the organisation they act for.

Callers decide who may be told what; this module only stores and lists. A notification is
addressed to a person *and* an organisation, so someone who works for two organisations
only sees, while acting for one, what was sent to them as its member.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import Session

from pactum.access import Principal, not_found
from pactum.core.time import utcnow
from pactum.models import Notification

TEXT_LIMIT = 500
LIST_LIMIT = 200


def notify(
    session: Session,
    *,
    user_id: uuid.UUID,
    org_id: uuid.UUID,
    text: str,
    link: str = "",
    alliance_id: uuid.UUID | None = None,
    email: bool = False,
) -> Notification:
    """Store a message for one person of one organisation; with ``email`` it also goes
    into the e-mail outbox that ``pactum tick`` sends when SMTP is configured. A text
    longer than ``TEXT_LIMIT`` is cut, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    item = Notification(
        user_id=user_id,
        org_id=org_id,
        alliance_id=alliance_id,
        email_pending=email,
        text=text,
        link=link[:500] if link.startswith("/") else "",
    )
    session.add(item)
    session.flush()
    return item


def _mine(principal: Principal) -> ColumnElement[bool]:
    return and_(Notification.user_id == principal.user_id, Notification.org_id == principal.org_id)


def list_notifications(
    session: Session, principal: Principal, *, unread_only: bool = False, limit: int = LIST_LIMIT
) -> list[Notification]:
    """The caller's notifications, newest first."""
    stmt = select(Notification).where(_mine(principal))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id).limit(limit)
    return list(session.execute(stmt).scalars())


def unread_count(session: Session, principal: Principal) -> int:
    """How many of the caller's notifications are unread."""
    stmt = select(func.count(Notification.id)).where(
        _mine(principal), Notification.read_at.is_(None)
    )
    return int(session.execute(stmt).scalar_one())


def get_notification(
    session: Session, principal: Principal, notification_id: uuid.UUID
) -> Notification:
    """One of the caller's notifications; anyone else's answers 404 like a missing id."""
    found = session.execute(
        select(Notification).where(Notification.id == notification_id, _mine(principal))
    ).scalar_one_or_none()
    if found is None:
        raise not_found(principal, "notification", notification_id)
    return found


def mark_read(session: Session, principal: Principal, notification_id: uuid.UUID) -> Notification:
    """Mark one notification read (reading it twice keeps the first time)."""
    item = get_notification(session, principal, notification_id)
    if item.read_at is None:
        item.read_at = utcnow()
        session.flush()
    return item


def mark_all_read(session: Session, principal: Principal) -> int:
    """Mark every unread notification of the caller read; returns how many."""
    result = session.execute(
        update(Notification)
        .where(_mine(principal), Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
