"""Live updates across server processes: the pieces shared by the benchmark and the tests.

- :func:`seed`: two organisations sharing an accepted alliance, one alliance manager each
  with an API token and a web session (committed);
- :class:`ServerProcess`: ``python -m uvicorn --factory pactum.main:create_app`` on a free
  local port, configured by ``PACTUM_*`` variables like any deployment;
- :class:`EventStreamClient`: reads one ``/alliances/<id>/live`` stream in a thread and
  stamps each event with its arrival time (``time.perf_counter()``).
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.alliances import service as alliances
from pactum.alliances.schemas import AllianceCreate, PartnerIn
from pactum.audit.service import Actor
from pactum.auth.service import active_memberships, principal_for, start_session
from pactum.auth.tokens import create_token
from pactum.models import AllianceParty
from pactum.orgs import service as orgs
from pactum.orgs.schemas import OrgCreate, PersonCreate
from pactum.settings import Settings
from pactum.web.session import COOKIE

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "amber kettle orbit lantern"


def start_seconds() -> float:
    """How long a server process may take to start (``PACTUM_TEST_START_SECONDS``)."""
    return float(os.environ.get("PACTUM_TEST_START_SECONDS", "180"))


@dataclass(frozen=True)
class Party:
    """One party's alliance manager: API token and web-session cookie."""

    org_id: uuid.UUID
    user_id: uuid.UUID
    token: str
    cookie: str
    csrf: str

    @property
    def headers(self) -> dict[str, str]:
        """Authorization header for the API."""
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class LiveWorld:
    """The seeded alliance and its two parties."""

    alliance_id: uuid.UUID
    a: Party
    b: Party


def seed(engine: Engine, settings: Settings) -> LiveWorld:
    """Two organisations, an accepted alliance between them, a manager on each side."""
    system = Actor.system("live updates")
    suffix = uuid.uuid4().hex[:8]
    with Session(engine) as session:
        people = []
        for key in ("a", "b"):
            org = orgs.create_org(session, system, OrgCreate(name=f"Live {key.upper()} {suffix}"))
            user = orgs.create_user(
                session,
                system,
                org=org,
                data=PersonCreate(
                    email=f"live-{key}-{suffix}@example.com",
                    name=f"Manager {key.upper()}",
                    is_admin=True,
                    password=PASSWORD,
                ),
            )
            session.flush()
            people.append((org, user, principal_for(user, active_memberships(session, user.id)[0])))
        (org_a, user_a, principal_a), (org_b, user_b, principal_b) = people
        alliance = alliances.create_alliance(
            session,
            principal_a,
            AllianceCreate(
                name=f"Live co-development {suffix}",
                types=["co_development"],
                my_role="licensor",
                partners=[PartnerIn(org_id=org_b.id, role="licensee")],
            ),
        )
        party_b = session.execute(
            system_scope(
                select(AllianceParty.id).where(
                    AllianceParty.alliance_id == alliance.id, AllianceParty.org_id == org_b.id
                )
            )
        ).scalar_one()
        alliances.respond_invitation(session, principal_b, party_b, accept=True)
        parties = []
        for org, user in ((org_a, user_a), (org_b, user_b)):
            token, _ = create_token(session, settings, user=user, org_id=org.id, name="live")
            cookie, web = start_session(session, settings, user, client="live")
            parties.append(Party(org.id, user.id, token, cookie, web.csrf_token))
        session.commit()
        return LiveWorld(alliance.id, parties[0], parties[1])


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """One Pactum server process on the given database, until the block ends: uvicorn
    itself, or ``pactum serve`` (with its scheduler) when ``serve``; its output goes to
    ``log`` when given."""

    def __init__(
        self,
        database_url: str,
        data_dir: Path,
        secret_key: str,
        *,
        env: dict[str, str] | None = None,
        serve: bool = False,
        log: Path | None = None,
        graceful_seconds: int = 5,
    ) -> None:
        self.graceful_seconds = graceful_seconds
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PACTUM_ENV": "test",
            "PACTUM_DATABASE_URL": database_url,
            "PACTUM_DATA_DIR": str(data_dir),
            "PACTUM_SECRET_KEY": secret_key,
            **(env or {}),
        }
        self.serve = serve
        self.log = log
        self._log_file: Any = None
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ServerProcess:
        """Start the process and wait until it answers."""
        self.start()
        self.wait_ready()
        return self

    def start(self) -> None:
        """Start the process (without waiting for it)."""
        output: Any = None
        if self.log is not None:
            output = self._log_file = open(self.log, "ab")  # noqa: SIM115  (closed on exit)
        if self.serve:
            command = [sys.executable, "-m", "pactum.cli.main", "serve"]
            command += ["--host", "127.0.0.1", "--port", str(self.port)]
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=output, stderr=output
            )
            return
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "pactum.main:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            str(self.graceful_seconds),
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=output, stderr=output
        )

    def wait_ready(self, timeout: float | None = None) -> None:
        """Wait until the server answers (at most ``timeout`` seconds, by default
        ``PACTUM_TEST_START_SECONDS``: 180, generous for a loaded machine)."""
        assert self.process is not None
        limit = timeout if timeout is not None else start_seconds()
        deadline = time.monotonic() + limit
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/static/pactum.js", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"the server did not start within {timeout:.0f} s")
            time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 15 s)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


@contextmanager
def servers(
    count: int, database_url: str, data_dir: Path, secret_key: str
) -> Iterator[list[ServerProcess]]:
    """``count`` server processes on one database, started together."""
    running = [ServerProcess(database_url, data_dir, secret_key) for _ in range(count)]
    try:
        for server in running:
            server.start()
        for server in running:
            server.wait_ready()
        yield running
    finally:
        for server in running:
            server.__exit__()


@dataclass(frozen=True)
class Received:
    """One server-sent event and when it arrived."""

    name: str
    data: dict[str, Any]
    arrived: float


@dataclass
class EventStreamClient:
    """Reads ``GET /alliances/<id>/live`` in a thread; events queue up with their arrival."""

    base_url: str
    alliance_id: uuid.UUID
    cookie: str
    events: queue.Queue[Received] = field(default_factory=queue.Queue)
    status: int = 0

    def __enter__(self) -> EventStreamClient:
        """Connect and wait for the ``ready`` event (the subscription is then live)."""
        host, port = self.base_url.removeprefix("http://").split(":")
        self._conn = http.client.HTTPConnection(host, int(port), timeout=30)
        self._conn.request(
            "GET",
            f"/alliances/{self.alliance_id}/live",
            headers={"Accept": "text/event-stream", "Cookie": f"{COOKIE}={self.cookie}"},
        )
        self._response = self._conn.getresponse()
        self.status = self._response.status
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        ready = self.next(timeout=15)
        if ready is None or ready.name != "ready":
            self.__exit__()
            raise RuntimeError(f"no ready event (status {self.status}, got {ready})")
        return self

    def _read(self) -> None:
        buffer = b""
        name, data = "message", ""
        try:
            while chunk := self._response.read1(65536):
                buffer += chunk
                while b"\n" in buffer:
                    raw, buffer = buffer.split(b"\n", 1)
                    line = raw.decode().rstrip("\r")
                    if line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        data += line[5:].strip()
                    elif line == "":
                        if data:
                            arrived = time.perf_counter()
                            self.events.put(Received(name, json.loads(data), arrived))
                        name, data = "message", ""
        except (OSError, ValueError, http.client.HTTPException):
            pass  # closed by __exit__, or by the server
        self.events.put(Received("end", {}, time.perf_counter()))

    def next(self, timeout: float) -> Received | None:
        """The next event, or ``None`` after ``timeout`` seconds."""
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def wait_for(self, object_id: uuid.UUID | str, timeout: float) -> Received | None:
        """The first ``change`` of ``object_id`` within ``timeout`` s (others are dropped)."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            item = self.next(remaining)
            if item is not None and item.name == "change" and item.data["id"] == str(object_id):
                return item
        return None

    def __exit__(self, *exc: object) -> None:
        """Disconnect."""
        sock = self._conn.sock
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)  # the reader sees the end of the stream
        self._conn.close()
