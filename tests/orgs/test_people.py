"""ID-1 and ID-2: a person's name, password, second factor and sessions are theirs; an
organisation manages only its membership."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import open_alliance
from pactum.audit.service import Actor, org_chain
from pactum.auth import service as auth
from pactum.auth import tokens as api_tokens
from pactum.models import AuditEntry, Organisation, Signature, User, WebSession
from pactum.orgs import service as orgs
from pactum.settings import Settings
from pactum.signatures import service as sig
from pactum.web.session import COOKIE
from tests.conftest import PASSWORD, World
from tests.support import sign_in


def etag(client: TestClient, url: str, headers: dict[str, str]) -> str:
    """The ETag a GET answers."""
    return client.get(url, headers=headers).headers["ETag"]


def test_an_organisation_cannot_rename_its_member(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The API refuses a name in a membership edit; the page's edit form has no name and
    ignores one posted by hand."""
    person = world["a_contributor"]
    url = f"/api/v1/people/{person.user_id}"
    tag = etag(client, url, world["a_admin"].headers)
    refused = client.patch(
        url, headers={**world["a_admin"].headers, "If-Match": tag}, json={"name": "Mallory"}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "name"
    csrf = sign_in(client, db, settings, world["a_admin"])
    form = client.get(f"/people/{person.user_id}/edit")
    assert 'name="name"' not in form.text
    version = int(tag.strip('"'))
    client.post(
        f"/people/{person.user_id}/edit",
        data={"csrf_token": csrf, "version": str(version), "name": "Mallory", "title": "X"},
    )
    db.expire_all()
    assert db.get_one(User, person.user_id).name == "A Contributor"


def test_the_old_route_that_added_an_existing_account_is_gone(
    client: TestClient, db: Session, world: World
) -> None:
    """POST /api/v1/people (which silently added any existing account) no longer exists:
    C's administrator cannot be made a member of A without accepting."""
    response = client.post(
        "/api/v1/people",
        headers=world["a_admin"].headers,
        json={"email": "c_admin@example.com", "name": "X", "password": PASSWORD},
    )
    assert response.status_code == 405
    people = client.get("/api/v1/people", headers=world["a_admin"].headers).json()
    assert "c_admin@example.com" not in {p["email"] for p in people}


def test_a_person_renames_themselves_and_what_they_signed_keeps_the_old_name(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """PATCH /me changes the name (If-Match; a stale one is 412); a signature made before
    keeps its printed name and the audit trail keeps the name each entry was made with."""
    person = world["a_finance"]
    view = open_alliance(db, person.principal, world.alliance_id)
    object_id = uuid.uuid4()
    sig.sign(
        db,
        view,
        settings=settings,
        object_type="minutes",
        object_id=object_id,
        object_version=1,
        current_version=1,
        content={"v": 1},
        password=PASSWORD,
        printed_name="A Finance",
        meaning="approval",
        role="finance",
    )
    db.commit()
    tag = etag(client, "/api/v1/me", person.headers)
    renamed = client.patch(
        "/api/v1/me", headers={**person.headers, "If-Match": tag}, json={"name": "Ada Finance"}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Ada Finance"
    stale = client.patch(
        "/api/v1/me", headers={**person.headers, "If-Match": tag}, json={"name": "Other"}
    )
    assert stale.status_code == 412
    db.expire_all()
    signature = db.execute(
        select(Signature)
        .where(Signature.object_id == object_id)
        .execution_options(pactum_scoped=True)
    ).scalar_one()
    assert signature.printed_name == "A Finance"
    signed = db.execute(
        select(AuditEntry)
        .where(AuditEntry.action == "signature.sign")
        .where(AuditEntry.new_values.contains(str(object_id)))
    ).scalar_one()
    assert signed.actor_name == "A Finance"
    rename = db.execute(
        select(AuditEntry).where(
            AuditEntry.action == "person.rename", AuditEntry.object_id == str(person.user_id)
        )
    ).scalar_one()
    assert rename.chain == org_chain(world.orgs["A"])
    assert "A Finance" in rename.old_values
    assert "Ada Finance" in rename.new_values


def test_the_account_page_changes_ones_own_name(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The account page's name form renames its owner (and refuses a stale version)."""
    person = world["a_viewer"]
    csrf = sign_in(client, db, settings, person)
    version = db.get_one(User, person.user_id).version
    done = client.post(
        "/account/name",
        data={"csrf_token": csrf, "version": str(version), "name": "Vi Ewer"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    stale = client.post(
        "/account/name", data={"csrf_token": csrf, "version": str(version), "name": "Again"}
    )
    assert stale.status_code == 412
    db.expire_all()
    assert db.get_one(User, person.user_id).name == "Vi Ewer"


def test_deactivating_a_membership_ends_only_that_organisations_sessions_and_tokens(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """A person in A and C: C's administrator deactivates their membership of C; their
    session and token acting for A go on working, those acting for C end."""
    user = db.get_one(User, world["a_contributor"].user_id)
    orgs.provision_membership(
        db, Actor.system("test"), org=db.get_one(Organisation, world.orgs["C"]), user=user
    )
    token_a, web_a = auth.start_session(db, settings, user, client="test")
    token_c, web_c = auth.start_session(db, settings, user, client="test")
    web_c.org_id = world.orgs["C"]
    api_c, _ = api_tokens.create_token(db, settings, user=user, org_id=world.orgs["C"], name="c")
    db.commit()
    url = f"/api/v1/people/{user.id}"
    tag = etag(client, url, world["c_admin"].headers)
    off = client.patch(
        url, headers={**world["c_admin"].headers, "If-Match": tag}, json={"active": False}
    )
    assert off.status_code == 200, off.text
    db.expire_all()
    assert db.get_one(WebSession, web_a.id).revoked_at is None
    assert db.get_one(WebSession, web_c.id).revoked_at is not None
    assert client.get("/api/v1/me", headers=world["a_contributor"].headers).status_code == 200
    gone = client.get("/api/v1/me", headers={"Authorization": f"Bearer {api_c}"})
    assert gone.status_code == 401
    client.cookies.set(COOKIE, token_a)
    assert client.get("/alliances").status_code == 200
    client.cookies.set(COOKIE, token_c)
    assert client.get("/alliances", follow_redirects=False).status_code == 303


def test_the_organisation_keeps_one_administrator(client: TestClient, world: World) -> None:
    """An administrator cannot demote or deactivate themselves (the last one standing)."""
    admin = world["a_admin"]
    url = f"/api/v1/people/{admin.user_id}"
    for change in ({"is_admin": False}, {"active": False}):
        tag = etag(client, url, admin.headers)
        refused = client.patch(url, headers={**admin.headers, "If-Match": tag}, json=change)
        assert refused.status_code == 409
