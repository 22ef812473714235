"""Benchmark: the decision register of an alliance with 10,000 decisions.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_governance.py
[--database-url URL] [--decisions N] [--repeat N]``). Target: filtering and paginating
the register answers in under 100 ms (median), API and page alike.

The alliance has a JSC, a JDC and the executive officers; its decisions spread over six
years, eight domains and every status, each with two votes. Figures are medians of
in-process requests (FastAPI TestClient, no network), with the SQL query count.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.data import LargeAlliance, build_large_alliance  # noqa: E402
from pactum.auth.service import start_session  # noqa: E402
from pactum.auth.tokens import create_token  # noqa: E402
from pactum.core.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from pactum.core.migrate import upgrade  # noqa: E402
from pactum.core.time import utcnow  # noqa: E402
from pactum.main import create_app  # noqa: E402
from pactum.models import Committee, Decision, User, Vote  # noqa: E402
from pactum.settings import Settings  # noqa: E402
from pactum.web.session import COOKIE  # noqa: E402

DOMAINS = (
    "development",
    "clinical",
    "regulatory",
    "manufacturing",
    "commercial",
    "pricing",
    "budget",
    "publications",
)
STATUSES = ("approved",) * 6 + ("rejected", "deadlocked", "open", "final_say", "arbitration")
TOPICS = (
    "Phase 2 protocol amendment",
    "CMC tech transfer",
    "Budget reallocation",
    "Publication plan",
    "Launch sequence",
    "Pricing corridor",
    "Trial site expansion",
    "Biomarker strategy",
)


def add_decisions(session: Session, big: LargeAlliance, count: int) -> None:
    """``count`` decisions (with two votes each) across three committees."""
    a, b = big.manager.org_id, big.partner.org_id
    assert a is not None
    assert b is not None
    rnd = random.Random(2026)
    common: dict[str, Any] = {"alliance_id": big.alliance_id, "visibility": "shared"}
    bodies = []
    for name, kind in (
        ("Executive officers", "executive_officers"),
        ("JSC", "jsc"),
        ("JDC", "jdc"),
    ):
        body = Committee(
            **common,
            owner_org_id=a,
            name=name,
            kind=kind,
            created_by_id=big.manager.user_id,
            escalates_to_id=bodies[0].id if bodies else None,
        )
        session.add(body)
        session.flush()
        bodies.append(body)
    start = date(2021, 1, 1)
    today = utcnow().date()
    decisions: list[dict[str, Any]] = []
    votes: list[dict[str, Any]] = []
    per_year: dict[int, int] = {}
    for _ in range(count):
        opened = start + timedelta(days=rnd.randrange(6 * 365))
        per_year[opened.year] = per_year.get(opened.year, 0) + 1
        body = rnd.choice(bodies[1:])
        status = rnd.choice(STATUSES)
        decided = status in ("approved", "rejected")
        decision_id = uuid.uuid4()
        stamp = datetime(opened.year, opened.month, opened.day, 12, tzinfo=UTC)
        decisions.append(
            {
                **common,
                "id": decision_id,
                "owner_org_id": rnd.choice((a, b)),
                "reference": f"DEC-{opened.year}-{per_year[opened.year]:04d}",
                "committee_id": body.id,
                "body_id": body.id,
                "domain": rnd.choice(DOMAINS),
                "question": f"{rnd.choice(TOPICS)} #{rnd.randrange(10**6)}?",
                "background": "",
                "options": [],
                "status": status,
                "rung": 0,
                "ladder": [str(body.id), str(bodies[0].id)],
                "opened_on": opened,
                # as the scheduler leaves them: nothing undecided is past its clock
                "deadline": max(opened + timedelta(days=14), today + timedelta(days=30))
                if status == "open"
                else opened + timedelta(days=14),
                "outcome": "approved unanimously" if status == "approved" else "",
                "chosen_option": "",
                "rationale": "Agreed at the meeting." if decided else "",
                "decided_at": stamp + timedelta(days=7) if decided else None,
                "proposed_by_id": big.manager.user_id,
                "version": 3,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        for org, user in ((a, big.manager.user_id), (b, big.partner.user_id)):
            votes.append(
                {
                    **common,
                    "id": uuid.uuid4(),
                    "owner_org_id": org,
                    "decision_id": decision_id,
                    "rung": 0,
                    "body_id": body.id,
                    "party_org_id": org,
                    "member_id": user,
                    "choice": "yes" if status == "approved" else rnd.choice(("yes", "no")),
                    "option": "",
                    "comment": "",
                    "cast_at": stamp + timedelta(days=1),
                }
            )
    for chunk in range(0, len(decisions), 2000):
        session.execute(insert(Decision), decisions[chunk : chunk + 2000])
        session.execute(insert(Vote), votes[2 * chunk : 2 * chunk + 4000])
    session.flush()


def main() -> None:
    """Build the alliance and its register; time the register's API and page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--decisions", type=int, default=10_000, help="decisions to create")
    parser.add_argument("--repeat", type=int, default=40, help="requests per URL")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pactum-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key="b" * 40)
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    t0 = time.perf_counter()
    with transaction(factory) as db:
        big = build_large_alliance(db, members=20, objectives=10, audit_entries=1_000)
        add_decisions(db, big, args.decisions)
        user = db.get(User, big.manager.user_id)
        assert user is not None
        assert big.manager.org_id is not None
        token, _ = create_token(db, settings, user=user, org_id=big.manager.org_id, name="b")
        cookie, _ = start_session(db, settings, user, client="bench")
    print(f"built {args.decisions} decisions in {time.perf_counter() - t0:.1f} s")

    app = create_app(settings, engine=engine)
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    api = f"/api/v1/alliances/{big.alliance_id}/decisions"
    page = f"/alliances/{big.alliance_id}/decisions"
    cases = (
        ("register, first page (API)", api),
        ("status = approved (API)", f"{api}?status=approved"),
        ("search 'budget' (API)", f"{api}?q=budget"),
        (
            "domain + year, page 3 (API)",
            f"{api}?domain=clinical&opened_from=2023-01-01&opened_to=2023-12-31&page=3&per_page=20",
        ),
        ("page 150 of 200 (API)", f"{api}?page=150&per_page=50"),
        ("register page (HTML)", page),
        ("search + status, page 4 (HTML)", f"{page}?q=phase&status=approved&page=4"),
    )
    print(f"\n{'request':<36}{'rows':>7}{'queries':>9}{'median ms':>11}{'p95 ms':>9}")
    medians = []
    with TestClient(app, base_url="https://testserver") as client:
        client.cookies.set(COOKIE, cookie)
        headers = {"Authorization": f"Bearer {token}"}
        for name, target in cases:
            for _ in range(3):
                response = client.get(target, headers=headers)
            if response.status_code != 200:
                print(f"{name:<36}   (answered {response.status_code})")
                continue
            rows = response.json()["total"] if target.startswith("/api") else "-"
            queries.clear()
            client.get(target, headers=headers)
            count = len(queries)
            times = []
            for _ in range(args.repeat):
                t1 = time.perf_counter()
                client.get(target, headers=headers)
                times.append((time.perf_counter() - t1) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            medians.append(statistics.median(times))
            print(f"{name:<36}{rows!s:>7}{count:>9}{statistics.median(times):>11.1f}{p95:>9.1f}")
    verdict = "met" if medians and max(medians) < 100 else "NOT met"
    print(f"\ntarget: every median under 100 ms -> {verdict}")
    engine.dispose()


if __name__ == "__main__":
    main()
