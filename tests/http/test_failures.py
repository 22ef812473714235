"""Failures are clean: a 500 carries the security headers and leaves the connection
usable; an unreachable database answers 503 with Retry-After and the error body."""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pactum.alliances import service as alliances
from pactum.core.db import make_engine
from pactum.main import create_app
from pactum.settings import Settings
from tests.conftest import World
from tests.support import sign_in

HDR_1 = ("content-security-policy", "x-content-type-options", "referrer-policy", "cache-control")


def boom(*_args: object, **_kwargs: object) -> None:
    """A service that fails unexpectedly."""
    raise RuntimeError("boom")


def boom_route() -> None:
    """A route that fails unexpectedly."""
    raise RuntimeError("boom")


def test_a_500_carries_the_security_headers_on_the_api_and_pages(
    client: TestClient,
    db: object,
    settings: Settings,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unexpected error answers 500 with the error body and every HDR-1 header."""
    monkeypatch.setattr(alliances, "member_names", boom)
    api = client.get(
        f"/api/v1/alliances/{world.alliance_id}/members", headers=world["a_manager"].headers
    )
    monkeypatch.setattr(alliances, "list_members", boom)
    api = client.get(
        f"/api/v1/alliances/{world.alliance_id}/members", headers=world["a_manager"].headers
    )
    assert api.status_code == 500
    assert api.json() == {
        "error": "internal_error",
        "detail": "Something went wrong on our side; it was logged.",
    }
    for name in HDR_1:
        assert name in api.headers, name
    assert "frame-ancestors 'none'" in api.headers["content-security-policy"]
    sign_in(client, db, settings, world["a_manager"])  # type: ignore[arg-type]
    page = client.get(f"/alliances/{world.alliance_id}")
    assert page.status_code == 500
    assert "Something went wrong" in page.text
    for name in HDR_1:
        assert name in page.headers, name
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:9/pactum?connect_timeout=2",
        "sqlite:///{tmp}/no/such/dir/x.db",
    ],
)
def test_an_unreachable_database_answers_503_with_retry_after(url: str, tmp_path: Path) -> None:
    """Nothing answers on the database's address: the API says 503 service_unavailable
    with Retry-After; a page says so too; both carry the security headers."""
    url = url.format(tmp=tmp_path)
    settings = Settings(env="test", data_dir=tmp_path, database_url=url, secret_key="u" * 40)
    app = create_app(settings, engine=make_engine(url))
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        api = c.get("/api/v1/alliances", headers={"Authorization": "Bearer pct_" + "x" * 43})
        assert api.status_code == 503
        assert api.headers["retry-after"] == "5"
        assert api.json()["error"] == "service_unavailable"
        c.cookies.set("pactum_session", "y" * 43)
        page = c.get("/alliances")
        assert page.status_code == 503
        assert page.headers["retry-after"] == "5"
        assert "cannot be reached" in page.text
        for name in HDR_1:
            assert name in api.headers
            assert name in page.headers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(shared_app: FastAPI) -> Iterator[tuple[str, int]]:
    """The suite's app served by uvicorn in a thread, with a route that fails."""
    app = shared_app
    if not any(getattr(r, "path", "") == "/test-only/boom" for r in app.routes):
        app.add_api_route("/test-only/boom", boom_route, include_in_schema=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + float(os.environ.get("PACTUM_TEST_START_SECONDS", "180"))
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(5)


def test_the_connection_stays_usable_after_a_500(live_server: tuple[str, int]) -> None:
    """A keep-alive connection answers the next request after a 500."""
    host, port = live_server
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", "/test-only/boom")
    failed = connection.getresponse()
    failed.read()
    assert failed.status == 500
    assert failed.getheader("content-security-policy")
    assert failed.getheader("connection", "").lower() != "close"
    connection.request("GET", "/login")
    again = connection.getresponse()
    again.read()
    assert again.status == 200
    connection.close()
