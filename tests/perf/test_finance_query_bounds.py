"""No N+1 on the money pages: the finance page, statements page and ledger API use the
same number of SQL queries for one year of quarterly statements as for three."""

from __future__ import annotations

import pytest
from benchmarks.bench_finance_pages import add_finance_history
from benchmarks.data import LargeAlliance, build_large_alliance
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.auth.service import create_token, start_session
from pactum.models import User
from pactum.settings import Settings
from pactum.web.session import COOKIE
from tests.perf.test_query_bounds import counting

MAX_QUERIES = 16


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
    counts = {}
    for name, url in urls.items():
        client.get(url, headers=headers)
        with counting(engine) as seen:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, response.text[:300])
        counts[name] = len(seen)
    return counts


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
