"""The scheduler: runs the scheduled jobs (:data:`pactum.ops.tick.JOBS`) every
``PACTUM_SCHEDULER_SECONDS``, so time-driven changes happen when due with nobody
opening a page (TIME-1).

It runs inside ``pactum serve`` by default (a thread of each server process) or on its
own with ``pactum worker``; ``pactum tick`` runs the same jobs once, for cron. However
many processes and hosts run it, one leads at a time: on PostgreSQL the leader holds a
session-level advisory lock on a connection of its own (if that connection is lost, so
is the lead, and another process takes over); on SQLite, which one host serves, it holds
an exclusive lock on a file next to the database. The others wait and try again each
period. Every job is idempotent, so a change of leader never does anything twice.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from pactum.notify.mail import Mailer
from pactum.ops.tick import JobOutcome, run_tick
from pactum.settings import Settings

log = logging.getLogger("pactum.scheduler")

# The advisory lock is (ADVISORY_CLASS, hash of the schema): one leader per Pactum
# database, and instances kept in separate schemas of one database do not share it.
ADVISORY_CLASS = 0x50435453  # "PCTS"
LOCK_FILE = "scheduler.lock"
TRY_LOCK = text("SELECT pg_try_advisory_lock(:class_id, hashtext(current_schema()))")
UNLOCK = text("SELECT pg_advisory_unlock(:class_id, hashtext(current_schema()))")


class Leadership:
    """Whether this process leads the scheduling (see the module's docstring)."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._connection: Connection | None = None
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        """Whether the lead is held now (as far as this process knows)."""
        return self._connection is not None or self._file is not None

    def acquire(self) -> bool:
        """Take the lead if it is free (or keep it); ``False`` when another process has it."""
        if self.engine.dialect.name == "postgresql":
            return self._acquire_postgres()
        return self._acquire_file()

    def _acquire_postgres(self) -> bool:
        if self._connection is not None:
            try:  # still ours? a lost connection lost the lock with it
                self._connection.exec_driver_sql("SELECT 1")
                return True
            except Exception:
                log.warning("the scheduler's lock connection was lost")
                self.release()
        connection = self.engine.connect()
        try:
            got = connection.execute(TRY_LOCK, {"class_id": ADVISORY_CLASS}).scalar_one()
            connection.commit()
        except Exception:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def _acquire_file(self) -> bool:
        if self._file is not None:
            return True
        path = Path(self.settings.data_dir) / LOCK_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")  # noqa: SIM115  (held while leading)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        """Give the lead up (idempotent)."""
        if self._connection is not None:
            try:
                self._connection.execute(UNLOCK, {"class_id": ADVISORY_CLASS})
                self._connection.commit()
            except Exception:  # the connection is gone: so is the lock
                log.debug("advisory unlock failed", exc_info=True)
            finally:
                self._connection.close()
                self._connection = None
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Scheduler:
    """Runs the jobs every ``interval`` seconds while this process leads."""

    def __init__(
        self,
        engine: Engine,
        factory: sessionmaker[Session],
        settings: Settings,
        *,
        interval: float | None = None,
        mailer: Mailer | None = None,
    ) -> None:
        self.factory = factory
        self.settings = settings
        self.interval = interval if interval is not None else settings.scheduler_seconds
        self.mailer = mailer or Mailer(settings)
        self.leadership = Leadership(engine, settings)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def run_once(self) -> list[JobOutcome] | None:
        """One period: the jobs if this process leads (their outcomes), else ``None``."""
        try:
            if not self.leadership.acquire():
                return None
        except Exception:
            log.exception("the scheduler could not reach the database")
            return None
        outcomes = run_tick(self.factory, self.settings, mailer=self.mailer)
        self.runs += 1
        for outcome in outcomes:
            if outcome.result.failed:
                log.warning("scheduled job %s: %s", outcome.name, outcome.result.summary)
            elif outcome.result.acted:
                log.info("scheduled job %s: %s", outcome.name, outcome.result.summary)
        return outcomes

    def run_forever(self) -> None:
        """Run a period, then wait for the next, until :meth:`stop`."""
        try:
            while not self._stop.is_set():
                self.run_once()
                self._stop.wait(self.interval)
        finally:
            self.leadership.release()

    def start(self) -> None:
        """Run in a background thread (inside the server)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.run_forever, name="pactum-scheduler", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Ask the loop to end after the current period and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
