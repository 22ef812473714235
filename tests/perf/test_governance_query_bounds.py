"""No N+1 in governance: the register (API and page), the governance overview and the
committees list use the same number of SQL queries for 20 decisions as for 150."""

from __future__ import annotations

from benchmarks.bench_governance import add_decisions
from benchmarks.data import LargeAlliance, build_large_alliance
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.auth.service import create_token, start_session
from pactum.models import User
from pactum.settings import Settings
from pactum.web.session import COOKIE
from tests.perf.test_query_bounds import counting

MAX_QUERIES = 20


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
    api = f"/api/v1/alliances/{big.alliance_id}"
    page = f"/alliances/{big.alliance_id}"
    urls = {
        "register (API)": f"{api}/decisions?per_page=200",
        "register filtered (API)": f"{api}/decisions?status=approved&q=budget",
        "register page": f"{page}/decisions?per_page=200",
        "governance overview": f"{page}/governance",
        "committees (API)": f"{api}/committees",
    }
    counts = {}
    for name, url in urls.items():
        client.get(url, headers=headers)
        with counting(engine) as seen:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (name, response.text[:300])
        counts[name] = len(seen)
    return counts


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
