"""The live-update bus: delivery at commit only, exactly once, to the right party only.

Each test commits real transactions on the run's database (no rows are written: an event
needs none), so on PostgreSQL they go through NOTIFY and the broker's listener thread, and
on SQLite through the in-process hand-over at ``after_commit``.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from pactum.core.db import make_engine
from pactum.live.bus import (
    CLOSED,
    RELOAD,
    Broker,
    Event,
    Subscription,
    party_topic,
    publish,
    shared_topic,
    topic_for,
    topics_of,
)
from pactum.live.listener import application_name

POSTGRES = bool(os.environ.get("PACTUM_TEST_DATABASE_URL"))
ALLIANCE = uuid.uuid4()
ORG_A = uuid.uuid4()
ORG_B = uuid.uuid4()


def run(engine: Engine, scenario: Callable[[Broker], Awaitable[None]]) -> None:
    """Run ``scenario`` with a started broker on ``engine`` in a fresh event loop."""

    async def main() -> None:
        broker = Broker(engine)
        broker.start()
        try:
            await scenario(broker)
        finally:
            broker.stop()

    asyncio.run(main())


async def listening(broker: Broker, org: uuid.UUID, alliance: uuid.UUID = ALLIANCE) -> Subscription:
    """A subscription to what ``org`` may hear, once the broker is listening."""
    subscription = broker.subscribe(topics_of(alliance, org))
    assert await broker.wait_listening(10)
    return subscription


def announce(
    session: Session,
    object_id: uuid.UUID,
    *,
    visibility: str = "shared",
    owner: uuid.UUID = ORG_A,
    alliance: uuid.UUID = ALLIANCE,
) -> None:
    """Publish an objective change in ``session``'s transaction."""
    publish(
        session,
        alliance_id=alliance,
        visibility=visibility,
        owner_org_id=owner,
        kind="objective",
        object_id=object_id,
        version=1,
    )


def committed(engine: Engine, object_id: uuid.UUID, **kwargs: object) -> None:
    """Publish one change in its own committed transaction."""
    with Session(engine) as session:
        announce(session, object_id, **kwargs)  # type: ignore[arg-type]
        session.commit()


async def ids_until(subscription: Subscription, marker: uuid.UUID) -> list[str]:
    """The ids of the changes received up to (without) ``marker``."""
    got: list[str] = []
    while True:
        item = await subscription.get(5)
        assert item is not None, f"the marker never arrived; received {got}"
        assert item.name == "change", item
        if item.data["id"] == str(marker):
            return got
        got.append(str(item.data["id"]))


def test_topics_mirror_visibility() -> None:
    """Shared records go to the shared topic, private ones to their owner party's only."""
    assert topic_for(ALLIANCE, "shared", ORG_A) == f"alliance:{ALLIANCE}:shared"
    assert topic_for(ALLIANCE, "private", ORG_A) == f"alliance:{ALLIANCE}:org:{ORG_A}"
    assert topics_of(ALLIANCE, ORG_B) == {shared_topic(ALLIANCE), party_topic(ALLIANCE, ORG_B)}
    with pytest.raises(ValueError, match="visibility"):
        topic_for(ALLIANCE, "public", ORG_A)


def test_a_commit_delivers_exactly_once_to_the_records_topic(engine: Engine) -> None:
    """One commit, one event: to a subscriber of the topic, not to another alliance's."""
    object_id = uuid.uuid4()

    async def scenario(broker: Broker) -> None:
        mine = await listening(broker, ORG_B)
        elsewhere = await listening(broker, ORG_B, alliance=uuid.uuid4())
        with Session(engine) as session:
            announce(session, object_id)
            await asyncio.sleep(0.2)
            assert await mine.get(0) is None, "delivered before the commit"
            session.commit()
        item = await mine.get(5)
        assert item == Event("change", {"kind": "objective", "id": str(object_id), "version": 1})
        assert await mine.get(0.5) is None, "delivered twice"
        assert await elsewhere.get(0) is None

    run(engine, scenario)


def test_a_rollback_delivers_nothing(engine: Engine) -> None:
    """A rolled-back transaction's event never arrives (the next commit's does)."""
    lost, kept = uuid.uuid4(), uuid.uuid4()

    async def scenario(broker: Broker) -> None:
        subscription = await listening(broker, ORG_A)
        with Session(engine) as session:
            announce(session, lost)
            session.rollback()
        with Session(engine) as session:
            announce(session, lost)  # closed without a commit
        committed(engine, kept)
        assert await ids_until(subscription, kept) == []
        assert await subscription.get(0.3) is None

    run(engine, scenario)


def test_savepoints_deliver_only_what_the_transaction_commits(engine: Engine) -> None:
    """A rolled-back savepoint's event is dropped; a released one's waits for the commit."""
    dropped, released, marker = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    async def scenario(broker: Broker) -> None:
        subscription = await listening(broker, ORG_A)
        with Session(engine) as session:
            session.execute(text("SELECT 1"))

            def rolled_back() -> None:
                with session.begin_nested():
                    announce(session, dropped)
                    raise RuntimeError("roll the savepoint back")

            with pytest.raises(RuntimeError, match="roll the savepoint back"):
                rolled_back()
            with session.begin_nested():
                announce(session, released)
            await asyncio.sleep(0.2)
            assert await subscription.get(0) is None, "delivered at the savepoint's release"
            session.commit()
        committed(engine, marker)
        assert await ids_until(subscription, marker) == [str(released)]

    run(engine, scenario)


def test_the_test_harness_session_commit(connection: Connection, engine: Engine) -> None:
    """In the suite's harness (commits become savepoints of a rolled-back transaction):
    SQLite delivers at the session's commit; PostgreSQL only at a real commit, so never."""
    object_id, marker = uuid.uuid4(), uuid.uuid4()

    async def scenario(broker: Broker) -> None:
        subscription = await listening(broker, ORG_A)
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        with factory() as session:
            announce(session, object_id)
            session.commit()
        if POSTGRES:
            assert await subscription.get(1) is None
            committed(engine, marker)  # the harness holds no lock on PostgreSQL
            assert await ids_until(subscription, marker) == []
        else:
            item = await subscription.get(5)
            assert item is not None
            assert item.data["id"] == str(object_id)

    run(engine, scenario)


TRANSACTIONS = st.lists(
    st.tuples(
        st.booleans(),  # committed?
        st.lists(
            st.tuples(st.sampled_from(["shared", "private"]), st.sampled_from("AB")), max_size=4
        ),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transactions=TRANSACTIONS)
def test_a_party_hears_shared_changes_and_its_own_never_the_others(
    engine: Engine, transactions: list[tuple[bool, list[tuple[str, str]]]]
) -> None:
    """Property: each party receives exactly the committed shared changes and its own
    private ones, in commit order; the other party's private changes never reach it."""
    orgs = {"A": ORG_A, "B": ORG_B}
    expected: dict[str, list[str]] = {"A": [], "B": []}
    plan: list[tuple[bool, list[tuple[uuid.UUID, str, str]]]] = []
    for commit, events in transactions:
        batch = [(uuid.uuid4(), visibility, owner) for visibility, owner in events]
        plan.append((commit, batch))
        for object_id, visibility, owner in batch:
            for party in expected:
                if commit and (visibility == "shared" or owner == party):
                    expected[party].append(str(object_id))
    marker = uuid.uuid4()

    async def scenario(broker: Broker) -> None:
        subscriptions = {party: await listening(broker, org) for party, org in orgs.items()}
        for commit, batch in plan:
            with Session(engine) as session:
                for object_id, visibility, owner in batch:
                    announce(session, object_id, visibility=visibility, owner=orgs[owner])
                if commit:
                    session.commit()
                else:
                    session.rollback()
        committed(engine, marker)
        for party, subscription in subscriptions.items():
            assert await ids_until(subscription, marker) == expected[party], party

    run(engine, scenario)


def test_an_overflowing_subscriber_gets_one_reload_and_never_blocks(engine: Engine) -> None:
    """A subscriber that does not keep up loses its backlog for a single "reload"."""

    async def scenario(broker: Broker) -> None:
        broker.queue_size = 3
        subscription = broker.subscribe([shared_topic(ALLIANCE)])
        for n in range(10):  # dispatching is synchronous: it cannot wait on a subscriber
            broker.dispatch(shared_topic(ALLIANCE), {"kind": "objective", "id": str(n)})
        await asyncio.sleep(0.05)
        received = [await subscription.get(0.1) for _ in range(4)]
        assert received[0] is RELOAD
        assert None in received, "more queued than the bound"

    run(engine, scenario)


def test_stopping_the_broker_ends_every_subscription(engine: Engine) -> None:
    """Server shutdown: open subscriptions are closed (their streams end)."""

    async def scenario(broker: Broker) -> None:
        subscription = await listening(broker, ORG_A)
        broker.stop()
        assert await subscription.get(2) is CLOSED
        assert await subscription.get(0) is CLOSED
        subscription.close()  # idempotent

    run(engine, scenario)


def test_an_unreachable_database_is_retried_and_stopping_is_prompt() -> None:
    """The PostgreSQL listener retries with back-off while the server is unreachable, says
    it is not listening, and stops at once when asked."""
    unreachable = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")

    async def scenario(broker: Broker) -> None:
        broker.subscribe([shared_topic(ALLIANCE)])
        assert not await broker.wait_listening(0.5)
        started = time.monotonic()
        broker.stop()
        # a liveness bound, far above the 1 s connect timeout it must not wait out again
        assert time.monotonic() - started < 20

    run(unreachable, scenario)


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: SQLite has no listener connection")
def test_the_listener_reconnects_and_asks_subscribers_to_reload(engine: Engine) -> None:
    """When the listener's connection is killed it reconnects; subscribers are told to
    reload (events may have been missed) and later changes arrive again."""
    later = uuid.uuid4()

    async def scenario(broker: Broker) -> None:
        subscription = await listening(broker, ORG_A)
        with engine.connect() as conn:
            killed = conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name"
                ),
                {"name": application_name()},
            ).all()
        assert killed, "the listener's connection was not found"
        assert await subscription.get(10) is RELOAD
        assert await broker.wait_listening(10)
        committed(engine, later)
        assert await ids_until(subscription, later) == []

    run(engine, scenario)
