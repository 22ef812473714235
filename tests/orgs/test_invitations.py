"""ID-1: adding a person to an organisation is an invitation the person accepts, and the
inviter learns nothing of an existing account before that."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pactum.auth import totp
from pactum.core.time import frozen, utcnow
from pactum.models import AuditEntry, OrgInvitation, OrgMembership, User
from pactum.notify.mail import Email
from pactum.ops.account_mail import send_invitations
from pactum.orgs import invitations
from pactum.settings import Settings
from pactum.web.session import PRE_COOKIE
from tests.conftest import PASSWORD, World
from tests.support import sign_in

VOLATILE = {"id", "email", "created_at", "expires_at"}


class CapturingMailer:
    """A mailer that keeps what it would send."""

    configured = True

    def __init__(self) -> None:
        self.sent: list[Email] = []

    def send(self, email: Email) -> bool:
        """Keep the message."""
        self.sent.append(email)
        return True


def invite(client: TestClient, world: World, email: str, **extra: Any) -> dict[str, Any]:
    """Invite ``email`` to A as A's administrator (API); the answer's body."""
    response = client.post(
        "/api/v1/people/invitations",
        headers=world["a_admin"].headers,
        json={"email": email, **extra},
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def link_of(
    factory: sessionmaker[Session], settings: Settings, email: str
) -> tuple[str, OrgInvitation]:
    """The invitation e-mail's link token (sent through the scheduler's mailing job)."""
    mailer = CapturingMailer()
    send_invitations(factory, mailer, settings)  # type: ignore[arg-type]
    message = next(m for m in mailer.sent if m.to == email)
    token = re.search(r"/join\?token=([\w-]+)", message.text)
    assert token is not None, message.text
    with factory() as session:
        invitation = session.execute(
            select(OrgInvitation).where(OrgInvitation.email == email)
        ).scalar_one()
    return token.group(1), invitation


def member_emails(client: TestClient, world: World) -> set[str]:
    """Addresses of A's people as A's administrator sees them."""
    people = client.get("/api/v1/people", headers=world["a_admin"].headers).json()
    return {p["email"] for p in people}


def test_inviting_an_existing_account_answers_as_for_a_new_address(
    client: TestClient, world: World
) -> None:
    """The answer for C's administrator's address is the one for an unknown address, and
    C's administrator is not made a member."""
    existing = invite(client, world, "c_admin@example.com", title="Adviser")
    fresh = invite(client, world, f"new-{uuid.uuid4().hex[:6]}@example.com", title="Adviser")
    assert {k: v for k, v in existing.items() if k not in VOLATILE} == {
        k: v for k, v in fresh.items() if k not in VOLATILE
    }
    assert set(existing) == set(fresh)
    assert "name" not in existing
    assert "totp_enabled" not in existing
    assert "c_admin@example.com" not in member_emails(client, world)
    person = client.get(
        f"/api/v1/people/{world['c_admin'].user_id}", headers=world["a_admin"].headers
    )
    assert person.status_code == 404
    listed = client.get("/api/v1/people/invitations", headers=world["a_admin"].headers).json()
    shown = next(i for i in listed if i["email"] == "c_admin@example.com")
    assert shown["status"] == "pending"
    assert "name" not in shown


def test_the_people_page_shows_an_invitation_without_the_accounts_name(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The invitation is listed by address; the account's name appears nowhere."""
    invite(client, world, "c_admin@example.com")
    sign_in(client, db, settings, world["a_admin"])
    page = client.get("/people")
    assert page.status_code == 200
    assert "c_admin@example.com" in page.text
    assert "C Admin" not in page.text


def test_an_existing_person_accepts_in_the_app_and_keeps_their_account(
    client: TestClient, db: Session, world: World
) -> None:
    """C's administrator sees the invitation, accepts, and becomes a member of A with the
    membership the invitation set; their name and password are untouched."""
    invite(client, world, "c_admin@example.com", title="Adviser", is_admin=False)
    mine = client.get("/api/v1/me/invitations", headers=world["c_admin"].headers).json()
    assert [i["org_name"] for i in mine] == ["Helix Test Bio"]
    accepted = client.post(
        f"/api/v1/me/invitations/{mine[0]['id']}/accept", headers=world["c_admin"].headers
    )
    assert accepted.status_code == 204
    assert "c_admin@example.com" in member_emails(client, world)
    again = client.post(
        f"/api/v1/me/invitations/{mine[0]['id']}/accept", headers=world["c_admin"].headers
    )
    assert again.status_code == 409
    membership = db.execute(
        select(OrgMembership).where(
            OrgMembership.user_id == world["c_admin"].user_id,
            OrgMembership.org_id == world.orgs["A"],
        )
    ).scalar_one()
    assert membership.title == "Adviser"
    assert not membership.is_admin
    assert db.get(User, world["c_admin"].user_id).name == "C Admin"  # type: ignore[union-attr]


def test_someone_else_cannot_answer_an_invitation_in_the_app(
    client: TestClient, world: World
) -> None:
    """An invitation to C's administrator is a 404 for anyone else."""
    invite(client, world, "c_admin@example.com")
    mine = client.get("/api/v1/me/invitations", headers=world["c_admin"].headers).json()
    for key in ("b_admin", "a_contributor"):
        answer = client.post(
            f"/api/v1/me/invitations/{mine[0]['id']}/accept", headers=world[key].headers
        )
        assert answer.status_code == 404


def test_a_new_person_accepts_through_the_link_once(
    client: TestClient, factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    """The e-mailed link opens a page where the new person chooses their name and
    password; it signs them in as a member, and the link then no longer works."""
    email = f"joiner-{uuid.uuid4().hex[:6]}@example.com"
    invite(client, world, email, title="Scientist")
    token, _invitation = link_of(factory, settings, email)
    page = client.get(f"/join?token={token}")
    assert page.status_code == 200
    assert "Your full name" in page.text
    form = {
        "csrf_token": client.cookies.get(PRE_COOKIE),
        "token": token,
        "name": "Jo Iner",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    joined = client.post("/join/accept", data=form, follow_redirects=False)
    assert joined.status_code == 303, joined.text
    assert client.get("/alliances").status_code == 200
    assert email in member_emails(client, world)
    client.cookies.clear()
    assert client.get(f"/join?token={token}").status_code == 404
    client.get("/login")
    form["csrf_token"] = client.cookies.get(PRE_COOKIE)
    assert client.post("/join/accept", data=form).status_code == 404


def test_an_existing_account_accepts_through_the_link_with_its_password_and_code(
    client: TestClient,
    db: Session,
    factory: sessionmaker[Session],
    settings: Settings,
    world: World,
) -> None:
    """The holder of an account with a second factor proves both; a wrong password is
    refused (and changes nothing)."""
    user = db.get(User, world["c_admin"].user_id)
    assert user is not None
    user.totp_secret = totp.new_secret()
    user.totp_enabled = True
    db.commit()
    invite(client, world, "c_admin@example.com")
    token, _invitation = link_of(factory, settings, "c_admin@example.com")
    page = client.get(f"/join?token={token}")
    assert "Code from your app" in page.text
    csrf = client.cookies.get(PRE_COOKIE)
    wrong = client.post(
        "/join/accept", data={"csrf_token": csrf, "token": token, "password": "x" * 12}
    )
    assert wrong.status_code == 422
    assert "c_admin@example.com" not in member_emails(client, world)
    code = totp.code_for(user.totp_secret)
    right = client.post(
        "/join/accept",
        data={"csrf_token": csrf, "token": token, "password": PASSWORD, "code": code},
        follow_redirects=False,
    )
    assert right.status_code == 303
    assert "c_admin@example.com" in member_emails(client, world)


def test_declining_tells_the_organisation_nothing_of_the_account(
    client: TestClient, db: Session, world: World
) -> None:
    """A declined invitation shows as declined; the audit trail names only the address."""
    created = invite(client, world, "c_admin@example.com")
    mine = client.get("/api/v1/me/invitations", headers=world["c_admin"].headers).json()
    answer = client.post(
        f"/api/v1/me/invitations/{mine[0]['id']}/decline", headers=world["c_admin"].headers
    )
    assert answer.status_code == 204
    listed = client.get("/api/v1/people/invitations", headers=world["a_admin"].headers).json()
    assert next(i for i in listed if i["id"] == created["id"])["status"] == "declined"
    entries = db.execute(select(AuditEntry).where(AuditEntry.object_id == created["id"])).scalars()
    for entry in entries:
        assert entry.actor_name != "C Admin"
        assert entry.actor_user_id != world["c_admin"].user_id


def test_a_revoked_or_expired_link_cannot_be_used_and_expiry_is_the_systems(
    client: TestClient,
    db: Session,
    factory: sessionmaker[Session],
    settings: Settings,
    world: World,
) -> None:
    """A withdrawn invitation's link is closed; an expired one reads as expired before
    the scheduler runs, and the scheduler records the expiry with the system as actor
    and the expiry time as effective time."""
    revoked = invite(client, world, "late@example.com")
    token, _ = link_of(factory, settings, "late@example.com")
    gone = client.delete(
        f"/api/v1/people/invitations/{revoked['id']}", headers=world["a_admin"].headers
    )
    assert gone.status_code == 204
    assert client.get(f"/join?token={token}").status_code == 404
    expiring = invite(client, world, "later@example.com")
    token, invitation = link_of(factory, settings, "later@example.com")
    with frozen(invitation.expires_at + timedelta(seconds=1)):
        assert client.get(f"/join?token={token}").status_code == 404
        listed = client.get("/api/v1/people/invitations", headers=world["a_admin"].headers)
        assert next(i for i in listed.json() if i["id"] == expiring["id"])["status"] == "expired"
        assert db.get(OrgInvitation, uuid.UUID(expiring["id"])).status == "pending"  # type: ignore[union-attr]
        with factory() as session:
            assert invitations.expire_due(session) >= 1
            session.commit()
    entry = db.execute(
        select(AuditEntry).where(
            AuditEntry.object_id == expiring["id"], AuditEntry.action == "invitation.expire"
        )
    ).scalar_one()
    assert entry.actor_user_id is None
    assert invitation.expires_at.strftime("%Y-%m-%dT%H:%M:%S") in entry.new_values
    again = invite(client, world, "later@example.com")
    assert again["status"] == "pending"


def test_an_invitation_is_not_answered_by_opening_its_link(
    client: TestClient, factory: sessionmaker[Session], settings: Settings, world: World
) -> None:
    """GET /join changes nothing (a link scanner must not accept or use it up)."""
    email = f"scan-{uuid.uuid4().hex[:6]}@example.com"
    invite(client, world, email)
    token, invitation = link_of(factory, settings, email)
    for _ in range(3):
        assert client.get(f"/join?token={token}").status_code == 200
    with factory() as session:
        assert session.get(OrgInvitation, invitation.id).status == "pending"  # type: ignore[union-attr]
    assert utcnow() < invitation.expires_at
