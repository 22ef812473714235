"""No N+1 in governance: the register (API and page), the governance overview and the
committees list use the same number of SQL queries for 20 decisions as for 150."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.builders import LargeAlliance, build_large_alliance
from tests.builders_governance import add_decisions
from tests.perf.support import query_counts

MAX_QUERIES = 20


def _measure(
    client: TestClient, db: Session, settings: Settings, engine: Engine, big: LargeAlliance
) -> dict[str, int]:
    api = f"/api/v1/alliances/{big.alliance_id}"
    page = f"/alliances/{big.alliance_id}"
    urls = {
        "register (API)": f"{api}/decisions?per_page=200",
        "register filtered (API)": f"{api}/decisions?status=approved&q=budget",
        "register page": f"{page}/decisions?per_page=200",
        "governance overview": f"{page}/governance",
        "committees (API)": f"{api}/committees",
    }
    return query_counts(client, db, settings, engine, big, urls)


def test_governance_lists_use_a_bounded_number_of_queries(
    client: TestClient, db: Session, settings: Settings, engine: Engine
) -> None:
    """The counts do not grow with the number of decisions (open ones included)."""
    small = build_large_alliance(db, members=4, objectives=2, audit_entries=10)
    add_decisions(db, small, 20)
    big = build_large_alliance(db, members=4, objectives=2, audit_entries=10)
    add_decisions(db, big, 150)
    db.commit()
    small_counts = _measure(client, db, settings, engine, small)
    client.cookies.clear()
    big_counts = _measure(client, db, settings, engine, big)
    assert big_counts == small_counts
    for name, count in big_counts.items():
        assert count <= MAX_QUERIES, f"{name}: {count} queries"
