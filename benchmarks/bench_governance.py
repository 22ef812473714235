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
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.builders import build_large_alliance  # noqa: E402
from tests.builders_governance import add_decisions  # noqa: E402

from pactum.auth.service import start_session  # noqa: E402
from pactum.auth.tokens import create_token  # noqa: E402
from pactum.core.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from pactum.core.migrate import upgrade  # noqa: E402
from pactum.main import create_app  # noqa: E402
from pactum.models import User  # noqa: E402
from pactum.settings import Settings  # noqa: E402
from pactum.web.session import COOKIE  # noqa: E402


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
