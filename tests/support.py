"""Helpers shared by tests: signed-in web clients, extra records, route enumeration."""

from __future__ import annotations

import re
import uuid
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.access import open_alliance
from pactum.alliances import service as alliances
from pactum.alliances.schemas import AllianceCreate, MemberCreate, PartnerIn
from pactum.auth.service import start_session
from pactum.models import User
from pactum.objectives import service as objectives
from pactum.objectives.schemas import ObjectiveCreate
from pactum.scenarios import service as scenarios
from pactum.scenarios.schemas import ScenarioCreate
from pactum.settings import Settings
from pactum.web.session import COOKIE
from tests.conftest import Person, World
from tests.valuation.cases import FAIR


def sign_in(client: TestClient, db: Session, settings: Settings, person: Person) -> str:
    """Give the client a web session for ``person``; returns the session's CSRF token."""
    user = db.get(User, person.user_id)
    assert user is not None
    token, web = start_session(db, settings, user, client="test")
    db.commit()
    client.cookies.set(COOKIE, token)
    return web.csrf_token


def objective(db: Session, world: World, owner: str, title: str, visibility: str) -> uuid.UUID:
    """Create an objective in the shared alliance as ``owner`` and commit it."""
    view = open_alliance(db, world[owner].principal, world.alliance_id)
    created = objectives.create_objective(
        db, view, ObjectiveCreate.model_validate({"title": title, "visibility": visibility})
    )
    db.commit()
    return created.id


def private_objective(db: Session, world: World, owner: str, title: str) -> uuid.UUID:
    """An objective private to ``owner``'s party in the shared alliance."""
    return objective(db, world, owner, title, "private")


def shared_objective(db: Session, world: World, owner: str, title: str) -> uuid.UUID:
    """A shared objective in the shared alliance."""
    return objective(db, world, owner, title, "shared")


def alliance_without_b(db: Session, world: World) -> tuple[uuid.UUID, uuid.UUID]:
    """An alliance proposed by A to C (not yet accepted): (alliance id, A's member id)."""
    alliance = alliances.create_alliance(
        db,
        world["a_manager"].principal,
        AllianceCreate(
            name="A and C, pending",
            types=["licensing"],
            my_role="licensor",
            partners=[PartnerIn(org_id=world.orgs["C"], role="licensee")],
        ),
    )
    view = open_alliance(db, world["a_manager"].principal, alliance.id)
    member = alliances.add_member(
        db, view, MemberCreate(user_id=world["a_contributor"].user_id, role="contributor")
    )
    db.commit()
    return alliance.id, member.id


def invitation_to_a(db: Session, world: World) -> uuid.UUID:
    """An alliance proposed by C to A; returns A's party (invitation) id."""
    alliance = alliances.create_alliance(
        db,
        world["c_admin"].principal,
        AllianceCreate(
            name="C invites A",
            types=["research_collaboration"],
            my_role="partner",
            partners=[PartnerIn(org_id=world.orgs["A"], role="originator")],
        ),
    )
    view = open_alliance(db, world["c_admin"].principal, alliance.id)
    party = next(p for p in view.alliance.parties if p.org_id == world.orgs["A"])
    db.commit()
    return party.id


def private_scenario(db: Session, world: World, owner: str) -> uuid.UUID:
    """A valuation scenario private to ``owner``'s party in the shared alliance."""
    view = open_alliance(db, world[owner].principal, world.alliance_id)
    scenario = scenarios.create_scenario(
        db, view, ScenarioCreate(name="A's own valuation", deal=FAIR, trials=1000)
    )
    db.commit()
    return scenario.id


def page_text(html: str) -> str:
    """A page's text without tags, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
