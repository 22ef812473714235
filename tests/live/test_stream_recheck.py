"""A stream stops as soon as its listener may no longer listen: access is asked again
before a change is sent (at most every ``recheck_seconds``) and at heartbeats, and once
it is refused nothing more is sent. The question asked is the pages' own: signed in (no
second factor or enrolment pending), still a member for the same party."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pactum.access import open_alliance
from pactum.alliances.pages.live import stream_access
from pactum.alliances.service import list_members, remove_member
from pactum.auth.service import end_session, resolve_session, start_session
from pactum.core.db import make_engine
from pactum.live.bus import Broker, shared_topic, topics_of
from pactum.live.sse import EventStream
from pactum.models import Organisation, User
from pactum.settings import Settings
from tests.conftest import World

ALLIANCE = uuid.uuid4()


def _drive(
    engine: Engine, allowed: list[bool], *, recheck_seconds: float, max_seconds: float = 3
) -> tuple[list[str], int]:
    """Stream the shared topic while changes 1, 2, 3 are dispatched, access being refused
    after change 1 was sent; returns the body chunks and how often access was asked."""
    chunks: list[str] = []
    asked = 0

    def recheck() -> bool:
        nonlocal asked
        asked += 1
        return allowed[0]

    async def main() -> None:
        broker = Broker(engine)
        broker.start()
        stream = EventStream(
            broker,
            [shared_topic(ALLIANCE)],
            max_seconds=max_seconds,
            heartbeat_seconds=5,
            recheck=recheck,
            recheck_seconds=recheck_seconds,
        )
        disconnected = asyncio.Event()

        async def receive() -> dict[str, Any]:
            await disconnected.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                chunks.append(message["body"].decode())

        async def changes() -> None:
            while not any("event: ready" in c for c in chunks):
                await asyncio.sleep(0.01)
            broker.dispatch(shared_topic(ALLIANCE), {"kind": "objective", "id": "1"})
            while not any('"id":"1"' in c for c in chunks):
                await asyncio.sleep(0.01)
            allowed[0] = False  # e.g. signed out, or removed from the alliance
            for n in ("2", "3"):
                broker.dispatch(shared_topic(ALLIANCE), {"kind": "objective", "id": n})

        try:
            await asyncio.wait_for(
                asyncio.gather(stream({"type": "http"}, receive, send), changes()), timeout=10
            )
        finally:
            disconnected.set()
            broker.stop()

    asyncio.run(main())
    return chunks, asked


def _ids(chunks: list[str]) -> list[str]:
    return [n for n in ("1", "2", "3") if any(f'"id":"{n}"' in c for c in chunks)]


def test_nothing_is_sent_once_access_ends(engine: Engine) -> None:
    """Asked before every change (recheck_seconds 0): change 1 goes out, then access is
    refused and the stream ends at once, without changes 2 and 3 (well before its 3 s)."""
    chunks, asked = _drive(engine, [True], recheck_seconds=0)
    assert _ids(chunks) == ["1"]
    assert asked == 2  # before change 1 (allowed) and before change 2 (refused)


def test_checks_are_throttled(engine: Engine) -> None:
    """With a 60 s interval no check falls due within the stream's 0.5 s: the changes made
    meanwhile are sent (the bound on how late access is noticed is the interval)."""
    chunks, asked = _drive(engine, [True], recheck_seconds=60, max_seconds=0.5)
    assert _ids(chunks) == ["1", "2", "3"]
    assert asked == 0


def test_a_heartbeat_also_checks(engine: Engine) -> None:
    """Without any change, the heartbeat asks too: a stream that hears nothing still ends
    once access is refused."""
    ended: list[str] = []

    async def main() -> None:
        broker = Broker(engine)
        broker.start()
        stream = EventStream(
            broker,
            [shared_topic(ALLIANCE)],
            max_seconds=5,
            heartbeat_seconds=0.05,
            recheck=lambda: False,
            recheck_seconds=0,
        )

        async def receive() -> dict[str, Any]:
            await asyncio.sleep(10)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body":
                ended.append("more" if message.get("more_body") else "end")

        started = asyncio.get_running_loop().time()
        try:
            await asyncio.wait_for(stream({"type": "http"}, receive, send), timeout=5)
        finally:
            broker.stop()
        assert asyncio.get_running_loop().time() - started < 1

    asyncio.run(main())
    assert ended[-1] == "end"
    assert ended.count("more") == 1  # the ready event only: no keep-alive was sent


def _contributor_stream(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World
) -> tuple[Callable[[], bool], str]:
    """The access check of a stream A's contributor opened on the shared alliance."""
    user = db.get(User, world["a_contributor"].user_id)
    assert user is not None
    cookie, _ = start_session(db, settings, user, client="test")
    db.commit()
    topics = topics_of(world.alliance_id, world.orgs["A"])
    return stream_access(factory, settings, cookie, world.alliance_id, topics), cookie


def test_removal_from_the_alliance_ends_access(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    """Allowed while a member; no once A's manager takes the contributor off."""
    check, _ = _contributor_stream(db, factory, settings, world)
    assert check() is True
    view = open_alliance(db, world["a_manager"].principal, world.alliance_id)
    member = next(m for m in list_members(db, view) if m.user_id == world["a_contributor"].user_id)
    remove_member(db, view, member.id, expected_version=None)
    db.commit()
    assert check() is False


def test_signing_out_or_a_required_second_factor_ends_access(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    """The same session refused as a page would refuse it: once its organisation requires
    a second factor the contributor has not enrolled; once signed out."""
    check, cookie = _contributor_stream(db, factory, settings, world)
    org = db.get(Organisation, world.orgs["A"])
    assert org is not None
    org.require_totp = True
    db.commit()
    assert check() is False
    org.require_totp = False
    db.commit()
    assert check() is True
    info = resolve_session(db, settings, cookie)
    assert info is not None
    end_session(db, info)
    db.commit()
    assert check() is False


def test_another_partys_topics_are_refused(
    db: Session, factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    """A stream opened for B's topics is not A's contributor's to keep."""
    _, cookie = _contributor_stream(db, factory, settings, world)
    topics = topics_of(world.alliance_id, world.orgs["B"])
    assert stream_access(factory, settings, cookie, world.alliance_id, topics)() is False


def test_a_database_error_counts_as_no(settings: Settings, world: World) -> None:
    """A database that does not answer ends the stream (no traceback)."""
    broken = sessionmaker(bind=make_engine("sqlite:////nonexistent/dir/pactum.sqlite3"))
    topics = topics_of(world.alliance_id, world.orgs["A"])
    assert stream_access(broken, settings, "cookie", world.alliance_id, topics)() is False
