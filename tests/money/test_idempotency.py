"""DATA-2: concurrent duplicates with one Idempotency-Key act once; both get one answer."""

from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import select
from sqlalchemy.engine import Engine

from pactum.core.db import make_sessionmaker, transaction
from pactum.http.idempotency import idempotent
from pactum.models import IdempotentRequest
from tests.conftest import World


def test_concurrent_duplicates_run_once(engine: Engine, world: World) -> None:
    """Two requests with the same key at the same time: the work runs once; the second
    waits for the first to commit and replays its answer (SQLite and PostgreSQL)."""
    factory = make_sessionmaker(engine)
    me = world["a_finance"].principal
    key = f"race-{uuid.uuid4()}"
    runs: list[int] = []
    answers: list[tuple[int, bytes]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work() -> tuple[int, object, dict[str, str]]:
        with lock:
            runs.append(1)
        time.sleep(0.3)  # widen the race window: the other request arrives meanwhile
        return 201, {"created": str(uuid.uuid4())}, {}

    def request() -> None:
        try:
            with transaction(factory) as session:
                response = idempotent(
                    session, me, key, scope="POST test", body={"amount": "1.00"}, run=work
                )
            answers.append((response.status_code, bytes(response.body)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=request) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(runs) == 1
    assert len(answers) == 2
    assert answers[0] == answers[1]
    with transaction(factory) as session:
        stored = (
            session.execute(select(IdempotentRequest).where(IdempotentRequest.key == key))
            .scalars()
            .all()
        )
        assert len(stored) == 1
        assert stored[0].status_code == 201
