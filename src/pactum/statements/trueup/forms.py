"""The true-up's own forms: changing budgets, split and note, and signing it off."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pactum.access import AllianceView, open_alliance
from pactum.http.db import DbSession, SettingsDep
from pactum.models import TrueUp
from pactum.signatures import service as signatures
from pactum.statements.trueup import service
from pactum.statements.trueup import signing as signoff
from pactum.statements.trueup.pages import (
    LABELS,
    PHASES,
    SIGN_FIELDS,
    SIGN_LABELS,
    TRUEUP_FIELDS,
    TRUEUP_KEYS,
    base_url,
    detail_page,
    trueup_body,
)
from pactum.statements.trueup.schemas import SignatureCreate, TrueUpUpdate
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    form_errors,
    form_version,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

EDIT_KEYS = TRUEUP_KEYS[3:]


def _edit_values(true_up: TrueUp) -> dict[str, str]:
    inputs = service.inputs_of(true_up)
    budgets = inputs["budgets"]
    phase = inputs.get("phase") or ""
    return {
        "licensor_budget": budgets["licensor"]["amount"],
        "licensor_budget_decision": budgets["licensor"]["decision"],
        "licensee_budget": budgets["licensee"]["amount"],
        "licensee_budget_decision": budgets["licensee"]["decision"],
        "licensor_share": "" if phase else inputs["licensor_share"],
        "phase": phase,
        "note": true_up.note,
        "version": str(true_up.version),
    }


def _edit_page(
    request: Request,
    view: AllianceView,
    true_up: TrueUp,
    values: dict[str, str],
    errors: FormErrors | None = None,
) -> HTMLResponse:
    return page(
        request,
        "trueup_edit.html",
        {
            "alliance": view.alliance,
            "true_up": true_up,
            "phases": PHASES,
            "values": values,
            "errors": errors or FormErrors(),
            "reload_url": f"{base_url(view.alliance_id)}/{true_up.id}/edit",
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/true-ups/{true_up_id}/edit", response_class=HTMLResponse)
def true_up_edit(
    request: Request, alliance_id: uuid.UUID, true_up_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to change budgets, decisions, split or note."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    view.require("finance.write")
    return _edit_page(request, view, true_up, _edit_values(true_up))


@router.post("/alliances/{alliance_id}/true-ups/{true_up_id}/edit", response_class=HTMLResponse)
def true_up_update(
    request: Request,
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save the inputs (invalidates signatures)."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    values = {k: field(form, k) for k in (*EDIT_KEYS, "version")}
    values["note"] = str(form.get("note", ""))
    try:
        with attempt(db):
            data = TrueUpUpdate.model_validate(trueup_body(values, EDIT_KEYS))
            service.update_true_up(db, view, true_up_id, data, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, TRUEUP_FIELDS, LABELS, thing="true-up")
        return _edit_page(request, view, true_up, values, errors)
    return redirect(f"{base_url(alliance_id)}/{true_up_id}", "trueup_saved")


# --- sign-off -------------------------------------------------------------------------


@router.post("/alliances/{alliance_id}/true-ups/{true_up_id}/sign", response_class=HTMLResponse)
def true_up_sign(
    request: Request,
    alliance_id: uuid.UUID,
    true_up_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    settings: SettingsDep,
    form: Form,
) -> Response:
    """Sign the version shown (password again, printed name, meaning approval)."""
    view = open_alliance(db, info.principal, alliance_id)
    true_up = service.get_true_up(db, view, true_up_id)
    values = {"sign-printed_name": field(form, "printed_name")}
    try:
        with attempt(db):
            data = SignatureCreate.model_validate(
                {
                    "version": form_version(form),
                    "password": str(form.get("password", "")),
                    "printed_name": values["sign-printed_name"],
                    "meaning": "approval",
                    "content_sha256": field(form, "content_sha256") or None,
                }
            )
            signoff.sign_true_up(db, view, settings, true_up_id, data)
    except FORM_ERRORS as exc:
        signatures.keep_if_refused(db, settings, exc)
        errors = form_errors(exc, SIGN_FIELDS, SIGN_LABELS, form="sign", thing="true-up")
        return detail_page(request, db, view, true_up, values=values, errors=errors)
    done = "trueup_approved" if true_up.status == "approved" else "trueup_signed"
    return redirect(f"{base_url(alliance_id)}/{true_up_id}", done, "signatures-h")
