"""No N+1: the alliance page and its API use the same, small number of SQL queries for
an alliance of 50 members, 200 objectives and 10,000 audit entries as for a tiny one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from benchmarks.data import LargeAlliance, build_large_alliance
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.auth.service import create_token, start_session
from pactum.models import User
from pactum.settings import Settings
from pactum.web.session import COOKIE

MAX_QUERIES = 16


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements executed on ``engine``."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _urls(alliance_id: object) -> dict[str, str]:
    base = f"/api/v1/alliances/{alliance_id}"
    return {
        "page": f"/alliances/{alliance_id}",
        "api alliance": base,
        "api objectives": f"{base}/objectives",
        "api members": f"{base}/members",
        "api activity": f"{base}/activity?limit=50",
    }


def _measure(
    client: TestClient, db: Session, settings: Settings, engine: Engine, big: LargeAlliance
) -> dict[str, int]:
    user = db.get(User, big.manager.user_id)
    assert user is not None
    assert big.manager.org_id is not None
    token, _ = create_token(db, settings, user=user, org_id=big.manager.org_id, name="perf")
    cookie, _web = start_session(db, settings, user, client="perf")
    db.commit()
    client.cookies.set(COOKIE, cookie)
    headers = {"Authorization": f"Bearer {token}"}
    counts = {}
    for name, url in _urls(big.alliance_id).items():
        client.get(url, headers=headers)  # warm the session's last-seen update
        with counting(engine) as seen:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, response.text[:300])
        counts[name] = len(seen)
    return counts


@pytest.mark.slow
def test_alliance_page_and_api_use_a_bounded_number_of_queries(
    client: TestClient, db: Session, settings: Settings, engine: Engine
) -> None:
    """The counts do not grow with members, objectives or audit entries."""
    small = build_large_alliance(db, members=4, objectives=4, audit_entries=10)
    big = build_large_alliance(db, members=50, objectives=200, audit_entries=10_000)
    db.commit()
    small_counts = _measure(client, db, settings, engine, small)
    client.cookies.clear()
    big_counts = _measure(client, db, settings, engine, big)
    assert big_counts == small_counts
    for name, count in big_counts.items():
        assert count <= MAX_QUERIES, f"{name}: {count} queries"
