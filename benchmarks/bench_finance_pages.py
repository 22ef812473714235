"""Benchmark: the finance page of an alliance with five years of quarterly statements.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_finance_pages.py
[--database-url URL]``). Target: a bounded number of SQL queries (the same for one year
as for five) and a median under 150 ms.

The alliance has an agreement (plus one earlier agreement per year), 20 quarters each with
a royalty statement, a cost-sharing true-up and a P&L statement (each invoiced), two
invoiced milestone claims per year, two payments per invoice, and recurring obligations.
Figures are medians of in-process requests (FastAPI TestClient, no network).
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

from tests.builders import LargeAlliance, build_large_alliance  # noqa: E402
from tests.builders_finance import add_finance_history  # noqa: E402

from pactum.auth.service import start_session  # noqa: E402
from pactum.auth.tokens import create_token  # noqa: E402
from pactum.core.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from pactum.core.migrate import upgrade  # noqa: E402
from pactum.main import create_app  # noqa: E402
from pactum.models import (  # noqa: E402
    User,
)
from pactum.settings import Settings  # noqa: E402
from pactum.web.session import COOKIE  # noqa: E402


def main() -> None:
    """Build one alliance with a year and one with five years; time the pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--repeat", type=int, default=40, help="requests per URL")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pactum-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key="b" * 40)
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    built: dict[int, tuple[LargeAlliance, str, str]] = {}
    for years in (1, 5):
        with transaction(factory) as db:
            big = build_large_alliance(db, members=20, objectives=20, audit_entries=2_000)
            add_finance_history(db, big, years)
            user = db.get(User, big.manager.user_id)
            assert user is not None
            assert big.manager.org_id is not None
            token, _ = create_token(db, settings, user=user, org_id=big.manager.org_id, name="b")
            cookie, _ = start_session(db, settings, user, client="bench")
        built[years] = (big, token, cookie)

    app = create_app(settings, engine=engine)
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    print(f"\n{'request':<34}{'years':>6}{'queries':>9}{'median ms':>11}{'p95 ms':>9}")
    for name, path in (
        ("finance page (HTML)", "/alliances/{id}/finance"),
        ("statements page (HTML)", "/alliances/{id}/statements"),
        ("true-ups page (HTML)", "/alliances/{id}/true-ups"),
        ("GET ledger (API)", "/api/v1/alliances/{id}/ledger"),
        ("GET invoices (API)", "/api/v1/alliances/{id}/invoices"),
    ):
        for years, (big, token, cookie) in built.items():
            target = path.replace("{id}", str(big.alliance_id))
            with TestClient(app, base_url="https://testserver") as client:
                client.cookies.set(COOKIE, cookie)
                headers = {"Authorization": f"Bearer {token}"}
                for _ in range(3):
                    status = client.get(target, headers=headers).status_code
                if status != 200:
                    print(f"{name:<34}{years:>6}   (answered {status})")
                    continue
                queries.clear()
                client.get(target, headers=headers)
                count = len(queries)
                times = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    client.get(target, headers=headers)
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                print(f"{name:<34}{years:>6}{count:>9}{statistics.median(times):>11.1f}{p95:>9.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
