"""Live updates: how long a committed change takes to reach a waiting page.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_live.py [--database-url URL]``).

Starts Pactum server processes (uvicorn) on one database: two on PostgreSQL, where the
subscriber listens on the first while the changes go through the second (LISTEN/NOTIFY
carries them across); one on SQLite, whose broker is in-process only. Party A subscribes
to ``/alliances/<id>/live``; party B then adds N shared objectives through the API, one
after another. For each change: the time from the change request's response to the
event's arrival at A's stream (negative when the event arrives first: it is sent at
commit, before the response), and from the request's start. Target: under 1 s.

On PostgreSQL the run works in a new schema, dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import EventStreamClient, seed, servers  # noqa: E402

from pactum.core.db import make_engine  # noqa: E402
from pactum.core.migrate import upgrade  # noqa: E402
from pactum.settings import Settings  # noqa: E402

SECRET = "b" * 40
TARGET_SECONDS = 1.0


@contextmanager
def database(url: str, tmp: Path) -> Iterator[str]:
    """The URL to use: an SQLite file in ``tmp``, or a fresh schema on PostgreSQL."""
    if not url:
        yield f"sqlite:///{tmp / 'bench-live.sqlite3'}"
        return
    if url.startswith("sqlite"):
        yield url
        return
    schema = f"pactum_bench_live_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def figures(label: str, values: list[float]) -> str:
    """One line: median, p95 and max in milliseconds."""
    p95 = statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]
    return (
        f"{label:<34} {statistics.median(values) * 1000:8.1f} {p95 * 1000:8.1f} "
        f"{max(values) * 1000:8.1f}"
    )


def main() -> None:
    """Seed, start the servers, make the changes, print the latencies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--changes", type=int, default=50, help="changes to time")
    parser.add_argument(
        "--processes",
        type=int,
        default=0,
        help="server processes (default: 2 on PostgreSQL; SQLite always uses 1)",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pactum-bench-live-"))
    with database(args.database_url, tmp) as url:
        sqlite = url.startswith("sqlite")
        count = 1 if sqlite else (args.processes or 2)
        engine = make_engine(url)
        upgrade(engine)
        settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=SECRET)
        world = seed(engine, settings)
        engine.dispose()
        print(f"database: {'SQLite' if sqlite else 'PostgreSQL'}, {count} server process(es)")
        with servers(count, url, tmp, SECRET) as running:
            listener, writer = running[0].url, running[-1].url
            after_response: list[float] = []
            after_request: list[float] = []
            with (
                EventStreamClient(listener, world.alliance_id, world.a.cookie) as stream,
                httpx.Client(base_url=writer, headers=world.b.headers) as api,
            ):
                path = f"/api/v1/alliances/{world.alliance_id}/objectives"
                api.get(f"/api/v1/alliances/{world.alliance_id}")  # warm the connection
                for n in range(args.changes):
                    sent = time.perf_counter()
                    response = api.post(path, json={"title": f"Aim {n}", "visibility": "shared"})
                    answered = time.perf_counter()
                    response.raise_for_status()
                    heard = stream.wait_for(response.json()["id"], timeout=10)
                    if heard is None:
                        raise SystemExit(f"change {n} never reached the stream")
                    after_response.append(heard.arrived - answered)
                    after_request.append(heard.arrived - sent)
                    time.sleep(0.02)
    print(f"{args.changes} changes; milliseconds:")
    print(f"{'latency':<34} {'median':>8} {'p95':>8} {'max':>8}")
    print(figures("response -> event at subscriber", after_response))
    print(figures("request sent -> event at subscriber", after_request))
    verdict = "met" if max(after_response) < TARGET_SECONDS else "MISSED"
    print(f"target: a live update reaches a waiting page within 1 s: {verdict}")


if __name__ == "__main__":
    main()
