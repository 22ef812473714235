"""A vote reaches the other party's waiting decision page live, across server processes.

On PostgreSQL (``PACTUM_TEST_DATABASE_URL`` set) the waiting party listens on process 1
while the voting party works through process 2, so the event crosses processes through
LISTEN/NOTIFY; on SQLite one process plays both parts (its broker is in-process)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pactum.settings import Settings
from tests.dbutil import fresh_database
from tests.servers import EventStreamClient, LiveWorld, seed, servers

pytestmark = pytest.mark.slow

PROCESSES = 2 if os.environ.get("PACTUM_TEST_DATABASE_URL") else 1
SECRET = "g" * 40
TARGET_SECONDS = 1.0


@pytest.fixture
def live_db(tmp_path: Path) -> Iterator[tuple[str, LiveWorld]]:
    """A fresh migrated database with two parties sharing an alliance."""
    with fresh_database(tmp_path, "govlive") as (url, engine):
        settings = Settings(env="test", data_dir=tmp_path, database_url=url, secret_key=SECRET)
        yield url, seed(engine, settings)


def call(method: str, url: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    """A JSON call that must succeed."""
    response = httpx.request(method, url, headers=headers, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_votes_reach_the_other_party_within_a_second(
    live_db: tuple[str, LiveWorld], tmp_path: Path
) -> None:
    """A votes through process 2 while B waits on process 1, then B votes and A hears
    of the deadlock: each event within 1 s of the vote's response."""
    url, world = live_db
    with servers(PROCESSES, url, tmp_path, SECRET) as running:
        first, second = running[0].url, running[-1].url
        api = f"{second}/api/v1/alliances/{world.alliance_id}"
        jsc = call("POST", f"{api}/committees", world.a.headers, {"name": "JSC", "kind": "jsc"})[
            "id"
        ]
        for party in (world.a, world.b):
            call(
                "POST",
                f"{api}/committees/{jsc}/members",
                party.headers,
                {"user_id": str(party.user_id)},
            )
        deadline = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()
        decision = call(
            "POST",
            f"{api}/decisions",
            world.a.headers,
            {
                "committee_id": jsc,
                "domain": "development",
                "question": "Start Phase 2?",
                "deadline": deadline,
            },
        )["id"]
        for voter, listener, choice in ((world.a, world.b, "yes"), (world.b, world.a, "no")):
            with EventStreamClient(first, world.alliance_id, listener.cookie) as stream:
                voted = call(
                    "POST", f"{api}/decisions/{decision}/votes", voter.headers, {"choice": choice}
                )
                answered = time.perf_counter()
                heard = stream.wait_for(decision, timeout=5)
                assert heard is not None, "the waiting party never heard of the vote"
                assert heard.arrived - answered < TARGET_SECONDS
                assert heard.data["kind"] == "decision"
                assert heard.data["version"] == voted["version"]
        assert voted["status"] == "deadlocked"
