"""The PostgreSQL side of the live-update broker: one thread, one dedicated connection.

The thread connects (autocommit), runs ``LISTEN`` on the channel and hands every
notification to the broker. When the connection drops it reconnects with exponential
back-off (0.1 s doubling up to 5 s) and says so, so the broker can ask its subscribers to
reload (events may have been missed meanwhile). A keep-alive query after 10 s of silence
notices a connection that died quietly; :meth:`Listener.stop` wakes the thread through a
pipe, so stopping never waits on a timeout.
"""

from __future__ import annotations

import json
import logging
import os
import select
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import URL

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger("pactum.live")

KEEPALIVE_SECONDS = 10.0
FIRST_BACKOFF_SECONDS = 0.1
MAX_BACKOFF_SECONDS = 5.0


def application_name() -> str:
    """How this process's listener shows in ``pg_stat_activity``."""
    return f"pactum-live {os.getpid()}"


def conninfo(url: URL) -> str:
    """A libpq connection string for a SQLAlchemy PostgreSQL URL (options kept)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """A thread that LISTENs on ``channel`` and hands each notification to ``on_message``."""

    def __init__(
        self,
        url: URL,
        channel: str,
        *,
        on_message: Callable[[str, dict[str, Any]], None],
        on_listening: Callable[[bool], None],
        on_lost: Callable[[], None],
    ) -> None:
        self.url = url
        self.channel = channel
        self.on_message = on_message
        self.on_listening = on_listening
        self.on_lost = on_lost
        self._stopping = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        self._thread = threading.Thread(target=self._run, name="pactum-live", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Wake the thread, wait for it to end and release the pipe."""
        self._stopping.set()
        os.write(self._wake_write, b"x")
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("live updates: the listener thread did not stop in time")
            return
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _run(self) -> None:
        import psycopg

        backoff = FIRST_BACKOFF_SECONDS
        reconnected = False
        while not self._stopping.is_set():
            try:
                conn = psycopg.connect(
                    conninfo(self.url),
                    autocommit=True,
                    connect_timeout=5,
                    application_name=application_name(),
                )
            except psycopg.Error as exc:
                log.warning("live updates: cannot connect (%s); retrying in %.1f s", exc, backoff)
                if self._stopping.wait(backoff):
                    return
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            try:
                conn.execute(f"LISTEN {self.channel}")
                backoff = FIRST_BACKOFF_SECONDS
                self.on_listening(reconnected)
                reconnected = True
                self._pump(conn)
            except psycopg.Error as exc:
                log.warning("live updates: lost the database connection (%s); reconnecting", exc)
            finally:
                self.on_lost()
                conn.close()

    def _pump(self, conn: psycopg.Connection[Any]) -> None:
        """Hand over notifications until stopped; raises when the connection drops."""
        sock = conn.pgconn.socket
        while not self._stopping.is_set():
            readable, _, _ = select.select([sock, self._wake_read], [], [], KEEPALIVE_SECONDS)
            if self._wake_read in readable:
                return
            if not readable:
                conn.execute("SELECT 1")  # notices a dead connection; may queue notifies
            for notify in conn.notifies(timeout=0):
                self._receive(notify.payload)

    def _receive(self, message: str) -> None:
        try:
            decoded = json.loads(message)
            topic, data = decoded["topic"], decoded["data"]
            if not isinstance(topic, str) or not isinstance(data, dict):
                raise TypeError("topic must be a string and data an object")
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("live updates: ignored a malformed notification (%s)", exc)
            return
        self.on_message(topic, data)
