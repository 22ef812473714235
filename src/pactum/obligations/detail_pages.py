"""The obligation detail page: due dates with their states, history, and the actions
(mark done or open again, record the event, complete, waive or reopen)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pactum.access import AllianceView, open_alliance
from pactum.agreements.service import list_agreements
from pactum.auth.service import SessionInfo
from pactum.http.db import DbSession
from pactum.models import Obligation
from pactum.obligations import rules, service
from pactum.obligations.page_helpers import (
    ACTION_FIELDS,
    ACTION_LABELS,
    KIND_LABELS,
    OCCURRENCE_LABELS,
    STATE_LABELS,
    STATE_TAGS,
    describe_entry,
    table_row,
)
from pactum.obligations.schemas import (
    DoneCreate,
    DoneUndo,
    EventRecord,
    StatusChange,
)
from pactum.web.exports import ExportFormat, slug, table_response
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


# --- detail and actions --------------------------------------------------------------------


def _detail_page(
    request: Request,
    db: Session,
    view: AllianceView,
    obligation: Obligation,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    names = view.party_names
    on = service.today()
    agreement = None
    if obligation.agreement_id is not None:
        agreement = next(
            (a for a in list_agreements(db, view) if a.id == obligation.agreement_id), None
        )
    rule = service.rule_of(obligation)
    return page(
        request,
        "obligation.html",
        {
            "alliance": view.alliance,
            "o": obligation,
            "row": table_row(obligation, names, on),
            "rule": rule,
            "is_event": isinstance(rule, rules.AfterEvent),
            "agreement": agreement,
            "occurrences": service.occurrences(obligation, on),
            "history": [
                (e.ts, e.actor_name or "System", describe_entry(e.action, e.new_values))
                for e in service.history(db, view, obligation)
            ],
            "names": names,
            "kind_labels": KIND_LABELS,
            "state_labels": STATE_LABELS,
            "occurrence_labels": OCCURRENCE_LABELS,
            "state_tags": STATE_TAGS,
            "can_write": view.can("obligations.write"),
            "my_org_name": view.party.org.name,
            "errors": errors or FormErrors(),
            "values": values or {},
            "today": on,
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/obligations/{obligation_id}", response_class=HTMLResponse)
def obligation(
    request: Request,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """An obligation: its rule, due dates and their states, history."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.get_obligation(db, view, obligation_id)
    return _detail_page(request, db, view, found)


@router.get("/alliances/{alliance_id}/obligations/{obligation_id}/occurrences.{fmt}")
def occurrences_export(
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    fmt: ExportFormat,
    db: DbSession,
    info: WebUser,
) -> Response:
    """The obligation's due dates and their states, as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    found = service.get_obligation(db, view, obligation_id)
    rows = [
        [found.title, o.due, OCCURRENCE_LABELS.get(o.state, o.state)]
        for o in service.occurrences(found)
    ]
    stem = f"{slug(found.title, 'obligation')}-due-dates"
    return table_response(fmt, stem, ["Obligation", "Due date", "State"], rows, title="Due dates")


def _action(
    request: Request,
    db: Session,
    info: SessionInfo,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    form: FormData,
    *,
    run: Callable[[AllianceView, dict[str, str], int | None], None],
    done: str,
    form_name: str,
) -> Response:
    """Look the obligation up (404 first), run one service action, show errors in place."""
    view = open_alliance(db, info.principal, alliance_id)
    service.get_obligation(db, view, obligation_id)
    values = {k: field(form, k) for k in ("due_date", "event_date", "reason", "status", "note")}
    try:
        with attempt(db):
            run(view, values, form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, ACTION_FIELDS, ACTION_LABELS, form=form_name, thing="obligation")
        view = open_alliance(db, info.principal, alliance_id)
        current = service.get_obligation(db, view, obligation_id)
        return _detail_page(request, db, view, current, errors=errors, values=values)
    return redirect(f"/alliances/{alliance_id}/obligations/{obligation_id}", done)


@router.post(
    "/alliances/{alliance_id}/obligations/{obligation_id}/done", response_class=HTMLResponse
)
def obligation_done(
    request: Request,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Mark one due date done."""

    def run(view: AllianceView, values: dict[str, str], version: int | None) -> None:
        data = DoneCreate.model_validate(
            {"due_date": values["due_date"] or None, "note": values["note"]}
        )
        service.mark_done(db, view, obligation_id, data, expected_version=version)

    return _action(
        request,
        db,
        info,
        alliance_id,
        obligation_id,
        form,
        run=run,
        done="occurrence_done",
        form_name="done",
    )


@router.post(
    "/alliances/{alliance_id}/obligations/{obligation_id}/undone", response_class=HTMLResponse
)
def obligation_undone(
    request: Request,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Mark a due date open again."""

    def run(view: AllianceView, values: dict[str, str], version: int | None) -> None:
        data = DoneUndo.model_validate({"due_date": values["due_date"] or None})
        service.undo_done(db, view, obligation_id, data, expected_version=version)

    return _action(
        request,
        db,
        info,
        alliance_id,
        obligation_id,
        form,
        run=run,
        done="occurrence_undone",
        form_name="done",
    )


@router.post(
    "/alliances/{alliance_id}/obligations/{obligation_id}/event", response_class=HTMLResponse
)
def obligation_event(
    request: Request,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Record the date the event happened (empty clears it)."""

    def run(view: AllianceView, values: dict[str, str], version: int | None) -> None:
        data = EventRecord.model_validate({"event_date": values["event_date"] or None})
        service.record_event(db, view, obligation_id, data, expected_version=version)

    return _action(
        request,
        db,
        info,
        alliance_id,
        obligation_id,
        form,
        run=run,
        done="event_recorded",
        form_name="event",
    )


@router.post(
    "/alliances/{alliance_id}/obligations/{obligation_id}/status", response_class=HTMLResponse
)
def obligation_status(
    request: Request,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Complete, waive or reopen the obligation."""

    def run(view: AllianceView, values: dict[str, str], version: int | None) -> None:
        data = StatusChange.model_validate(
            {"status": values["status"] or None, "reason": values["reason"]}
        )
        service.set_status(db, view, obligation_id, data, expected_version=version)

    return _action(
        request,
        db,
        info,
        alliance_id,
        obligation_id,
        form,
        run=run,
        done="obligation_status",
        form_name="status",
    )
