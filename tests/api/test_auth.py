"""Sign-in, sessions, second factor, throttling, tokens, CSRF and headers
(AUTH-1..3, SES-1, CSRF-1, API-1, HDR-1)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from pactum.auth import passwords, throttle, totp
from pactum.auth.service import begin_totp
from pactum.core import time as clock
from pactum.core.errors import TooManyRequests, ValidationFailed
from pactum.models import Organisation, User
from pactum.settings import Settings
from pactum.web.session import COOKIE
from tests.conftest import PASSWORD, World


@pytest.fixture(autouse=True)
def _unfreeze():  # type: ignore[no-untyped-def]
    yield
    clock.freeze(None)


def _csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def _login(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": _csrf(client)},
        follow_redirects=False,
    )


def test_password_policy() -> None:
    """AUTH-1: at least 12 characters, common passwords refused, argon2id hashes."""
    common = next(p for p in FREQUENCY_LISTS["passwords"] if len(p) >= 12)
    for bad, rule in (
        ("short pass", "at least 12"),
        (common, "too common"),
        ("aaaaaaaaaaaaaaa", "too common"),
    ):
        with pytest.raises(ValidationFailed, match=rule):
            passwords.check_policy(bad)
    with pytest.raises(ValidationFailed, match="e-mail name"):
        passwords.check_policy("julia.brandt rocks!", email="julia.brandt@x.example")
    passwords.check_policy("river otter lantern 7")
    digest = passwords.hash_password("river otter lantern 7")
    assert digest.startswith("$argon2id$")
    assert passwords.verify_password(digest, "river otter lantern 7")
    assert not passwords.verify_password(digest, "river otter lantern 8")


def test_sign_in_sets_a_safe_rotated_cookie(client: TestClient, world: World) -> None:
    """SES-1: HttpOnly, Secure, SameSite cookie; a new token at every sign-in."""
    first = _login(client, "a_manager@example.com")
    assert first.status_code == 303
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=lax" in cookie
    token1 = first.cookies[COOKIE]
    assert len(token1) >= 43  # 256 bits, URL-safe base64
    client.cookies.clear()
    token2 = _login(client, "a_manager@example.com").cookies[COOKIE]
    assert token1 != token2
    assert client.get("/alliances").status_code == 200


def test_wrong_password_is_generic_and_changes_nothing(client: TestClient, world: World) -> None:
    """A wrong password and an unknown account get the same answer."""
    wrong = _login(client, "a_manager@example.com", "not the password")
    unknown = _login(client, "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "E-mail or password is not correct." in wrong.text
    assert COOKIE not in wrong.cookies


def test_throttling_slows_down_then_recovers(client: TestClient, world: World) -> None:
    """AUTH-2: after five failures a 429 with Retry-After; the block is short-lived."""
    start = clock.utcnow()
    clock.freeze(start)
    for _ in range(5):
        assert _login(client, "a_viewer@example.com", "bad password!!").status_code == 401
    blocked = _login(client, "a_viewer@example.com", PASSWORD)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    clock.freeze(start + timedelta(seconds=2))
    assert _login(client, "a_viewer@example.com", PASSWORD).status_code == 303


def test_account_wide_block_is_capped(db: Session, world: World) -> None:
    """An attacker rotating addresses cannot lock the real person out for long."""
    settings = Settings(env="test", secret_key="x" * 40, database_url="sqlite://")
    start = clock.utcnow()
    clock.freeze(start)
    for n in range(200):
        throttle.fail(db, settings, "b_contributor@example.com", f"10.0.{n // 250}.{n % 250}")
    with pytest.raises(TooManyRequests) as blocked:
        throttle.check(db, settings, "b_contributor@example.com", "192.0.2.7")
    assert blocked.value.retry_after <= throttle.ACCOUNT_WIDE_CAP_SECONDS
    clock.freeze(start + timedelta(seconds=throttle.ACCOUNT_WIDE_CAP_SECONDS + 1))
    throttle.check(db, settings, "b_contributor@example.com", "192.0.2.7")


def test_logout_and_timeouts_end_the_session(client: TestClient, world: World) -> None:
    """SES-1: logout ends the session; so do the idle and absolute timeouts."""
    start = clock.utcnow()
    clock.freeze(start)
    _login(client, "a_manager@example.com")
    csrf = _csrf(client, "/account")
    client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert client.get("/alliances", follow_redirects=False).status_code == 303
    client.cookies.clear()
    _login(client, "a_manager@example.com")
    clock.freeze(start + timedelta(minutes=29))
    assert client.get("/alliances", follow_redirects=False).status_code == 200
    clock.freeze(start + timedelta(minutes=29 + 31))
    response = client.get("/alliances", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_deactivation_ends_sessions_and_tokens_at_once(client: TestClient, world: World) -> None:
    """Deactivating a person revokes their web sessions and API tokens immediately."""
    _login(client, "a_contributor@example.com")
    assert client.get("/alliances", follow_redirects=False).status_code == 200
    person = world["a_contributor"]
    assert client.get("/api/v1/me", headers=person.headers).status_code == 200
    admin = world["a_admin"].headers
    etag = client.get(f"/api/v1/people/{person.user_id}", headers=admin).headers["ETag"]
    off = client.patch(
        f"/api/v1/people/{person.user_id}",
        headers={**admin, "If-Match": etag},
        json={"active": False},
    )
    assert off.status_code == 200
    assert off.json()["active"] is False
    assert client.get("/alliances", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/me", headers=person.headers).status_code == 401
    assert _login(client, "a_contributor@example.com").status_code == 401


def test_totp_second_factor(client: TestClient, db: Session, world: World) -> None:
    """AUTH-3: with TOTP on, the password alone is not enough; codes cannot be replayed."""
    user = db.get(User, world["b_contributor"].user_id)
    assert user is not None
    secret = begin_totp(db, user)
    user.totp_enabled = True
    db.commit()
    response = _login(client, "b_contributor@example.com")
    assert response.headers["location"].startswith("/login/totp")
    assert client.get("/alliances", follow_redirects=False).headers["location"] == "/login/totp"
    csrf = _csrf(client, "/login/totp")
    bad = client.post("/login/totp", data={"code": "000000", "csrf_token": csrf})
    assert bad.status_code == 422
    code = totp.code_for(secret, now=time.time())
    good = client.post(
        "/login/totp", data={"code": code, "csrf_token": csrf}, follow_redirects=False
    )
    assert good.status_code == 303
    assert client.get("/alliances", follow_redirects=False).status_code == 200
    client.cookies.clear()
    _login(client, "b_contributor@example.com")
    csrf = _csrf(client, "/login/totp")
    replay = client.post("/login/totp", data={"code": code, "csrf_token": csrf})
    assert replay.status_code == 422


def test_organisation_can_require_a_second_factor(
    client: TestClient, db: Session, world: World
) -> None:
    """AUTH-3: an organisation requiring TOTP sends un-enrolled people to set it up."""
    org = db.get(Organisation, world.orgs["B"])
    assert org is not None
    org.require_totp = True
    db.commit()
    _login(client, "b_manager@example.com")
    response = client.get("/alliances", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/account?enrol=1"
    assert client.get("/account?enrol=1").status_code == 200


def test_forms_without_the_anti_forgery_token_change_nothing(
    client: TestClient, world: World
) -> None:
    """CSRF-1: a state-changing form without (or with a wrong) token is refused."""
    _login(client, "a_manager@example.com")
    url = f"/alliances/{world.alliance_id}/objectives/new"
    for data in ({"title": "Forged"}, {"title": "Forged", "csrf_token": "wrong"}):
        assert client.post(url, data=data).status_code == 403
    objectives = client.get(
        f"/api/v1/alliances/{world.alliance_id}/objectives", headers=world["a_manager"].headers
    ).json()
    assert "Forged" not in [o["title"] for o in objectives]
    login = client.post("/login", data={"email": "a_manager@example.com", "password": PASSWORD})
    assert login.status_code == 403


def test_api_tokens(client: TestClient, world: World) -> None:
    """API-1: bearer tokens only; revoked or unknown tokens are 401 with WWW-Authenticate."""
    anonymous = client.get("/api/v1/alliances")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert anonymous.json()["error"] == "unauthenticated"
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer pct_nope"}).status_code == 401
    manager = world["a_manager"].headers
    created = client.post("/api/v1/tokens", headers=manager, json={"name": "ci"})
    assert created.status_code == 201
    fresh = {"Authorization": f"Bearer {created.json()['token']}"}
    assert client.get("/api/v1/me", headers=fresh).json()["email"] == "a_manager@example.com"
    assert "token" not in client.get("/api/v1/tokens", headers=manager).json()[0]
    assert client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=fresh).status_code == 204
    assert client.get("/api/v1/me", headers=fresh).status_code == 401


@pytest.mark.parametrize(
    "path", ["/login", "/api/v1/openapi.json", "/api/v1/me", "/static/pactum.css"]
)
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    """HDR-1: CSP without inline script, nosniff, referrer policy, no framing, no-store."""
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    expected = "public, max-age=3600" if path.startswith("/static") else "no-store"
    assert response.headers["cache-control"] == expected


def test_no_inline_script_in_pages(client: TestClient, world: World) -> None:
    """HDR-1: pages carry no inline <script> bodies or inline event handlers."""
    _login(client, "a_manager@example.com")
    for path in ("/login", "/alliances", f"/alliances/{world.alliance_id}", "/account"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_totp_codes_are_throttled(client: TestClient, db: Session, world: World) -> None:
    """AUTH-2/3: guessing second-factor codes is throttled like passwords."""
    user = db.get(User, world["a_viewer"].user_id)
    assert user is not None
    begin_totp(db, user)
    user.totp_enabled = True
    db.commit()
    _login(client, "a_viewer@example.com")
    csrf = _csrf(client, "/login/totp")
    answers = [
        client.post("/login/totp", data={"code": "000000", "csrf_token": csrf}).status_code
        for _ in range(6)
    ]
    assert answers[:5] == [422] * 5
    assert answers[5] == 429


def test_changing_the_password_ends_other_sessions(client: TestClient, world: World) -> None:
    """SES-1: a password change signs the person out everywhere else."""
    other = TestClient(client.app, base_url="https://testserver")
    _login(other, "a_contributor@example.com")
    assert other.get("/alliances", follow_redirects=False).status_code == 200
    _login(client, "a_contributor@example.com")
    csrf = _csrf(client, "/account")
    changed = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "new_password_confirm": "a brand new passphrase",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text[:500]
    assert client.get("/alliances", follow_redirects=False).status_code == 200
    assert other.get("/alliances", follow_redirects=False).status_code == 303
