"""No N+1 on the money pages: the finance page, statements page and ledger API use the
same number of SQL queries for one year of quarterly statements as for three."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.builders import LargeAlliance, build_large_alliance
from tests.builders_finance import add_finance_history
from tests.perf.support import query_counts

MAX_QUERIES = 16


def _measure(
    client: TestClient, db: Session, settings: Settings, engine: Engine, big: LargeAlliance
) -> dict[str, int]:
    base = f"/api/v1/alliances/{big.alliance_id}"
    urls = {
        "finance page": f"/alliances/{big.alliance_id}/finance",
        "statements page": f"/alliances/{big.alliance_id}/statements",
        "true-ups page": f"/alliances/{big.alliance_id}/true-ups",
        "agreements page": f"/alliances/{big.alliance_id}/agreements",
        "milestones page": f"/alliances/{big.alliance_id}/milestones",
        "api ledger": f"{base}/ledger",
        "api invoices": f"{base}/invoices",
        "api agreements": f"{base}/agreements",
        "api milestones": f"{base}/milestones",
        "api royalty statements": f"{base}/royalty-statements",
        "api pnl statements": f"{base}/pnl-statements",
        "api true-ups": f"{base}/true-ups",
        "api obligations": f"{base}/obligations",
    }
    return query_counts(client, db, settings, engine, big, urls)


@pytest.mark.slow
def test_money_pages_use_a_bounded_number_of_queries(
    client: TestClient, db: Session, settings: Settings, engine: Engine
) -> None:
    """The counts do not grow with the years of statements, invoices and payments."""
    small = build_large_alliance(db, members=4, objectives=2, audit_entries=10)
    add_finance_history(db, small, 1)
    big = build_large_alliance(db, members=4, objectives=2, audit_entries=10)
    add_finance_history(db, big, 3)
    db.commit()
    small_counts = _measure(client, db, settings, engine, small)
    client.cookies.clear()
    big_counts = _measure(client, db, settings, engine, big)
    assert big_counts == small_counts
    for name, count in big_counts.items():
        assert count <= MAX_QUERIES, f"{name}: {count} queries"
