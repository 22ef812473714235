"""The application factory: the engine is made here, at start-up, never at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from pactum import __version__
from pactum.access import guard
from pactum.accounts import joining as accounts_joining
from pactum.accounts import pages as accounts_pages
from pactum.accounts import recovery as accounts_recovery
from pactum.agreements import api as agreements_api
from pactum.agreements import pages as agreements_pages
from pactum.alliances import api as alliances_api
from pactum.alliances import pages as alliances_pages
from pactum.core.db import make_engine, make_sessionmaker
from pactum.core.time import use_offset_file
from pactum.files import api as files_api
from pactum.files import pages as files_pages
from pactum.files.web import UploadCleanup
from pactum.governance import api_bodies as governance_bodies_api
from pactum.governance import api_decisions as governance_decisions_api
from pactum.governance import api_papers as governance_papers_api
from pactum.governance import feed as governance_feed
from pactum.governance import pages as governance_pages
from pactum.http import logs
from pactum.http.body_limit import BodyLimit
from pactum.http.db import install_read_only_guard
from pactum.http.headers import SecurityHeaders
from pactum.http.query import no_duplicate_json_keys, no_nul_in_query
from pactum.ledger import api as ledger_api
from pactum.ledger import pages as ledger_pages
from pactum.live import sse
from pactum.live.bus import Broker
from pactum.milestones import api as milestones_api
from pactum.milestones import pages as milestones_pages
from pactum.objectives import api as objectives_api
from pactum.objectives import pages as objectives_pages
from pactum.obligations import api as obligations_api
from pactum.obligations import deadlines
from pactum.obligations import pages as obligations_pages
from pactum.ops.scheduler import Scheduler
from pactum.orgs import api as orgs_api
from pactum.orgs import pages as orgs_pages
from pactum.scenarios import api as scenarios_api
from pactum.scenarios import pages as scenarios_pages
from pactum.settings import Settings, load_settings
from pactum.statements import api as statements_api
from pactum.statements import pages as statements_pages
from pactum.web import errors
from pactum.web.render import STATIC_DIR

API_DESCRIPTION = """
Pactum's JSON API. Authenticate with a personal token: `Authorization: Bearer pct_...`
(create one on your account page or with `pactum token create --user EMAIL`).

Errors are `{"error": code, "detail": ...}`; validation errors list `{"field", "rule"}`.
Reads of editable records return an `ETag`; updates require `If-Match` with it
(a stale version answers 412). Anything outside your party's view answers 404.
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While the app runs: its live-update broker, and the scheduler when it is on."""
    settings: Settings = app.state.settings
    scheduler = None
    if settings.scheduler:
        scheduler = Scheduler(app.state.engine, app.state.sessionmaker, settings)
        scheduler.start()
    try:
        async with sse.lifespan(app):
            yield
    finally:
        if scheduler is not None:
            scheduler.stop()


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the Pactum application."""
    settings = settings or load_settings()
    if settings.env == "test" and settings.test_clock_offset_file is not None:
        use_offset_file(settings.test_clock_offset_file)
    if engine is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.database_url)
    guard.install()
    logs.install()
    install_read_only_guard()
    app = FastAPI(
        title="Pactum API",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(no_nul_in_query), Depends(no_duplicate_json_keys)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.live = Broker(engine)
    deadlines.register_source("governance", governance_feed.events)
    for router in (
        orgs_api.router,
        alliances_api.router,
        objectives_api.router,
        scenarios_api.router,
        agreements_api.router,
        obligations_api.router,
        milestones_api.router,
        statements_api.router,
        ledger_api.router,
        governance_bodies_api.router,
        governance_decisions_api.router,
        governance_papers_api.router,
        files_api.router,
    ):
        app.include_router(router)
    for router in (
        accounts_pages.router,
        accounts_joining.router,
        accounts_recovery.router,
        orgs_pages.router,
        alliances_pages.router,
        objectives_pages.router,
        scenarios_pages.router,
        agreements_pages.router,
        obligations_pages.router,
        milestones_pages.router,
        statements_pages.router,
        ledger_pages.router,
        governance_pages.router,
        files_pages.router,
    ):
        app.include_router(router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(UploadCleanup)
    errors.install(app)  # its middleware sits inside the ones below
    app.add_middleware(BodyLimit)
    app.add_middleware(
        SecurityHeaders, hsts=settings.cookie_secure and settings.env == "production"
    )
    return app
