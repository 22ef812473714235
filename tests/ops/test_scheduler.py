"""The scheduler: one leader at a time (an advisory lock on PostgreSQL, a file lock on
SQLite), the jobs run each period by the leader only, the lead passes on when given up;
a read that tries to write is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.cli import serve as serve_cli
from pactum.core.db import make_sessionmaker
from pactum.http.db import DbSession
from pactum.models import LoginThrottle
from pactum.ops.scheduler import Leadership, Scheduler
from pactum.settings import Settings


def test_one_process_leads_at_a_time(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """Two contenders: the first leads, the second waits; once the first gives up, the
    second takes over."""
    local = settings.model_copy(update={"data_dir": tmp_path})
    first, second = Leadership(engine, local), Leadership(engine, local)
    try:
        assert first.acquire()
        assert first.acquire()  # keeping it
        assert not second.acquire()
        first.release()
        assert second.acquire()
        assert not first.acquire()
    finally:
        first.release()
        second.release()


def test_only_the_leader_runs_the_jobs(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """A scheduler that does not lead runs nothing; the leader runs every job once."""
    local = settings.model_copy(update={"data_dir": tmp_path})
    factory = make_sessionmaker(engine)
    leader = Scheduler(engine, factory, local, interval=60)
    other = Scheduler(engine, factory, local, interval=60)
    try:
        outcomes = leader.run_once()
        assert outcomes is not None
        assert "decision escalations" in [o.name for o in outcomes]
        assert other.run_once() is None
        assert (leader.runs, other.runs) == (1, 0)
    finally:
        leader.leadership.release()
        other.leadership.release()


def test_the_background_loop_runs_and_stops(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Started in a thread, the loop runs periods until stopped, then gives the lead up."""
    local = settings.model_copy(update={"data_dir": tmp_path})
    scheduler = Scheduler(engine, make_sessionmaker(engine), local, interval=0.05)
    scheduler.start()
    try:
        for _ in range(200):
            if scheduler.runs >= 2:
                break
            scheduler._stop.wait(0.05)
    finally:
        scheduler.stop()
    assert scheduler.runs >= 2
    assert not scheduler.leadership.held


def _writes_on_read(request: Request, db: DbSession) -> dict[str, str]:
    """A (test-only) GET route that tries to write."""
    db.add(LoginThrottle(key=f"read-wrote:{request.url.path}", failures=1))
    db.flush()
    return {"wrote": "yes"}


def test_a_read_that_writes_is_refused_and_keeps_nothing(
    shared_app: FastAPI, engine: Engine, client: TestClient, db: Session
) -> None:
    """A GET whose work would change a row answers 500 and the row is not there."""
    if not any(getattr(r, "path", "") == "/test-only/read-writes" for r in shared_app.routes):
        shared_app.add_api_route(
            "/test-only/read-writes", _writes_on_read, methods=["GET"], include_in_schema=False
        )
        shared_app.add_api_route(
            "/test-only/post-writes", _writes_on_read, methods=["POST"], include_in_schema=False
        )
    refused = client.get("/test-only/read-writes")
    assert refused.status_code == 500
    count = select(func.count()).select_from(LoginThrottle)
    assert db.execute(count).scalar_one() == 0
    allowed = client.post("/test-only/post-writes")
    assert allowed.status_code == 200
    assert db.execute(count).scalar_one() == 1


@pytest.mark.parametrize("flag", [True, False])
def test_serve_runs_the_scheduler_unless_told_not_to(
    flag: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``pactum serve`` tells its app processes to run the scheduler (and the address it
    serves, for links); ``--no-scheduler`` turns it off."""
    seen: dict[str, object] = {}
    monkeypatch.setattr(serve_cli.uvicorn, "run", lambda *a, **k: seen.update(k))

    class NoEngine:
        def dispose(self) -> None:
            """Nothing to close."""

    monkeypatch.setattr(serve_cli, "engine", lambda config: NoEngine())
    for name in ("PACTUM_SCHEDULER", "PACTUM_HOST", "PACTUM_PORT"):
        monkeypatch.delenv(name, raising=False)
    serve_cli.serve(host="127.0.0.1", port=8123, workers=1, scheduler=flag)
    loaded = Settings()
    assert loaded.scheduler is flag
    assert loaded.base_url == "http://127.0.0.1:8123"
    assert seen["port"] == 8123
