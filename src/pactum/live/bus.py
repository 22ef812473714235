"""Publishing and subscribing to change events (no web framework here).

A service announces that a record changed with :func:`publish`, inside its transaction.
The event is delivered only if, and after, that transaction commits:

- on PostgreSQL ``SELECT pg_notify('pactum_live', ...)`` runs in the transaction; the
  server delivers it at commit to every process listening, never on rollback (nor from a
  rolled-back savepoint);
- on SQLite the event waits in ``session.info`` and reaches this process's brokers on the
  session's outermost ``after_commit``. Releasing a savepoint (``begin_nested``) is not a
  commit; rolling back a savepoint or the transaction discards what was published in it.
  In the test harness (sessions joined to an outer transaction with
  ``join_transaction_mode="create_savepoint"``) the session's own commit is the commit:
  events are delivered then, although the outer transaction is rolled back afterwards.

Topics mirror the access layer: a shared record's event goes to ``alliance:<id>:shared``,
a private record's only to ``alliance:<id>:org:<owner org>``. Payloads are
``{"kind", "id", "version"}``, never content: a page that hears of a change fetches itself
again, through the access layer.

Each app has one :class:`Broker`. On PostgreSQL it runs one listener thread with its own
connection (``LISTEN pactum_live``, reconnecting with back-off; subscribers are told to
reload after a reconnection, since events may have been missed), started with the first
subscription; on SQLite it receives this process's commits only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction

from pactum.live.listener import Listener

log = logging.getLogger("pactum.live")

CHANNEL = "pactum_live"
_PENDING = "pactum_live_pending"


def now_ms() -> int:
    """The server clock in milliseconds since the epoch (stamped on live pages)."""
    return int(time.time() * 1000)


def shared_topic(alliance_id: uuid.UUID) -> str:
    """The topic every party of the alliance hears."""
    return f"alliance:{alliance_id}:shared"


def party_topic(alliance_id: uuid.UUID, org_id: uuid.UUID) -> str:
    """The topic only one party of the alliance hears (its private records)."""
    return f"alliance:{alliance_id}:org:{org_id}"


def topic_for(alliance_id: uuid.UUID, visibility: str, owner_org_id: uuid.UUID) -> str:
    """Where a record's events go: the shared topic, or its owner party's topic."""
    if visibility == "shared":
        return shared_topic(alliance_id)
    if visibility == "private":
        return party_topic(alliance_id, owner_org_id)
    raise ValueError(f"unknown visibility {visibility!r}")


def topics_of(alliance_id: uuid.UUID, org_id: uuid.UUID) -> frozenset[str]:
    """What one party may hear in an alliance: the shared topic and its own."""
    return frozenset({shared_topic(alliance_id), party_topic(alliance_id, org_id)})


@dataclass(frozen=True)
class Event:
    """One message to a subscriber: ``change`` (with its payload), ``reload`` or ``closed``."""

    name: str
    data: Mapping[str, Any] = field(default_factory=dict)


RELOAD = Event("reload")
CLOSED = Event("closed")


# --- publishing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pending:
    transaction: SessionTransaction
    engine: Engine
    topic: str
    payload: str


def publish(
    session: Session,
    *,
    alliance_id: uuid.UUID,
    visibility: str,
    owner_org_id: uuid.UUID,
    kind: str,
    object_id: uuid.UUID,
    version: int | None = None,
) -> None:
    """Announce that a record changed; delivered only if and after the transaction commits."""
    topic = topic_for(alliance_id, visibility, owner_org_id)
    data = {"kind": kind, "id": str(object_id), "version": version}
    connection = session.connection()  # begins the transaction if none is open
    if connection.dialect.name == "postgresql":
        message = json.dumps({"topic": topic, "data": data})
        session.execute(
            text("SELECT pg_notify(:channel, :message)"), {"channel": CHANNEL, "message": message}
        )
        return
    _install_hooks()
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    # Kept as JSON text: identical events of one transaction are delivered once.
    pending.append(_Pending(transaction, connection.engine, topic, json.dumps(data)))


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the transaction may still roll back
    pending: list[_Pending] = session.info.pop(_PENDING, [])
    seen: set[tuple[str, str]] = set()
    for item in pending:
        if (item.topic, item.payload) in seen:
            continue  # like PostgreSQL: one delivery of identical events per transaction
        seen.add((item.topic, item.payload))
        for broker in _local_brokers(item.engine):
            broker.dispatch(item.topic, json.loads(item.payload))


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    pending: list[_Pending] | None = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [p for p in pending if not _within(p.transaction, previous)]


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)  # closed without a commit: nothing is delivered


_hooks_lock = threading.Lock()
_hooks_installed = False


def _install_hooks() -> None:
    global _hooks_installed
    with _hooks_lock:
        if not _hooks_installed:
            event.listen(Session, "after_commit", _after_commit)
            event.listen(Session, "after_soft_rollback", _after_soft_rollback)
            event.listen(Session, "after_transaction_end", _after_transaction_end)
            _hooks_installed = True


_local_lock = threading.Lock()
_local: weakref.WeakKeyDictionary[Engine, weakref.WeakSet[Broker]] = weakref.WeakKeyDictionary()


def _local_brokers(engine: Engine) -> list[Broker]:
    with _local_lock:
        return list(_local.get(engine, ()))


# --- subscribing ---------------------------------------------------------------------------


class Subscription:
    """One subscriber's bounded queue of events, bound to its event loop."""

    def __init__(
        self, broker: Broker, topics: frozenset[str], loop: asyncio.AbstractEventLoop, size: int
    ) -> None:
        self.topics = topics
        self.closed = False
        self._broker = broker
        self._loop = loop
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=max(1, size))

    def offer(self, item: Event) -> None:
        """Queue an event from any thread (never blocks)."""
        try:
            self._loop.call_soon_threadsafe(self._put, item)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            self._broker.unsubscribe(self)

    def _put(self, item: Event) -> None:
        if self.closed:
            return
        if item is CLOSED:
            self.closed = True
            _clear(self._queue)
            self._queue.put_nowait(CLOSED)
        elif self._queue.full():
            # Overflow: what was queued no longer matters, the page fetches itself anew.
            _clear(self._queue)
            self._queue.put_nowait(RELOAD)
        else:
            self._queue.put_nowait(item)

    async def get(self, timeout: float | None = None) -> Event | None:
        """The next event; ``None`` if ``timeout`` passes first; ``CLOSED`` once closed."""
        if not self._queue.empty():
            return self._queue.get_nowait()
        if self.closed:
            return CLOSED
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None

    def close(self) -> None:
        """Stop receiving (idempotent); a waiting :meth:`get` returns ``CLOSED``."""
        self._broker.unsubscribe(self)
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            self._put(CLOSED)
        else:
            self.offer(CLOSED)

    async def __aenter__(self) -> Subscription:
        """Use as ``async with broker.subscribe(...) as sub``."""
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Unsubscribe."""
        self.close()


def _clear(queue: asyncio.Queue[Event]) -> None:
    while not queue.empty():
        queue.get_nowait()


class Broker:
    """One per app: receives committed changes and hands them to the subscribed streams."""

    def __init__(self, engine: Engine, *, queue_size: int = 64) -> None:
        self.engine = engine
        self.queue_size = queue_size
        self.postgres = engine.dialect.name == "postgresql"
        self.running = False
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscription]] = {}
        self._last: dict[str, float] = {}
        self._reset_at = 0.0
        self._listening = threading.Event()
        self._listener: Listener | None = None

    # life cycle

    def start(self) -> None:
        """Begin receiving: in-process commits on SQLite; on PostgreSQL, the listener thread
        starts with the first subscription (an app that never streams holds no connection)."""
        if self.running:
            return
        self.running = True
        if not self.postgres:
            with _local_lock:
                _local.setdefault(self.engine, weakref.WeakSet()).add(self)
            self._reset_at = time.time()
            self._listening.set()

    def stop(self) -> None:
        """Stop receiving, end every subscription (their streams close) and join the thread."""
        if not self.running:
            return
        self.running = False
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
        with _local_lock:
            _local.get(self.engine, weakref.WeakSet()).discard(self)
        self._listening.clear()
        self.close_subscriptions()

    def close_subscriptions(self) -> None:
        """End every open subscription now (the server is shutting down)."""
        with self._lock:
            subscriptions = {s for group in self._subscribers.values() for s in group}
        for subscription in subscriptions:
            subscription.offer(CLOSED)

    # subscribers

    def subscribe(self, topics: Iterable[str]) -> Subscription:
        """Receive the events of ``topics`` on the running event loop until closed."""
        subscription = Subscription(
            self, frozenset(topics), asyncio.get_running_loop(), self.queue_size
        )
        with self._lock:
            for topic in subscription.topics:
                self._subscribers.setdefault(topic, set()).add(subscription)
            if self.postgres and self.running and self._listener is None:
                self._start_listener()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a subscription (idempotent)."""
        with self._lock:
            for topic in subscription.topics:
                group = self._subscribers.get(topic)
                if group is not None:
                    group.discard(subscription)
                    if not group:
                        del self._subscribers[topic]

    @property
    def listening(self) -> bool:
        """Whether events committed from now on will reach the subscribers."""
        return self._listening.is_set()

    async def wait_listening(self, timeout: float) -> bool:
        """Wait until :attr:`listening` (the listener connected), at most ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while not self._listening.is_set():
            if not self.running or time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    def last_change_ms(self, topics: Iterable[str]) -> int:
        """When an event of ``topics`` last arrived, or since when events may have been
        missed (start, reconnection), in milliseconds since the epoch."""
        with self._lock:
            latest = max([self._reset_at, *(self._last.get(t, 0.0) for t in topics)])
        return int(latest * 1000)

    def dispatch(self, topic: str, data: Mapping[str, Any]) -> None:
        """Hand one committed change to every subscriber of ``topic`` (never blocks)."""
        item = Event("change", dict(data))
        with self._lock:
            self._last[topic] = time.time()
            targets = list(self._subscribers.get(topic, ()))
        for subscription in targets:
            subscription.offer(item)

    # the PostgreSQL listener

    def _start_listener(self) -> None:
        self._listener = Listener(
            self.engine.url,
            CHANNEL,
            on_message=self.dispatch,
            on_listening=self._connected,
            on_lost=self._listening.clear,
        )
        self._listener.start()

    def _connected(self, reconnected: bool) -> None:
        """Listening (again): events before now may have been missed."""
        with self._lock:
            self._reset_at = time.time()
            subscriptions = {s for group in self._subscribers.values() for s in group}
        self._listening.set()
        if reconnected:
            for subscription in subscriptions:
                subscription.offer(RELOAD)
