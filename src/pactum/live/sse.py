"""Server-sent events: one subscription streamed as ``text/event-stream``, and the app's
lifespan that runs the broker.

A stream sends ``retry:`` and an ``event: ready`` (``{"last": ms}``: when an event of its
topics last arrived, so a page rendered earlier knows it may be stale) once the broker is
listening, then ``event: change`` / ``data: {"kind", "id", "version"}`` per change,
``event: reload`` when events may have been lost, and a comment every ~15 s. It ends when
the client disconnects, when the server shuts down, after ``max_seconds`` (the browser
reconnects by itself, and access is checked again), or as soon as ``recheck`` says the
listener may no longer listen (signed out, deactivated, removed from the alliance): it is
asked at most every ``recheck_seconds``, before a change is sent and at each heartbeat, so
nothing is sent more than that long after access ended. No database session is held
between checks.
"""

from __future__ import annotations

import asyncio
import json
import signal
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from types import FrameType
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from pactum.live.bus import CLOSED, Broker, Event, Subscription

HEARTBEAT_SECONDS = 15.0
RECHECK_SECONDS = 2.0
RETRY_MS = 3000
READY_TIMEOUT_SECONDS = 10.0
HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def wants_event_stream(accept: str) -> bool:
    """Whether an ``Accept`` header asks for ``text/event-stream`` (as EventSource does)."""
    return any(part.split(";")[0].strip() == "text/event-stream" for part in accept.split(","))


def encode(item: Event) -> bytes:
    """One event in the ``text/event-stream`` format."""
    data = json.dumps(dict(item.data), separators=(",", ":"))
    return f"event: {item.name}\ndata: {data}\n\n".encode()


class EventStream(Response):
    """A ``text/event-stream`` response of the changes of ``topics``."""

    media_type = "text/event-stream"

    def __init__(
        self,
        broker: Broker,
        topics: Iterable[str],
        *,
        max_seconds: float,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        recheck: Callable[[], bool] | None = None,
        recheck_seconds: float = RECHECK_SECONDS,
    ) -> None:
        self.broker = broker
        self.topics = frozenset(topics)
        self.max_seconds = max_seconds
        self.heartbeat_seconds = heartbeat_seconds
        self.recheck = recheck
        self.recheck_seconds = recheck_seconds
        self.status_code = 200
        self.background = None
        self.init_headers(HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Subscribe, stream until the end, unsubscribe."""
        subscription = self.broker.subscribe(self.topics)
        watcher = asyncio.ensure_future(_close_on_disconnect(receive, subscription))
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            if await self.broker.wait_listening(READY_TIMEOUT_SECONDS):
                await self._stream(send, subscription)
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the client went away while we were writing
        finally:
            subscription.close()
            watcher.cancel()
            with suppress(asyncio.CancelledError):
                await watcher

    async def _stream(self, send: Send, subscription: Subscription) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_seconds
        ready = json.dumps({"last": self.broker.last_change_ms(self.topics)})
        await _body(send, f"retry: {RETRY_MS}\nevent: ready\ndata: {ready}\n\n".encode())
        checked = loop.time()
        while (remaining := deadline - loop.time()) > 0:
            item = await subscription.get(min(self.heartbeat_seconds, remaining))
            if item is CLOSED:
                return
            if self.recheck is not None and loop.time() - checked >= self.recheck_seconds:
                if not await run_in_threadpool(self.recheck):
                    return  # access ended: the browser's reconnection is refused
                checked = loop.time()
            if item is None:
                if deadline - loop.time() > 0:
                    await _body(send, b": keep-alive\n\n")
            else:
                await _body(send, encode(item))


async def _body(send: Send, chunk: bytes) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": True})


async def _close_on_disconnect(receive: Receive, subscription: Subscription) -> None:
    """End the stream when the client leaves, or when ``receive`` fails (the connection
    is then unusable; the stream ends quietly rather than with a traceback)."""
    try:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
    except Exception:  # the client is gone: nothing to report
        return
    finally:
        subscription.close()


@contextmanager
def streams_end_on_signals(broker: Broker) -> Iterator[None]:
    """End every stream on SIGINT/SIGTERM, then let the server's own handler run.

    Uvicorn waits for open responses before its lifespan shutdown; without this an open
    stream would hold a graceful shutdown. Only in the main thread (elsewhere, no-op).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        broker.close_subscriptions()
        before = previous.get(signum)
        if callable(before):
            before(signum, frame)
        elif before in (None, signal.SIG_DFL):
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)

    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.getsignal(signum)
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for number, before in previous.items():
            if signal.getsignal(number) is handler:
                signal.signal(number, signal.SIG_DFL if before is None else before)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Run the app's live-update broker (``app.state.live``) while the app runs."""
    broker: Broker = app.state.live
    broker.start()
    try:
        with streams_end_on_signals(broker):
            yield
    finally:
        broker.stop()
