"""A forgotten password: a single-use, expiring e-mailed link; nobody else sets it."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pactum.auth import passwords, totp
from pactum.core.time import frozen, utcnow
from pactum.models import PasswordReset, User, WebSession
from pactum.ops.account_mail import send_resets
from pactum.settings import Settings
from pactum.web.session import PRE_COOKIE
from tests.conftest import World
from tests.orgs.test_invitations import CapturingMailer
from tests.support import sign_in

NEW = "a brand new passphrase here"


def ask(client: TestClient, email: str) -> str:
    """Ask for a link; the page's text."""
    client.get("/password/forgot")
    answer = client.post(
        "/password/forgot", data={"csrf_token": client.cookies.get(PRE_COOKIE), "email": email}
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def mailed_token(factory: sessionmaker[Session], settings: Settings, email: str) -> str:
    """The token of the link e-mailed to ``email``."""
    mailer = CapturingMailer()
    send_resets(factory, mailer, settings)  # type: ignore[arg-type]
    message = next(m for m in mailer.sent if m.to == email)
    found = re.search(r"/password/reset\?token=([\w-]+)", message.text)
    assert found is not None
    return found.group(1)


def test_the_answer_is_the_same_for_an_unknown_address(
    client: TestClient, db: Session, world: World
) -> None:
    """Known and unknown addresses read the same; only the known one gets a link."""
    known = ask(client, "a_viewer@example.com")
    unknown = ask(client, "nobody-here@example.com")
    strip = re.compile(r'name="csrf_token" value="[^"]*"')
    assert strip.sub("", known) == strip.sub("", unknown)
    stored = db.execute(select(PasswordReset)).scalars().all()
    assert [r.user_id for r in stored] == [world["a_viewer"].user_id]


def test_the_link_sets_a_new_password_once_and_ends_every_session(
    client: TestClient,
    db: Session,
    factory: sessionmaker[Session],
    settings: Settings,
    world: World,
) -> None:
    """Opening the link changes nothing; the new password is set once, the old sessions
    end; the link then no longer works."""
    person = world["a_viewer"]
    sign_in(client, db, settings, person)
    client.cookies.clear()
    ask(client, person.email)
    token = mailed_token(factory, settings, person.email)
    assert client.get(f"/password/reset?token={token}").status_code == 200
    form = {
        "csrf_token": client.cookies.get(PRE_COOKIE),
        "token": token,
        "new_password": NEW,
        "new_password_confirm": NEW,
    }
    done = client.post("/password/reset", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    db.expire_all()
    user = db.get_one(User, person.user_id)
    assert passwords.verify_password(user.password_hash, NEW)
    live = db.execute(
        select(WebSession).where(WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
    ).scalars()
    assert list(live) == []
    assert client.post("/password/reset", data=form).status_code == 404
    assert client.get(f"/password/reset?token={token}").status_code == 404


def test_the_second_factor_is_asked_with_the_link_and_the_link_expires(
    client: TestClient,
    db: Session,
    factory: sessionmaker[Session],
    settings: Settings,
    world: World,
) -> None:
    """A mailbox alone is not enough when the account has a second factor; an hour later
    the link is closed."""
    person = world["a_viewer"]
    user = db.get_one(User, person.user_id)
    user.totp_secret = totp.new_secret()
    user.totp_enabled = True
    db.commit()
    ask(client, person.email)
    token = mailed_token(factory, settings, person.email)
    assert "Code from your app" in client.get(f"/password/reset?token={token}").text
    form = {
        "csrf_token": client.cookies.get(PRE_COOKIE),
        "token": token,
        "new_password": NEW,
        "new_password_confirm": NEW,
        "code": "000000",
    }
    refused = client.post("/password/reset", data=form)
    assert refused.status_code == 422
    db.expire_all()
    assert not passwords.verify_password(db.get_one(User, user.id).password_hash, NEW)
    with frozen(utcnow() + timedelta(hours=1, seconds=1)):
        form["code"] = totp.code_for(user.totp_secret or "")
        assert client.post("/password/reset", data=form).status_code == 404
