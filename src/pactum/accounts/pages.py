"""Pages for signing in and out, the second factor, one's account and API tokens."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Mapping
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from pactum.auth import service as auth_service
from pactum.auth import tokens as api_tokens
from pactum.auth import totp
from pactum.auth.service import SessionInfo
from pactum.core.errors import (
    TooManyRequests,
    ValidationFailed,
)
from pactum.http.db import DbSession, SettingsDep
from pactum.orgs import invitations
from pactum.orgs import service as org_service
from pactum.orgs.schemas import MeUpdate
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    client_of,
    form_errors,
    form_version,
    int_field,
    page,
    parse_uuid,
    redirect,
    safe_next,
)
from pactum.web.session import (
    CsrfFailed,
    Form,
    MaybeSession,
    RawForm,
    WebUser,
    check_pre_session_token,
    clear_session_cookie,
    pre_session_token,
    set_session_cookie,
)
from pactum.web.session import field as form_field

router = APIRouter()

# --- signing in and out --------------------------------------------------------------------

BAD_CODE = "That code is not right or was already used; enter the next code your app shows."


def _login_page(
    request: Request,
    settings: SettingsDep,
    *,
    next_url: str,
    email: str = "",
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    holder = Response()
    token = pre_session_token(request, holder, settings)
    errors = FormErrors()
    if error:
        errors.general.append(error)
    response = page(
        request,
        "login.html",
        {"csrf_token": token, "next": next_url, "email": email, "errors": errors},
        status_code=status_code,
    )
    for name, value in holder.raw_headers:
        if name == b"set-cookie":
            response.raw_headers.append((name, value))
    return response


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    """The start page is the list of alliances."""
    return RedirectResponse("/alliances", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, settings: SettingsDep, info: MaybeSession, next: str = ""
) -> Response:
    """The sign-in form (or straight on, when already signed in)."""
    target = safe_next(next)
    if info is not None and not info.web_session.mfa_pending:
        return RedirectResponse(target, status_code=303)
    return _login_page(request, settings, next_url=target)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, db: DbSession, settings: SettingsDep, form: RawForm) -> Response:
    """Check e-mail and password; start a session (second factor may follow)."""
    check_pre_session_token(request, form)
    email = form_field(form, "email")
    password = str(form.get("password", ""))
    target = safe_next(form_field(form, "next"))
    try:
        outcome = auth_service.check_password(
            db, settings, email=email, password=password, client=client_of(request)
        )
    except TooManyRequests as exc:
        response = _login_page(
            request, settings, next_url=target, email=email, error=exc.message, status_code=429
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if outcome.user is None:
        return _login_page(
            request, settings, next_url=target, email=email, error=outcome.error, status_code=401
        )
    token, web = auth_service.start_session(db, settings, outcome.user, client=client_of(request))
    if web.mfa_pending:
        target = "/login/totp?next=" + quote(target, safe="/")
    signed_in = RedirectResponse(target, status_code=303)
    set_session_cookie(signed_in, settings, token)
    return signed_in


@router.get("/login/totp", response_class=HTMLResponse)
def totp_form(request: Request, info: MaybeSession, next: str = "") -> Response:
    """Ask for the six-digit code after a correct password."""
    if info is None:
        return RedirectResponse("/login", status_code=303)
    if not info.web_session.mfa_pending:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(
        request,
        "login_totp.html",
        {"csrf_token": info.web_session.csrf_token, "next": safe_next(next)},
    )


@router.post("/login/totp", response_class=HTMLResponse)
def totp_check(
    request: Request, db: DbSession, settings: SettingsDep, info: MaybeSession, form: RawForm
) -> Response:
    """Check the code; on success replace the half-open session with a full one."""
    if info is None:
        return RedirectResponse("/login", status_code=303)
    sent = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(sent, info.web_session.csrf_token):
        raise CsrfFailed()
    target = safe_next(form_field(form, "next"))
    if not info.web_session.mfa_pending:
        return RedirectResponse(target, status_code=303)
    result = auth_service.complete_second_factor(
        db, settings, info, form_field(form, "code"), client=client_of(request)
    )
    if result is None:
        errors = FormErrors(fields={"code": BAD_CODE})
        return page(
            request,
            "login_totp.html",
            {"csrf_token": info.web_session.csrf_token, "next": target, "errors": errors},
            status_code=422,
        )
    token, _web = result
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, settings, token)
    return response


@router.post("/logout")
def logout(db: DbSession, settings: SettingsDep, info: WebUser, form: Form) -> Response:
    """Sign out: end this session and forget the cookie."""
    auth_service.end_session(db, info)
    response = redirect("/login", "signed_out")
    clear_session_cookie(response, settings)
    return response


@router.post("/switch-org")
def switch_org(db: DbSession, info: WebUser, form: Form) -> Response:
    """Act for another organisation one belongs to."""
    org_id = parse_uuid(form_field(form, "org_id"))
    if org_id is None:
        raise ValidationFailed("org_id", "choose one of your organisations")
    auth_service.switch_org(db, info, org_id)
    return redirect("/alliances", "org_switched")


# --- the account page ----------------------------------------------------------------------

ACCOUNT_LABELS = {
    "name": "Your full name",
    "current_password": "Current password",
    "new_password": "New password",
    "new_password_confirm": "New password again",
    "totp_code": "Code from your app",
    "totp_password": "Password",
    "token_name": "Token name",
    "token_days": "Valid for (days)",
}


def _account_page(
    request: Request,
    db: Session,
    info: SessionInfo,
    *,
    errors: FormErrors | None = None,
    new_token: str = "",
    values: Mapping[str, str] | None = None,
) -> HTMLResponse:
    user = info.user
    qr = ""
    secret = ""
    if user.totp_secret and not user.totp_enabled:
        secret = user.totp_secret
        qr = totp.qr_svg(totp.provisioning_uri(secret, user.email))
    tokens = api_tokens.list_tokens(db, info.principal) if info.principal.org_id else []
    return page(
        request,
        "account.html",
        {
            "user": user,
            "invitations": invitations.for_person(db, user),
            "totp_secret": secret,
            "totp_qr": qr,
            "tokens": tokens,
            "new_token": new_token,
            "enrol": request.query_params.get("enrol") == "1",
            "errors": errors or FormErrors(),
            "values": values or {},
        },
        status_code=errors.status_code if errors else 200,
        nav="account",
    )


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, db: DbSession, info: WebUser) -> HTMLResponse:
    """The signed-in person's profile, password, second factor and API tokens."""
    return _account_page(request, db, info)


@router.post("/account/name", response_class=HTMLResponse)
def change_name(request: Request, db: DbSession, info: WebUser, form: Form) -> Response:
    """Change one's own name (only the person can; signatures keep the name signed)."""
    name = form_field(form, "name")
    try:
        with attempt(db):
            data = MeUpdate(name=name)
            org_service.rename_self(
                db, info.principal, data.name, expected_version=form_version(form)
            )
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {"name": "name"}, ACCOUNT_LABELS, form="name", thing="account")
        return _account_page(request, db, info, errors=errors, values={"name": name})
    return redirect("/account", "name_changed")


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, db: DbSession, info: WebUser, form: Form) -> Response:
    """Change one's own password."""
    current = str(form.get("current_password", ""))
    new = str(form.get("new_password", ""))
    again = str(form.get("new_password_confirm", ""))
    fields = {k: k for k in ACCOUNT_LABELS if k.endswith(("password", "password_confirm"))}
    try:
        with attempt(db):
            auth_service.change_password(
                db, info.principal, info.user, current, new, keep_session_id=info.web_session.id
            )
            if new != again:
                raise ValidationFailed("new_password_confirm", "does not match the new password")
    except FORM_ERRORS as exc:
        errors = form_errors(exc, fields, ACCOUNT_LABELS, form="password")
        return _account_page(request, db, info, errors=errors)
    return redirect("/account", "password_changed")


@router.post("/account/totp/start")
def totp_start(db: DbSession, info: WebUser, form: Form) -> Response:
    """Create a second-factor secret to scan (turned on once a code is confirmed)."""
    auth_service.begin_totp(db, info.user)
    return redirect("/account", anchor="second-factor")


@router.post("/account/totp/confirm", response_class=HTMLResponse)
def totp_confirm(request: Request, db: DbSession, info: WebUser, form: Form) -> Response:
    """Turn the second factor on with a code from the app."""
    try:
        with attempt(db):
            auth_service.confirm_totp(db, info.principal, info.user, form_field(form, "code"))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {"code": "totp_code"}, ACCOUNT_LABELS, form="totp")
        return _account_page(request, db, info, errors=errors)
    return redirect("/account", "totp_enabled")


@router.post("/account/totp/disable", response_class=HTMLResponse)
def totp_disable(request: Request, db: DbSession, info: WebUser, form: Form) -> Response:
    """Turn the second factor off (the password is asked again)."""
    try:
        with attempt(db):
            auth_service.disable_totp(db, info.principal, info.user, str(form.get("password", "")))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {"password": "totp_password"}, ACCOUNT_LABELS, form="totp")
        return _account_page(request, db, info, errors=errors)
    return redirect("/account", "totp_disabled")


@router.post("/account/tokens", response_class=HTMLResponse)
def token_create(
    request: Request, db: DbSession, settings: SettingsDep, info: WebUser, form: Form
) -> Response:
    """Issue a personal API token; its value is shown on this response only."""
    name = form_field(form, "name")
    days_text = form_field(form, "days")
    try:
        with attempt(db):
            if info.principal.org_id is None:
                raise ValidationFailed("name", "act for an organisation to create a token")
            days = int_field(form, "days")
            if days_text and days is None:
                raise ValidationFailed("days", "must be a whole number of days")
            raw, _row = api_tokens.create_token(
                db, settings, user=info.user, org_id=info.principal.org_id, name=name, days=days
            )
    except FORM_ERRORS as exc:
        errors = form_errors(
            exc, {"name": "token_name", "days": "token_days"}, ACCOUNT_LABELS, form="token"
        )
        values = {"token_name": name, "token_days": days_text}
        return _account_page(request, db, info, errors=errors, values=values)
    return _account_page(request, db, info, new_token=raw)


@router.post("/account/tokens/{token_id}/revoke")
def token_revoke(token_id: uuid.UUID, db: DbSession, info: WebUser, form: Form) -> Response:
    """Revoke one of one's own tokens."""
    api_tokens.revoke_token(db, info.principal, token_id)
    return redirect("/account", "token_revoked", anchor="tokens")
