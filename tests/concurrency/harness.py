"""The concurrency harness (DATA-1, CONC-1): N identical requests at the same moment.

A :class:`Harness` is a committed database of its own (an SQLite file, or a schema on
``PACTUM_TEST_DATABASE_URL``) seeded with the test world, and the real application on
it. :meth:`Harness.fire` sends one request N times from N threads released together;
while they run, every request's first flush waits a little (:func:`widened`), so all N
have read the record and made their checks before any writes: exactly the window in
which a check made without a lock or a version predicate lets more than one through.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.models import AuditEntry
from tests.conftest import World

N = 8
FLUSH_DELAY_SECONDS = 0.05
SUCCESS = range(200, 300)
CURRENCIES = ("CHF", "GBP", "SEK", "DKK", "NOK", "CAD", "AUD", "PLN", "CZK", "HUF")


@dataclass
class Trial:
    """One request to send N times: who sends it, and what the losers may answer."""

    method: str
    url: str
    who: str
    body: Any = None
    if_match: str | None = None  # the ETag read before (sent as If-Match)
    etag_url: str | None = None  # a GET whose ETag must become the winner's
    losers: frozenset[int] = frozenset({409, 412})
    files: dict[str, Any] | None = None
    data: dict[str, str] | None = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Idempotent routes: every request may succeed, but the record changes once.
    all_may_succeed: bool = False


@dataclass
class Outcome:
    """What the N requests answered and what the audit trail gained meanwhile."""

    statuses: list[int]
    winners: list[httpx.Response]
    audit: Counter[tuple[str, str]] = field(default_factory=Counter)
    sample: str = ""  # one refusal's body
    answers: list[httpx.Response] = field(default_factory=list)

    def describe(self) -> str:
        """A one-line summary for assertion messages."""
        return f"statuses {sorted(self.statuses)}; audit {dict(self.audit)}; {self.sample[:300]}"


@contextmanager
def widened(seconds: float = FLUSH_DELAY_SECONDS) -> Iterator[None]:
    """While active, every session's first flush waits ``seconds``."""

    def delay(session: Session, _context: Any, _instances: Any) -> None:
        if not session.info.get("concurrency_delayed"):
            session.info["concurrency_delayed"] = True
            time.sleep(seconds)

    event.listen(Session, "before_flush", delay)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", delay)


class Harness:
    """A committed world and the app on it (see the module's docstring)."""

    def __init__(self, client: TestClient, engine: Engine, world: World) -> None:
        self.client = client
        self.engine = engine
        self.world = world
        self.base = f"/api/v1/alliances/{world.alliance_id}"
        self._currencies = iter(CURRENCIES)

    def headers(self, who: str) -> dict[str, str]:
        """The API token header of a seeded person."""
        return self.world[who].headers

    def call(
        self,
        method: str,
        url: str,
        who: str,
        body: Any = None,
        *,
        headers_extra: dict[str, str] | None = None,
        **extra: Any,
    ) -> Any:
        """One request during set-up; its JSON (a 2xx is required)."""
        headers = {**self.headers(who), **(headers_extra or {})}
        response = self.client.request(method, url, headers=headers, json=body, **extra)
        assert response.status_code in SUCCESS, f"{method} {url}: {response.text}"
        return response.json() if response.content else None

    def etag(self, url: str, who: str) -> str:
        """The ETag a GET answers."""
        response = self.client.get(url, headers=self.headers(who))
        assert response.status_code == 200, f"GET {url}: {response.text}"
        return response.headers["ETag"]

    def next_currency(self) -> str:
        """A currency no trial used yet (FX rates are unique per quarter and currency)."""
        return next(self._currencies)

    def unique(self, prefix: str) -> str:
        """A name no other trial uses."""
        return f"{prefix} {uuid.uuid4().hex[:8]}"

    def address(self) -> str:
        """An e-mail address no other trial uses."""
        return f"race-{uuid.uuid4().hex[:10]}@example.org"

    def _audit_top(self) -> int:
        with Session(self.engine) as session:
            return int(session.execute(select(func.coalesce(func.max(AuditEntry.id), 0))).scalar())

    def _audit_since(self, top: int) -> Counter[tuple[str, str]]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(AuditEntry.action, AuditEntry.object_id).where(AuditEntry.id > top)
            ).all()
        # A loser's 404 records a refused access (AUD-1): not a change of the record.
        return Counter((a, o) for a, o in rows if a != "access.denied")

    def fire(self, trial: Trial, n: int = N) -> Outcome:
        """Send the trial's request ``n`` times at once."""
        return self.fire_all([trial] * n)

    def fire_all(self, trials: list[Trial]) -> Outcome:
        """Send each trial's request once, all at the same moment (a race of different
        requests); the answers come back in the trials' order."""
        barrier = threading.Barrier(len(trials))
        answers: list[httpx.Response | None] = [None] * len(trials)

        def send(index: int, trial: Trial) -> None:
            headers = {**(self.headers(trial.who) if trial.who else {}), **trial.headers}
            if trial.if_match is not None:
                headers["If-Match"] = trial.if_match
            barrier.wait()
            answers[index] = self.client.request(
                trial.method,
                trial.url,
                headers=headers,
                json=trial.body,
                files=trial.files,
                data=trial.data,
                content=trial.content,
                follow_redirects=False,
            )

        top = self._audit_top()
        threads = [threading.Thread(target=send, args=(i, t)) for i, t in enumerate(trials)]
        with widened():
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
        done = [a for a in answers if a is not None]
        assert len(done) == len(trials), "a request did not come back"
        return Outcome(
            statuses=[a.status_code for a in done],
            winners=[a for a in done if a.status_code in SUCCESS],
            audit=self._audit_since(top),
            sample=next((a.text for a in done if a.status_code not in SUCCESS), ""),
            answers=done,
        )


Builder = Callable[[Harness], Trial]
