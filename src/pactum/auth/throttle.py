"""Login throttling (AUTH-2): exponential back-off per account+address, capped."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pactum.core.errors import TooManyRequests
from pactum.core.time import utcnow
from pactum.models import LoginThrottle
from pactum.settings import Settings

ACCOUNT_WIDE_FACTOR = 4
ACCOUNT_WIDE_CAP_SECONDS = 30


def _keys(settings: Settings, email: str, client: str) -> list[tuple[str, int, int]]:
    """(key, allowed failures, longest block) for each throttle that applies."""
    email = email.strip().lower()
    return [
        (f"pair:{email}|{client}", settings.login_max_failures, settings.login_max_block_seconds),
        # Account-wide limit catches attackers rotating addresses; its block stays short
        # so an attacker cannot keep the real person out for long.
        (
            f"account:{email}",
            settings.login_max_failures * ACCOUNT_WIDE_FACTOR,
            ACCOUNT_WIDE_CAP_SECONDS,
        ),
    ]


def check(session: Session, settings: Settings, email: str, client: str) -> None:
    """Raise 429 with a retry delay while any applicable throttle is blocking."""
    now = utcnow()
    for key, _limit, _cap in _keys(settings, email, client):
        row = session.get(LoginThrottle, key)
        if row is not None and row.blocked_until is not None and row.blocked_until > now:
            wait = math.ceil((row.blocked_until - now).total_seconds())
            raise TooManyRequests(
                f"Too many failed sign-ins. Try again in {wait} second{'s' if wait != 1 else ''}.",
                retry_after=wait,
            )


def _locked(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The counter row of ``key`` (created if missing), locked: failures sent at the same
    moment are each counted (no lost update, CONC-1)."""
    values = {"key": key, "failures": 0, "window_start": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(LoginThrottle).values(**values).on_conflict_do_nothing())
    return session.execute(
        select(LoginThrottle)
        .where(LoginThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def fail(session: Session, settings: Settings, email: str, client: str) -> None:
    """Count a failure and start or lengthen a block once the limit is passed."""
    now = utcnow()
    window = timedelta(seconds=settings.login_window_seconds)
    for key, limit, cap in _keys(settings, email, client):
        row = _locked(session, key, now)
        if now - row.window_start > window:
            row.failures, row.window_start, row.blocked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            seconds = min(cap, 2 ** min(row.failures - limit, 20))
            row.blocked_until = now + timedelta(seconds=seconds)
    session.flush()


def succeed(session: Session, settings: Settings, email: str, client: str) -> None:
    """Forget the failures of this account and address after a good sign-in."""
    for key, _limit, _cap in _keys(settings, email, client):
        row = session.get(LoginThrottle, key)
        if row is not None:
            session.delete(row)
    session.flush()
