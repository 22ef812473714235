"""Counting the SQL queries of pages and API calls (the no-N+1 tests)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.auth.service import start_session
from pactum.auth.tokens import create_token
from pactum.models import User
from pactum.settings import Settings
from pactum.web.session import COOKIE
from tests.builders import LargeAlliance


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


def query_counts(
    client: TestClient,
    db: Session,
    settings: Settings,
    engine: Engine,
    big: LargeAlliance,
    urls: Mapping[str, str],
) -> dict[str, int]:
    """How many queries each URL (page or API) makes for the alliance's manager, signed
    in and with a token; each is fetched once first (the session's last-seen update)."""
    user = db.get(User, big.manager.user_id)
    assert user is not None
    assert big.manager.org_id is not None
    token, _ = create_token(db, settings, user=user, org_id=big.manager.org_id, name="perf")
    cookie, _web = start_session(db, settings, user, client="perf")
    db.commit()
    client.cookies.set(COOKIE, cookie)
    headers = {"Authorization": f"Bearer {token}"}
    counts = {}
    for name, url in urls.items():
        client.get(url, headers=headers)
        with counting(engine) as seen:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, response.text[:300])
        counts[name] = len(seen)
    return counts
