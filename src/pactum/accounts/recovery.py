"""Pages to choose a new password through an e-mailed single-use link (nobody else can
set a person's password: ID-1)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pactum.auth import resets
from pactum.core.errors import TooManyRequests, ValidationFailed
from pactum.http.db import DbSession, SettingsDep
from pactum.settings import Settings
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    client_of,
    form_errors,
    page,
    redirect,
)
from pactum.web.session import RawForm, check_pre_session_token, pre_session_token
from pactum.web.session import field as form_field

router = APIRouter()

LABELS = {
    "email": "E-mail address",
    "new_password": "New password",
    "new_password_confirm": "New password again",
    "code": "Code from your app",
}
FIELDS = {k: k for k in LABELS}
SENT = (
    "If an account with this address exists, we e-mailed it a link to choose a new password. "
    "The link works once, for an hour."
)
CLOSED = "This link cannot be used: it was already used or has expired. Ask for a new one."


def _with_token(
    request: Request,
    settings: Settings,
    name: str,
    context: dict[str, object],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a pre-sign-in page with its anti-forgery token (and cookie)."""
    holder = Response()
    context["form_csrf"] = pre_session_token(request, holder, settings)
    response = page(request, name, context, status_code=status_code)
    for header, value in holder.raw_headers:
        if header == b"set-cookie":
            response.raw_headers.append((header, value))
    return response


@router.get("/password/forgot", response_class=HTMLResponse)
def forgot_form(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Ask for a link to choose a new password."""
    return _with_token(request, settings, "password_forgot.html", {"sent": False})


@router.post("/password/forgot", response_class=HTMLResponse)
def forgot(request: Request, db: DbSession, settings: SettingsDep, form: RawForm) -> Response:
    """Store a link for the address's account, if any; the answer is the same either way."""
    check_pre_session_token(request, form)
    email = form_field(form, "email")
    if not email or "@" not in email or len(email) > 320:
        errors = form_errors(
            ValidationFailed("email", "must be a valid e-mail address"), FIELDS, LABELS
        )
        return _with_token(
            request,
            settings,
            "password_forgot.html",
            {"sent": False, "errors": errors, "email": email},
            status_code=422,
        )
    try:
        resets.request_reset(db, settings, email, client=client_of(request))
    except TooManyRequests as exc:
        errors = FormErrors(general=[exc.message], status_code=429)
        response = _with_token(
            request,
            settings,
            "password_forgot.html",
            {"sent": False, "errors": errors},
            status_code=429,
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return _with_token(request, settings, "password_forgot.html", {"sent": True, "message": SENT})


@router.get("/password/reset", response_class=HTMLResponse)
def reset_form(
    request: Request, db: DbSession, settings: SettingsDep, token: str = ""
) -> HTMLResponse:
    """The page a reset link opens (opening it changes nothing)."""
    reset = resets.by_token(db, settings, token)
    if reset is None:
        return page(
            request, "password_reset.html", {"closed": True, "message": CLOSED}, status_code=404
        )
    context: dict[str, object] = {"token": token, "needs_code": resets.needs_code(db, reset)}
    return _with_token(request, settings, "password_reset.html", context)


@router.post("/password/reset", response_class=HTMLResponse)
def reset(request: Request, db: DbSession, settings: SettingsDep, form: RawForm) -> Response:
    """Set the new password with the link, once; every session of the account ends."""
    check_pre_session_token(request, form)
    token = form_field(form, "token")
    found = resets.by_token(db, settings, token)
    if found is None:
        return page(
            request, "password_reset.html", {"closed": True, "message": CLOSED}, status_code=404
        )
    new = str(form.get("new_password", ""))
    try:
        with attempt(db):
            if new != str(form.get("new_password_confirm", "")):
                raise ValidationFailed("new_password_confirm", "does not match the new password")
            resets.complete_reset(db, settings, found, new=new, code=form_field(form, "code"))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="link")
        context: dict[str, object] = {
            "token": token,
            "needs_code": resets.needs_code(db, found),
            "errors": errors,
        }
        return _with_token(
            request, settings, "password_reset.html", context, status_code=errors.status_code
        )
    return redirect("/login", "password_reset")
