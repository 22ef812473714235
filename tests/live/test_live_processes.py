"""Live updates end to end, through real server processes (uvicorn subprocesses).

On PostgreSQL (``PACTUM_TEST_DATABASE_URL`` set) the waiting party listens on process 1
while the partner writes through process 2: the event crosses processes through
LISTEN/NOTIFY. On SQLite two processes cannot share the in-process broker, so the same
test runs with one process, which plays both parts (process 1 is process 2).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import select
from sqlalchemy.engine import Engine

from pactum.access import system_scope
from pactum.live.sse import RECHECK_SECONDS
from pactum.main import create_app
from pactum.models import Objective
from pactum.settings import Settings
from pactum.web.session import COOKIE
from tests.dbutil import fresh_database
from tests.servers import (
    EventStreamClient,
    LiveWorld,
    ServerProcess,
    free_port,
    seed,
    servers,
)

pytestmark = pytest.mark.slow

POSTGRES = bool(os.environ.get("PACTUM_TEST_DATABASE_URL"))
PROCESSES = 2 if POSTGRES else 1
SECRET = "l" * 40
TARGET_SECONDS = 1.0


@pytest.fixture
def live_db(tmp_path: Path) -> Iterator[tuple[str, Engine, Settings, LiveWorld]]:
    """A fresh migrated database with two parties sharing an alliance."""
    with fresh_database(tmp_path, "live") as (url, engine):
        settings = Settings(env="test", data_dir=tmp_path, database_url=url, secret_key=SECRET)
        yield url, engine, settings, seed(engine, settings)


def create(base: str, world: LiveWorld, who: str, title: str, visibility: str) -> str:
    """Create an objective through the API of the server at ``base``; its id."""
    party = world.a if who == "a" else world.b
    response = httpx.post(
        f"{base}/api/v1/alliances/{world.alliance_id}/objectives",
        headers=party.headers,
        json={"title": title, "visibility": visibility},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_a_partners_change_reaches_the_waiting_page_within_a_second(
    live_db: tuple[str, Engine, Settings, LiveWorld], tmp_path: Path
) -> None:
    """B adds a shared objective through process 2 (a page form post): A, listening on
    process 1, hears of it within 1 s. B's private objective reaches B's stream and never
    A's; A's next shared change arrives right after, with nothing in between."""
    url, engine, _settings, world = live_db
    with servers(PROCESSES, url, tmp_path, SECRET) as running:
        first, second = running[0].url, running[-1].url
        with (
            EventStreamClient(first, world.alliance_id, world.a.cookie) as a_stream,
            EventStreamClient(first, world.alliance_id, world.b.cookie) as b_stream,
        ):
            form = {
                "csrf_token": world.b.csrf,
                "title": "Agree the RP2D by Q2 2028",
                "kind": "objective",
                "visibility": "shared",
                "status": "proposed",
            }
            with httpx.Client(base_url=second, cookies={COOKIE: world.b.cookie}) as pages:
                posted = pages.post(f"/alliances/{world.alliance_id}/objectives/new", data=form)
            answered = time.perf_counter()
            assert posted.status_code == 303, posted.text
            with engine.connect() as conn:
                shared_id = conn.execute(
                    system_scope(select(Objective.id).where(Objective.title == form["title"]))
                ).scalar_one()
            heard = a_stream.wait_for(shared_id, timeout=5)
            assert heard is not None, "A never heard of B's shared objective"
            assert heard.arrived - answered < TARGET_SECONDS
            assert heard.data == {"kind": "objective", "id": str(shared_id), "version": 1}

            secret_id = create(second, world, "b", "B's walk-away", "private")
            assert b_stream.wait_for(shared_id, timeout=5) is not None
            assert b_stream.wait_for(secret_id, timeout=5) is not None, "B missed its own"
            next_id = create(second, world, "a", "A's next shared aim", "shared")
            received = []
            while (item := a_stream.next(timeout=5)) is not None:
                received.append(item)
                if item.data.get("id") == next_id:
                    break
            assert [(r.name, r.data.get("id")) for r in received] == [("change", next_id)]
            assert all(secret_id not in str(r.data) for r in received)


def test_signing_out_ends_the_stream_before_the_next_change(
    live_db: tuple[str, Engine, Settings, LiveWorld], tmp_path: Path
) -> None:
    """A signs out (elsewhere) while listening: the next shared change is not sent to A;
    the stream ends instead (access is asked again before a change is sent)."""
    url, _engine, _settings, world = live_db
    with servers(PROCESSES, url, tmp_path, SECRET) as running:
        first, second = running[0].url, running[-1].url
        with EventStreamClient(first, world.alliance_id, world.a.cookie) as a_stream:
            with httpx.Client(base_url=second, cookies={COOKIE: world.a.cookie}) as pages:
                out = pages.post("/logout", data={"csrf_token": world.a.csrf})
            assert out.status_code == 303, out.text
            time.sleep(RECHECK_SECONDS + 0.2)  # the last check is older than the interval
            secret = create(second, world, "b", "Heard only by those still allowed", "shared")
            ended = a_stream.next(timeout=5)
            assert ended is not None
            assert (ended.name, secret not in str(ended.data)) == ("end", True)


def test_shutting_a_server_down_ends_its_streams(
    live_db: tuple[str, Engine, Settings, LiveWorld], tmp_path: Path
) -> None:
    """SIGTERM ends the open streams at once, so the graceful shutdown (which would wait
    for open responses up to 120 s here) does not wait on them: the server is gone well
    before (a bound far from both, so a loaded machine does not matter)."""
    url, _engine, _settings, world = live_db
    with (
        ServerProcess(url, tmp_path, SECRET, graceful_seconds=120) as server,
        EventStreamClient(server.url, world.alliance_id, world.a.cookie) as stream,
    ):
        assert server.process is not None
        started = time.monotonic()
        server.process.terminate()
        # uvicorn re-raises the signal once shut down: killed by SIGTERM, on purpose
        assert server.process.wait(timeout=150) in (0, -signal.SIGTERM)
        assert time.monotonic() - started < 60
        ended = stream.next(timeout=5)
        assert ended is not None
        assert ended.name == "end"


def test_no_database_connection_is_held_while_streaming(
    live_db: tuple[str, Engine, Settings, LiveWorld], tmp_path: Path
) -> None:
    """The request's session is closed before the stream starts (server in this process,
    so its connection pool can be inspected)."""
    _url, engine, settings, world = live_db
    app = create_app(settings, engine=engine)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        base = f"http://127.0.0.1:{port}"
        with EventStreamClient(base, world.alliance_id, world.a.cookie) as stream:
            assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
            own = create(base, world, "a", "Hold no connection", "shared")
            assert stream.wait_for(own, timeout=5) is not None
            assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
