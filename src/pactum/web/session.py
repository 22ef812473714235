"""Cookie sessions and anti-forgery tokens for the web pages (SES-1, CSRF-1)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pactum.auth.secrets import new_token
from pactum.auth.service import SessionInfo, resolve_session
from pactum.core.errors import ValidationFailed
from pactum.http.db import DbSession, SettingsDep
from pactum.live.bus import now_ms
from pactum.models import Organisation
from pactum.settings import Settings

COOKIE = "pactum_session"
PRE_COOKIE = "pactum_csrf"
ENROLMENT_PATHS = ("/account", "/logout")


class LoginRequired(Exception):
    """The page needs a signed-in person; redirect to the sign-in page."""


class SecondFactorRequired(Exception):
    """The password was right; the TOTP code is still to come."""


class EnrolmentRequired(Exception):
    """The organisation requires a second factor the person has not set up yet."""


class CsrfFailed(Exception):
    """The form's anti-forgery token is missing or wrong."""


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    """Send the session cookie (HttpOnly, Secure, SameSite=Lax)."""
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
        max_age=settings.session_absolute_hours * 3600,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    """Remove the session cookie."""
    response.delete_cookie(COOKIE, path="/", secure=settings.cookie_secure, httponly=True)


def pre_session_token(request: Request, response: Response, settings: Settings) -> str:
    """A double-submit anti-forgery token for forms shown before sign-in."""
    token = request.cookies.get(PRE_COOKIE) or new_token()
    response.set_cookie(
        PRE_COOKIE, token, httponly=True, secure=settings.cookie_secure, samesite="strict", path="/"
    )
    return token


def check_pre_session_token(request: Request, form: FormData) -> None:
    """Check a pre-sign-in form's token against its cookie."""
    cookie = request.cookies.get(PRE_COOKIE, "")
    sent = str(form.get("csrf_token", ""))
    if not cookie or not hmac.compare_digest(cookie, sent):
        raise CsrfFailed()


def current_session(request: Request, db: DbSession, settings: SettingsDep) -> SessionInfo | None:
    """The live session for the request's cookie, if any; fills the page context."""
    started = now_ms()  # before any query: a live page older than a change fetches itself
    info = resolve_session(db, settings, request.cookies.get(COOKIE, ""))
    if info is not None and not info.web_session.mfa_pending:
        request.state.page_context = {
            "live_since": started,
            "me": info.principal,
            "csrf_token": info.web_session.csrf_token,
            # Plain values: the page may render after the request's session is closed.
            "memberships": [(m.org_id, m.org.name) for m in info.memberships],
        }
    return info


MaybeSession = Annotated[SessionInfo | None, Depends(current_session)]


def _needs_enrolment(db: Session, info: SessionInfo) -> bool:
    if info.user.totp_enabled or info.principal.org_id is None:
        return False
    org = db.get(Organisation, info.principal.org_id)
    return bool(org and org.require_totp)


def page_session(db: Session, settings: Settings, cookie: str) -> SessionInfo | None:
    """The session behind a cookie as a page accepts it (signed in, the second factor
    done, no enrolment pending), else ``None``: for checks outside a request's
    dependencies, such as a live stream asking again whether it may go on."""
    info = resolve_session(db, settings, cookie)
    if info is None or info.web_session.mfa_pending or _needs_enrolment(db, info):
        return None
    return info


def require_user(
    request: Request,
    db: DbSession,
    info: Annotated[SessionInfo | None, Depends(current_session)],
) -> SessionInfo:
    """A signed-in person with the second factor done (else a redirect)."""
    if info is None:
        raise LoginRequired()
    if info.web_session.mfa_pending:
        raise SecondFactorRequired()
    if _needs_enrolment(db, info) and not request.url.path.startswith(ENROLMENT_PATHS):
        raise EnrolmentRequired()
    return info


WebUser = Annotated[SessionInfo, Depends(require_user)]


async def read_form(request: Request) -> FormData:
    """The posted form (bounded by Starlette's limits; NUL characters refused)."""
    form = await request.form(max_files=0, max_fields=200)
    for key, value in form.multi_items():
        if isinstance(value, str) and "\x00" in value:
            raise ValidationFailed(
                key if len(key) < 60 else "form", "must not contain NUL characters"
            )
    return form


def check_csrf(sent: str, info: SessionInfo) -> None:
    """Refuse a form whose anti-forgery token is not the session's (CSRF-1)."""
    if not hmac.compare_digest(sent, info.web_session.csrf_token):
        raise CsrfFailed()


def csrf_form(form: Annotated[FormData, Depends(read_form)], info: WebUser) -> FormData:
    """The posted form, once its anti-forgery token matched the session's."""
    check_csrf(str(form.get("csrf_token", "")), info)
    return form


Form = Annotated[FormData, Depends(csrf_form)]
RawForm = Annotated[FormData, Depends(read_form)]


def field(form: FormData, name: str, default: str = "") -> str:
    """A text field of a form, stripped."""
    value: Any = form.get(name, default)
    return value.strip() if isinstance(value, str) else default
