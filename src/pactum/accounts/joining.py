"""Pages where an invited person answers an invitation to join an organisation (ID-1):
in the app when signed in, or through the single-use link the invitation e-mail carries.

The link page is for the holder of the link, the invited person: it offers to sign in to
the account the address has, or to create one. The token travels in the query string of
the link (redacted from the access log) and in the body of the forms, never in a path.
"""

from __future__ import annotations

import hmac
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from pactum.auth import service as auth_service
from pactum.auth.service import SessionInfo, find_user
from pactum.core.errors import TooManyRequests, ValidationFailed
from pactum.core.time import utcnow
from pactum.http.db import DbSession, SettingsDep
from pactum.models import OrgInvitation
from pactum.orgs import invitations, newcomers
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
from pactum.web.session import (
    CsrfFailed,
    Form,
    MaybeSession,
    RawForm,
    WebUser,
    check_pre_session_token,
    pre_session_token,
    set_session_cookie,
)
from pactum.web.session import field as form_field

router = APIRouter()

LABELS = {
    "name": "Your full name",
    "password": "Password",
    "password_confirm": "Password again",
    "code": "Code from your app",
}
FIELDS = {k: k for k in LABELS}
CLOSED = (
    "This invitation link cannot be used: it was already used, the invitation was withdrawn, "
    "or it has expired. Ask the organisation's administrator for a new invitation."
)


def _signed_in(info: SessionInfo | None) -> SessionInfo | None:
    return info if info is not None and not info.web_session.mfa_pending else None


def _join_page(
    request: Request,
    db: DbSession,
    settings: Settings,
    info: SessionInfo | None,
    invitation: OrgInvitation | None,
    token: str,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    """The link's page: what the invitation says and how to answer it."""
    if invitation is None or not invitations.is_open(invitation, utcnow()):
        return page(request, "join.html", {"state": "closed", "message": CLOSED}, status_code=404)
    holder = Response()
    me = _signed_in(info)
    if me is not None:
        state = "signed_in" if me.user.email == invitation.email else "other"
        csrf = me.web_session.csrf_token
    else:
        account = find_user(db, invitation.email)
        state = "existing" if account is not None else "new"
        csrf = pre_session_token(request, holder, settings)
        needs_code = bool(account and account.totp_enabled)
    response = page(
        request,
        "join.html",
        {
            "state": state,
            "invitation": invitation,
            "token": token,
            "join_csrf": csrf,
            "needs_code": me is None and state == "existing" and needs_code,
            "errors": errors or FormErrors(),
            "values": values or {},
        },
        status_code=errors.status_code if errors else 200,
    )
    for name, value in holder.raw_headers:
        if name == b"set-cookie":
            response.raw_headers.append((name, value))
    return response


@router.get("/join", response_class=HTMLResponse)
def join_page(
    request: Request, db: DbSession, settings: SettingsDep, info: MaybeSession, token: str = ""
) -> HTMLResponse:
    """The page an invitation's link opens (nothing is changed by opening it)."""
    invitation = invitations.by_token(db, settings, token)
    return _join_page(request, db, settings, info, invitation, token)


def _check_form_token(request: Request, form: FormData, info: SessionInfo | None) -> None:
    """The anti-forgery token: the session's when signed in, else the pre-sign-in one."""
    me = _signed_in(info)
    if me is None:
        check_pre_session_token(request, form)
        return
    sent = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(sent, me.web_session.csrf_token):
        raise CsrfFailed()


@router.post("/join/accept", response_class=HTMLResponse)
def join_accept(
    request: Request, db: DbSession, settings: SettingsDep, info: MaybeSession, form: RawForm
) -> Response:
    """Accept through the link: signed in as the invited account, by proving one holds
    it (password, second factor), or with a new account."""
    _check_form_token(request, form, info)
    token = form_field(form, "token")
    invitation = invitations.by_token(db, settings, token)
    if invitation is None or not invitations.is_open(invitation, utcnow()):
        return _join_page(request, db, settings, info, None, token)
    me = _signed_in(info)
    values = {"name": form_field(form, "name")}
    try:
        if me is not None:
            if me.user.email != invitation.email:
                raise ValidationFailed("invitation", "is addressed to another e-mail address")
            with attempt(db):
                membership = invitations.accept(db, me.user, invitation)
            auth_service.switch_org(db, me, membership.org_id)
            return redirect("/alliances", "joined")
        if find_user(db, invitation.email) is not None:
            return _accept_existing(request, db, settings, info, invitation, token, form)
        if str(form.get("password", "")) != str(form.get("password_confirm", "")):
            raise ValidationFailed("password_confirm", "does not match the password")
        with attempt(db):
            account = newcomers.NewAccount(values["name"], str(form.get("password", "")))
            user, _membership = newcomers.accept_as_new(db, invitation, account)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="invitation")
        return _join_page(
            request, db, settings, info, invitation, token, errors=errors, values=values
        )
    web_token, _web = auth_service.start_session(db, settings, user, client=client_of(request))
    response = redirect("/alliances", "joined")
    set_session_cookie(response, settings, web_token)
    return response


def _accept_existing(
    request: Request,
    db: DbSession,
    settings: Settings,
    info: SessionInfo | None,
    invitation: OrgInvitation,
    token: str,
    form: FormData,
) -> Response:
    """Accept for an existing account after checking its password (and second factor)."""
    try:
        check = newcomers.check_account(
            db,
            settings,
            invitation,
            password=str(form.get("password", "")),
            code=form_field(form, "code"),
            client=client_of(request),
        )
    except TooManyRequests as exc:
        errors = FormErrors(general=[exc.message], status_code=429)
        response = _join_page(request, db, settings, info, invitation, token, errors=errors)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if check.user is None:
        errors = form_errors(ValidationFailed(check.field, check.rule), FIELDS, LABELS)
        return _join_page(request, db, settings, info, invitation, token, errors=errors)
    try:
        with attempt(db):
            invitations.accept(db, check.user, invitation)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="invitation")
        return _join_page(request, db, settings, info, invitation, token, errors=errors)
    return redirect("/login", "joined_sign_in")


@router.post("/join/decline", response_class=HTMLResponse)
def join_decline(
    request: Request, db: DbSession, settings: SettingsDep, info: MaybeSession, form: RawForm
) -> Response:
    """Decline through the link (holding the link is enough to say no)."""
    _check_form_token(request, form, info)
    token = form_field(form, "token")
    invitation = invitations.by_token(db, settings, token)
    if invitation is None or not invitations.is_open(invitation, utcnow()):
        return _join_page(request, db, settings, info, None, token)
    invitations.decline(db, invitation, actor=invitations.invitee_actor(invitation))
    return page(request, "join.html", {"state": "declined", "invitation": invitation})


@router.post("/account/invitations/{invitation_id}/accept")
def invitation_accept(
    invitation_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> RedirectResponse:
    """Accept, in the app, an invitation addressed to one's own e-mail address."""
    membership = invitations.accept_mine(db, info.user, invitation_id)
    auth_service.switch_org(db, info, membership.org_id)
    return redirect("/alliances", "joined")


@router.post("/account/invitations/{invitation_id}/decline")
def invitation_decline(
    invitation_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> RedirectResponse:
    """Decline, in the app, an invitation addressed to one's own e-mail address."""
    invitations.decline_mine(db, info.user, invitation_id)
    return redirect("/account", "invitation_declined_self", anchor="invitations")
