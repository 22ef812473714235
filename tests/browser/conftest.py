"""Real-browser fixtures: a migrated, seeded Pactum served by uvicorn on a free local port,
and a headless Chromium (the system's, never downloaded)."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pactum.audit.service import Actor
from pactum.main import create_app
from pactum.models import Organisation
from pactum.ops import demo
from pactum.orgs import service as orgs
from pactum.orgs.schemas import OrgCreate, PersonCreate
from pactum.settings import Settings
from tests.dbutil import fresh_database

CHROMIUM = os.environ.get("PACTUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "amber kettle orbit lantern"


@dataclass(frozen=True)
class Account:
    """A seeded person who signs in through the pages."""

    email: str
    name: str
    password: str = PASSWORD


@dataclass(frozen=True)
class Site:
    """The running instance and its seeded people."""

    url: str
    biotech: str
    pharma: str
    biotech_manager: Account
    biotech_colleague: Account
    pharma_admin: Account
    pharma_colleague: Account


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed(engine: Engine, site: dict[str, Account], names: dict[str, str]) -> None:
    system = Actor.system("browser tests")
    with Session(engine) as session:
        biotech = orgs.create_org(session, system, OrgCreate(name=names["biotech"]))
        pharma = orgs.create_org(session, system, OrgCreate(name=names["pharma"]))
        cast: list[tuple[str, Organisation, bool]] = [
            ("biotech_manager", biotech, False),
            ("biotech_colleague", biotech, False),
            ("pharma_admin", pharma, True),
            ("pharma_colleague", pharma, False),
        ]
        for key, org, is_admin in cast:
            account = site[key]
            orgs.create_user(
                session,
                system,
                org=org,
                data=PersonCreate(
                    email=account.email,
                    name=account.name,
                    is_admin=is_admin,
                    password=account.password,
                ),
            )
        session.commit()


@contextmanager
def _serving(settings: Settings, engine: Engine) -> Iterator[str]:
    """Serve Pactum on a free local port until the block ends; its base URL."""
    app = create_app(settings, engine=engine)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + float(os.environ.get("PACTUM_TEST_START_SECONDS", "180"))
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _settings(tmp: Path, url: str) -> Settings:
    return Settings(
        env="test", data_dir=tmp, database_url=url, cookie_secure=True, secret_key="x" * 40
    )


@contextmanager
def serve_pactum() -> Iterator[Site]:
    """Run a migrated, seeded Pactum on 127.0.0.1 until the block ends."""
    with (
        tempfile.TemporaryDirectory(prefix="pactum-e2e-") as tmp_name,
        fresh_database(Path(tmp_name), "e2e") as (url, engine),
    ):
        accounts = {
            "biotech_manager": Account("maya.chen@helix.example.com", "Maya Chen"),
            "biotech_colleague": Account("omar.haddad@helix.example.com", "Omar Haddad"),
            "pharma_admin": Account("lena.vogel@northwind.example.com", "Lena Vogel"),
            "pharma_colleague": Account("raj.patel@northwind.example.com", "Raj Patel"),
        }
        names = {"biotech": "Helix Biotherapeutics", "pharma": "Northwind Pharma"}
        _seed(engine, accounts, names)
        with _serving(_settings(Path(tmp_name), url), engine) as base:
            yield Site(url=base, biotech=names["biotech"], pharma=names["pharma"], **accounts)


@contextmanager
def serve_demo() -> Iterator[str]:
    """Run Pactum with the demo data (``pactum demo load``) until the block ends."""
    with (
        tempfile.TemporaryDirectory(prefix="pactum-demo-") as tmp_name,
        fresh_database(Path(tmp_name), "demo") as (url, engine),
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv("PACTUM_DATA_DIR", tmp_name)  # where the demo's paper file is stored
        env.delenv("PACTUM_FILES_DIR", raising=False)
        with Session(engine) as session:
            demo.load(session)
            session.commit()
        with _serving(_settings(Path(tmp_name), url), engine) as base:
            yield base


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    """Pactum running on 127.0.0.1 with two organisations and four people."""
    with serve_pactum() as running:
        yield running


# Package scope, not session: the sync driver keeps an event loop running in the main
# thread while it lives, and tests after the browser package (live updates, streamed
# uploads) start event loops of their own with asyncio.run().
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """A headless Chromium from the system (no download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium")
    launched = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    """A fresh browser profile (own cookies) for one test."""
    ctx = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A tab in the test's browser profile."""
    return context.new_page()
