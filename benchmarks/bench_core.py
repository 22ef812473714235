"""Benchmarks of the core issue's performance targets.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_core.py [--database-url URL]``).

1. The alliance page and its API for an alliance with 50 members, 200 objectives and
   10,000 audit entries: SQL queries per request and median render time (target < 100 ms).
2. ``pactum audit verify`` over 100,000 entries (target < 2 s).

Each figure is the median of repeated in-process requests (FastAPI TestClient, no network)
against a fresh database in a temporary directory, or the given database URL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.builders import append_audit_entries, build_large_alliance  # noqa: E402

from pactum.audit.service import verify_trail  # noqa: E402
from pactum.auth.service import start_session  # noqa: E402
from pactum.auth.tokens import create_token  # noqa: E402
from pactum.core.db import make_engine, make_sessionmaker, transaction  # noqa: E402
from pactum.core.migrate import upgrade  # noqa: E402
from pactum.main import create_app  # noqa: E402
from pactum.models import User  # noqa: E402
from pactum.settings import Settings  # noqa: E402
from pactum.web.session import COOKIE  # noqa: E402


def main() -> None:
    """Build the data, time the requests and the verifier, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--repeat", type=int, default=50, help="requests per URL")
    parser.add_argument("--audit-entries", type=int, default=100_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pactum-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key="b" * 40)
    engine = make_engine(url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")

    started = time.perf_counter()
    with transaction(factory) as db:
        big = build_large_alliance(db, members=50, objectives=200, audit_entries=10_000)
        user = db.get(User, big.manager.user_id)
        assert user is not None
        assert big.manager.org_id is not None
        token, _ = create_token(db, settings, user=user, org_id=big.manager.org_id, name="bench")
        cookie, _ = start_session(db, settings, user, client="bench")
    print(
        f"built 50 members, 200 objectives, 10,000 audit entries in "
        f"{time.perf_counter() - started:.1f} s"
    )

    app = create_app(settings, engine=engine)
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    base = f"/api/v1/alliances/{big.alliance_id}"
    targets = {
        "alliance page (HTML)": f"/alliances/{big.alliance_id}",
        "GET alliance (API)": base,
        "GET objectives (API)": f"{base}/objectives",
        "GET members (API)": f"{base}/members",
        "GET activity (API)": f"{base}/activity?limit=50",
    }
    print(f"\n{'request':<24}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
    with TestClient(app, base_url="https://testserver") as client:
        client.cookies.set(COOKIE, cookie)
        headers = {"Authorization": f"Bearer {token}"}
        for name, target in targets.items():
            for _ in range(3):
                assert client.get(target, headers=headers).status_code == 200
            queries.clear()
            client.get(target, headers=headers)
            count = len(queries)
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                response = client.get(target, headers=headers)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{name:<24}{count:>8}{statistics.median(times):>11.1f}{p95:>9.1f}")

    with transaction(factory) as db:
        have = verify_trail(db).entries
        missing = max(0, args.audit_entries - have)
        if missing:
            append_audit_entries(db, big.alliance_id, big.manager.actor, missing)
    with Session(engine) as db:
        t0 = time.perf_counter()
        result = verify_trail(db)
        elapsed = time.perf_counter() - t0
    print(
        f"\naudit verify (function): {result.entries} entries in {result.chains} chains: "
        f"{'ok' if result.ok else result.problem} in {elapsed:.2f} s"
    )
    engine.dispose()
    cli = Path(sys.executable).parent / "pactum"
    env = {**os.environ, "PACTUM_DATABASE_URL": url, "PACTUM_DATA_DIR": str(tmp)}
    t0 = time.perf_counter()
    run = subprocess.run(
        [str(cli), "audit", "verify"], capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - t0
    print(
        f"`pactum audit verify` (whole command, start-up included): {wall:.2f} s wall; "
        f"it printed: {run.stdout.strip() or run.stderr.strip()}"
    )


if __name__ == "__main__":
    main()
