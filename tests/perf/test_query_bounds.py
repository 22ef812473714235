"""No N+1: the alliance page and its API use the same, small number of SQL queries for
an alliance of 50 members, 200 objectives and 10,000 audit entries as for a tiny one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.builders import LargeAlliance, build_large_alliance
from tests.perf.support import query_counts

MAX_QUERIES = 16


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
    return query_counts(client, db, settings, engine, big, _urls(big.alliance_id))


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
