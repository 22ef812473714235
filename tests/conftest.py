"""Test fixtures: one migrated database per run, one rolled-back transaction per test.

The suite runs on SQLite by default and on PostgreSQL when ``PACTUM_TEST_DATABASE_URL``
is set (each run then works in a fresh schema that is dropped afterwards).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from pactum.access import Principal, guard, open_alliance, system_scope
from pactum.alliances import service as alliances
from pactum.alliances.schemas import AllianceCreate, MemberCreate, PartnerIn
from pactum.audit.service import Actor
from pactum.auth import tokens as api_tokens
from pactum.auth.service import active_memberships, principal_for
from pactum.main import create_app
from pactum.models import AllianceParty, Organisation, User
from pactum.orgs import service as orgs
from pactum.orgs.schemas import OrgCreate, PersonCreate
from pactum.settings import Settings
from tests.dbutil import fresh_database

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the test instance."""
    tmp = tmp_path_factory.mktemp("pactum")
    return Settings(
        env="test",
        data_dir=tmp,
        database_url="sqlite:///unused",
        secret_key="t" * 40,
        cookie_secure=True,
    )


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated database for the whole run (alembic upgrade head: migrations are tested)."""
    with fresh_database(settings.data_dir, "test") as (url, eng):
        settings.database_url = url
        guard.install()
        yield eng


@dataclass
class Person:
    """A seeded person: their user, principal and API token."""

    email: str
    user_id: uuid.UUID
    org_id: uuid.UUID
    token: str
    principal: Principal

    @property
    def headers(self) -> dict[str, str]:
        """Authorization headers for the API."""
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    """Three organisations; A and B share an alliance, C is outside it."""

    orgs: dict[str, uuid.UUID] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    alliance_id: uuid.UUID = field(default_factory=uuid.uuid4)
    pending_party_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __getitem__(self, key: str) -> Person:
        return self.people[key]


# key -> (org, is_admin, alliance role or None)
CAST = {
    "a_admin": ("A", True, None),
    "a_manager": ("A", False, "alliance_manager"),
    "a_contributor": ("A", False, "contributor"),
    "a_viewer": ("A", False, "viewer"),
    "a_finance": ("A", False, "finance"),
    "a_outsider": ("A", False, None),
    "b_admin": ("B", True, None),
    "b_manager": ("B", False, "alliance_manager"),
    "b_contributor": ("B", False, "contributor"),
    "b_finance": ("B", False, "finance"),
    "c_admin": ("C", True, None),
}
ORG_NAMES = {"A": "Helix Test Bio", "B": "Meridian Test Pharma", "C": "Outside Test Labs"}


def _build_world(session: Session, settings: Settings) -> World:
    world = World()
    system = Actor.system("test")
    for key, name in ORG_NAMES.items():
        world.orgs[key] = orgs.create_org(session, system, OrgCreate(name=name)).id
    users: dict[str, User] = {}
    for key, (org_key, is_admin, _role) in CAST.items():
        org = session.get(Organisation, world.orgs[org_key])
        users[key] = orgs.create_user(
            session,
            system,
            org=org,
            data=PersonCreate(
                email=f"{key}@example.com",
                name=key.replace("_", " ").title(),
                is_admin=is_admin,
                password=PASSWORD,
            ),
        )
    session.flush()

    def principal(key: str) -> Principal:
        user = users[key]
        membership = active_memberships(session, user.id)[0]
        return principal_for(user, membership)

    alliance = alliances.create_alliance(
        session,
        principal("a_manager"),
        AllianceCreate(
            name="Test co-development",
            types=["co_development"],
            therapeutic_area="Oncology",
            my_role="licensor",
            partners=[PartnerIn(org_id=world.orgs["B"], role="licensee")],
        ),
    )
    world.alliance_id = alliance.id
    party_b = session.execute(
        system_scope(
            select(AllianceParty.id).where(
                AllianceParty.alliance_id == alliance.id,
                AllianceParty.org_id == world.orgs["B"],
            )
        )
    ).scalar_one()
    alliances.respond_invitation(
        session, principal("b_admin"), party_b, accept=True, manager_user_id=users["b_manager"].id
    )
    for owner, manager in (("A", "a_manager"), ("B", "b_manager")):
        view = open_alliance(session, principal(manager), alliance.id)
        for key, (org_key, _admin, role) in CAST.items():
            if org_key == owner and role and role != "alliance_manager":
                alliances.add_member(session, view, MemberCreate(user_id=users[key].id, role=role))
    for key in CAST:
        p = principal(key)
        assert p.org_id is not None
        raw, _ = api_tokens.create_token(
            session, settings, user=users[key], org_id=p.org_id, name="t"
        )
        world.people[key] = Person(f"{key}@example.com", users[key].id, p.org_id, raw, p)
    return world


@pytest.fixture(scope="session")
def world(engine: Engine, settings: Settings) -> World:
    """The seeded organisations, people, tokens and shared alliance (committed once)."""
    with Session(engine) as session:
        built = _build_world(session, settings)
        session.commit()
    return built


@pytest.fixture
def connection(engine: Engine, world: World) -> Iterator[Connection]:
    """A connection whose outer transaction is rolled back after the test."""
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture
def factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions joined to the test's transaction (their commits become savepoints)."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session inside the test's transaction."""
    with factory() as session:
        yield session


@pytest.fixture(scope="session")
def shared_app(engine: Engine, settings: Settings) -> FastAPI:
    """One application per worker: FastAPI builds a route's dependencies on an app's first
    request to it, so a fresh app per test would pay that for every route again."""
    return create_app(settings, engine=engine)


@pytest.fixture
def app(shared_app: FastAPI, factory: sessionmaker[Session]) -> Iterator[FastAPI]:
    """The application, bound to the test's transaction."""
    original = shared_app.state.sessionmaker
    shared_app.state.sessionmaker = factory
    yield shared_app
    shared_app.state.sessionmaker = original


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An HTTPS test client (cookies are Secure)."""
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def strict_client(app: FastAPI) -> Iterator[TestClient]:
    """A test client that re-raises server errors (to see their traceback)."""
    with TestClient(app, base_url="https://testserver") as c:
        yield c


# Test modules that start server processes (or serve HTTP from a thread): the fast lane
# (make test-fast) leaves them out, with the browser and slow tests.
SERVER_MODULES = frozenset(
    {
        "tests/ops/test_scheduler_process.py",
        "tests/live/test_live_processes.py",
        "tests/governance/test_live_decisions.py",
        "tests/http/test_failures.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests and the server tests by where they live."""
    root = Path(str(config.rootpath))
    for item in items:
        where = Path(str(item.path)).relative_to(root).as_posix()
        if where.startswith("tests/browser/"):
            item.add_marker(pytest.mark.browser)
        if where in SERVER_MODULES:
            item.add_marker(pytest.mark.server)
