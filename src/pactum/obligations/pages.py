"""Pages for an alliance's obligations: list with filters and export, add, detail with due
dates (mark done, record the event, complete or waive), edit; plus my deadlines, my
calendar feed and my notifications (included from their own modules)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from pactum.access import AllianceView, open_alliance
from pactum.agreements.service import list_agreements
from pactum.auth.service import SessionInfo
from pactum.http.db import DbSession
from pactum.models import OBLIGATION_KINDS, Obligation
from pactum.obligations import deadline_pages, notification_pages, rules, service
from pactum.obligations.schemas import (
    DoneCreate,
    DoneUndo,
    EventRecord,
    ObligationCreate,
    ObligationUpdate,
    StatusChange,
)
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.forms import (
    DONE_MESSAGES,
    FORM_ERRORS,
    FormErrors,
    attempt,
    checkbox,
    form_errors,
    form_version,
    page,
    parse_uuid,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()
router.include_router(deadline_pages.router)
router.include_router(notification_pages.router)

DONE_MESSAGES.update(
    {
        "obligation_added": "Obligation added.",
        "obligation_saved": "Obligation saved.",
        "obligation_shared": "Obligation saved and now shared with the alliance.",
        "occurrence_done": "Due date marked done.",
        "occurrence_undone": "Due date marked open again.",
        "event_recorded": "Event date saved; the due date follows from it.",
        "obligation_status": "Obligation status changed.",
    }
)

KIND_LABELS = {
    "report": "Report",
    "notice": "Notice",
    "renewal": "Renewal",
    "committee": "Committee",
    "payment": "Payment",
    "other": "Other",
}
STATE_LABELS = {
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "upcoming": "Upcoming",
    "awaiting_event": "Awaiting event",
    "done": "All done",
    "completed": "Completed",
    "waived": "Waived",
}
OCCURRENCE_LABELS = {**STATE_LABELS, "done": "Done"}
STATE_TAGS = {
    "overdue": "tag--overdue",
    "due_soon": "tag--due",
    "done": "tag--done",
    "completed": "tag--done",
}
PERIOD_LABELS = {"month": "month", "quarter": "quarter", "year": "year"}
RULE_LABELS = {
    "fixed": "On a fixed date",
    "after_event": "A number of days after an event",
    "recurring": "Every month, quarter or year",
}
LABELS = {
    "title": "Title",
    "description": "Description",
    "kind": "Kind",
    "agreement_id": "Agreement",
    "responsible_org_id": "Responsible party",
    "amount": "Amount",
    "currency": "Currency",
    "rule_type": "Due-date rule",
    "rule_date": "Due date",
    "rule_event": "Event",
    "rule_days": "Days after the event",
    "rule_event_date": "Date the event happened",
    "rule_period": "Period",
    "rule_days_after": "Days after each period end",
    "rule_start": "From",
    "rule_end": "Until",
    "remind_days": "Remind this many days ahead",
    "visibility": "Who can see it",
    "share": "Share with the partner",
}
FIELDS = {
    "title": "title",
    "description": "description",
    "kind": "kind",
    "agreement_id": "agreement_id",
    "responsible_org_id": "responsible_org_id",
    "amount": "amount",
    "currency": "currency",
    "rule": "rule_type",
    "rule.type": "rule_type",
    "rule.date": "rule_date",
    "rule.event": "rule_event",
    "rule.days": "rule_days",
    "rule.event_date": "rule_event_date",
    "rule.period": "rule_period",
    "rule.days_after": "rule_days_after",
    "rule.start": "rule_start",
    "rule.end": "rule_end",
    "remind_days": "remind_days",
    "visibility": "visibility",
}
UPDATE_FIELDS = {**FIELDS, "visibility": "share"}
TEXT_KEYS = (
    "title",
    "kind",
    "agreement_id",
    "responsible_org_id",
    "amount",
    "currency",
    "rule_type",
    "rule_date",
    "rule_event",
    "rule_days",
    "rule_event_date",
    "rule_period",
    "rule_days_after",
    "rule_start",
    "rule_end",
    "remind_days",
    "visibility",
)
ACTION_FIELDS = {"due_date": "due_date", "event_date": "event_date", "reason": "reason"}
ACTION_LABELS = {
    "due_date": "Due date",
    "event_date": "Date the event happened",
    "reason": "Reason",
    "status": "Status",
}


def describe_entry(action: str, new_values: str) -> str:
    """An audit entry of an obligation in words."""
    try:
        new = json.loads(new_values or "{}")
    except ValueError:
        new = {}
    verb = action.rsplit(".", 1)[-1]
    note = f" — {new['note']}" if new.get("note") else ""
    if verb == "done":
        closed = " (all done: completed)" if new.get("status") == "completed" else ""
        return f"Marked {new.get('due_date', '')} done{closed}{note}"
    if verb == "undone":
        return f"Marked {new.get('due_date', '')} open again{note}"
    if verb == "event":
        when = new.get("event_date")
        return f"Event date set to {when}" if when else "Event date cleared"
    if verb == "status":
        reason = f" — {new['reason']}" if new.get("reason") else ""
        return f"Status changed to {new.get('status', '')}{reason}"
    if verb == "create":
        return "Recorded"
    if verb == "share":
        return "Shared with the alliance"
    if verb == "update":
        changed = ", ".join(LABELS.get(k, k.replace("_", " ")).lower() for k in sorted(new))
        return f"Edited: {changed}" if changed else "Edited"
    return verb.replace("_", " ").capitalize()


def describe_rule(rule: rules.Rule) -> str:
    """The rule in words: “45 days after each quarter end, from 2027-01-01”."""
    if isinstance(rule, rules.Fixed):
        return f"On {rule.on.isoformat()}"
    if isinstance(rule, rules.AfterEvent):
        happened = (
            f"happened {rule.event_date.isoformat()}" if rule.event_date else "not happened yet"
        )
        return f"{rule.days} days after “{rule.event}” ({happened})"
    until = f" until {rule.end.isoformat()}" if rule.end else ""
    return (
        f"{rule.days_after} days after each {PERIOD_LABELS[rule.period]} end, "
        f"from {rule.start.isoformat()}{until}"
    )


def _parties(view: AllianceView) -> list[tuple[str, str]]:
    """Accepted parties, ours first, as select options."""
    accepted = [p for p in view.alliance.parties if p.state == "accepted"]
    accepted.sort(key=lambda p: p.org_id != view.org_id)
    return [(str(p.org_id), p.org.name) for p in accepted]


def _row(obligation: Obligation, names: dict[uuid.UUID, str], on: date) -> dict[str, Any]:
    standing = service.standing(obligation, on)
    return {
        "o": obligation,
        "state": standing.state,
        "next_due": standing.next_due,
        "party": names.get(obligation.responsible_org_id, ""),
        "rule": describe_rule(service.rule_of(obligation)),
    }


# --- list and export -----------------------------------------------------------------------


def _filters(request: Request) -> dict[str, str]:
    params = request.query_params
    kind = params.get("kind", "")
    state = params.get("state", "")
    party = params.get("party", "")
    return {
        "kind": kind if kind in OBLIGATION_KINDS else "",
        "state": state if state in STATE_LABELS else "",
        "party": str(parse_uuid(party) or ""),
    }


def _filtered(db: Session, view: AllianceView, filters: dict[str, str]) -> list[Obligation]:
    return service.list_obligations(
        db,
        view,
        kind=filters["kind"] or None,
        party=parse_uuid(filters["party"]),
        state=filters["state"] or None,
    )


@router.get("/alliances/{alliance_id}/obligations", response_class=HTMLResponse)
def obligations(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The obligations our party may see, with filters."""
    view = open_alliance(db, info.principal, alliance_id)
    filters = _filters(request)
    names = view.party_names
    on = service.today()
    rows = [_row(o, names, on) for o in _filtered(db, view, filters)]
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return page(
        request,
        "obligations.html",
        {
            "alliance": view.alliance,
            "rows": rows,
            "filters": filters,
            "filtered": bool(query),
            "query": query,
            "kinds": [(k, KIND_LABELS[k]) for k in OBLIGATION_KINDS],
            "states": list(STATE_LABELS.items()),
            "parties": _parties(view),
            "state_labels": STATE_LABELS,
            "state_tags": STATE_TAGS,
            "kind_labels": KIND_LABELS,
            "can_write": view.can("obligations.write"),
            "my_org_name": view.party.org.name,
            "today": on,
        },
        nav="alliances",
    )


HEADER = [
    "Title",
    "Kind",
    "Responsible party",
    "Next due date",
    "State",
    "Due-date rule",
    "Remind days ahead",
    "Amount",
    "Currency",
    "Visibility",
    "Status",
    "Dates done",
    "Description",
    "Last changed (UTC)",
]


@router.get("/alliances/{alliance_id}/obligations.{fmt}")
def obligations_export(
    request: Request, alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The obligations our party sees (with the page's filters), as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    names = view.party_names
    on = service.today()
    mine = f"Private to {view.party.org.name}"
    rows = []
    for o in _filtered(db, view, _filters(request)):
        row = _row(o, names, on)
        rows.append(
            [
                o.title,
                KIND_LABELS.get(o.kind, o.kind),
                row["party"],
                row["next_due"],
                STATE_LABELS.get(row["state"], row["state"]),
                row["rule"],
                o.remind_days,
                o.amount,
                o.currency,
                mine if o.visibility == "private" else "Shared",
                o.status.capitalize(),
                ", ".join(o.done),
                o.description,
                o.updated_at,
            ]
        )
    stem = f"{slug(view.alliance.name, 'alliance')}-obligations"
    return table_response(fmt, stem, HEADER, rows, title="Obligations")


# --- add and edit --------------------------------------------------------------------------


def _values(form: FormData) -> dict[str, str]:
    values = {k: field(form, k) for k in TEXT_KEYS}
    values["description"] = str(form.get("description", ""))
    return values


def _rule_input(values: dict[str, str]) -> dict[str, Any]:
    """The rule fields of the chosen type (empty fields as missing)."""

    def opt(key: str) -> str | None:
        return values.get(key) or None

    kind = values.get("rule_type", "")
    if kind == "fixed":
        return {"type": "fixed", "date": opt("rule_date")}
    if kind == "after_event":
        return {
            "type": "after_event",
            "event": values.get("rule_event", ""),
            "days": opt("rule_days"),
            "event_date": opt("rule_event_date"),
        }
    if kind == "recurring":
        return {
            "type": "recurring",
            "period": opt("rule_period"),
            "days_after": opt("rule_days_after"),
            "start": opt("rule_start"),
            "end": opt("rule_end"),
        }
    return {"type": kind or None}


def _schema_input(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": values["title"],
        "description": values["description"],
        "kind": values["kind"],
        "agreement_id": values["agreement_id"] or None,
        "responsible_org_id": values["responsible_org_id"] or None,
        "amount": values["amount"].replace(",", "") or None,
        "currency": values["currency"] or None,
        "rule": _rule_input(values),
        "remind_days": values["remind_days"] or 7,
    }
    return data


def _rule_values(rule: rules.Rule) -> dict[str, str]:
    if isinstance(rule, rules.Fixed):
        return {"rule_type": "fixed", "rule_date": rule.on.isoformat()}
    if isinstance(rule, rules.AfterEvent):
        return {
            "rule_type": "after_event",
            "rule_event": rule.event,
            "rule_days": str(rule.days),
            "rule_event_date": rule.event_date.isoformat() if rule.event_date else "",
        }
    return {
        "rule_type": "recurring",
        "rule_period": rule.period,
        "rule_days_after": str(rule.days_after),
        "rule_start": rule.start.isoformat(),
        "rule_end": rule.end.isoformat() if rule.end else "",
    }


def _form_page(
    request: Request,
    db: Session,
    view: AllianceView,
    *,
    obligation: Obligation | None,
    values: dict[str, str],
    errors: FormErrors | None = None,
    version: int | None = None,
) -> HTMLResponse:
    agreements = [(str(a.id), a.title) for a in list_agreements(db, view)]
    return page(
        request,
        "obligation_form.html",
        {
            "alliance": view.alliance,
            "obligation": obligation,
            "my_org_name": view.party.org.name,
            "kinds": [(k, KIND_LABELS[k]) for k in OBLIGATION_KINDS],
            "parties": _parties(view),
            "agreements": agreements,
            "periods": [(p, p.capitalize()) for p in rules.PERIODS],
            "rule_labels": RULE_LABELS,
            "values": values,
            "version": version
            if version is not None
            else (obligation.version if obligation else 0),
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/obligations/new", response_class=HTMLResponse)
def obligation_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to add an obligation."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("obligations.write")
    values = {
        "kind": request.query_params.get("kind", "report"),
        "responsible_org_id": str(view.org_id),
        "rule_type": "fixed",
        "rule_period": "quarter",
        "remind_days": "7",
        "visibility": "private" if request.query_params.get("private") == "1" else "shared",
    }
    return _form_page(request, db, view, obligation=None, values=values)


@router.post("/alliances/{alliance_id}/obligations/new", response_class=HTMLResponse)
def obligation_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Add the obligation; our party owns it."""
    view = open_alliance(db, info.principal, alliance_id)
    values = _values(form)
    try:
        with attempt(db):
            data = ObligationCreate.model_validate(
                {**_schema_input(values), "visibility": values["visibility"] or "shared"}
            )
            obligation = service.create_obligation(db, view, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, thing="obligation")
        view = open_alliance(db, info.principal, alliance_id)
        return _form_page(request, db, view, obligation=None, values=values, errors=errors)
    return redirect(f"/alliances/{alliance_id}/obligations/{obligation.id}", "obligation_added")


@router.get(
    "/alliances/{alliance_id}/obligations/{obligation_id}/edit", response_class=HTMLResponse
)
def obligation_edit(
    request: Request,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
) -> HTMLResponse:
    """The form to edit an obligation (and to share a private one)."""
    view = open_alliance(db, info.principal, alliance_id)
    obligation = service.get_obligation(db, view, obligation_id)
    view.require("obligations.write")
    values = {
        "title": obligation.title,
        "description": obligation.description,
        "kind": obligation.kind,
        "agreement_id": str(obligation.agreement_id or ""),
        "responsible_org_id": str(obligation.responsible_org_id),
        "amount": f"{obligation.amount:.2f}" if obligation.amount is not None else "",
        "currency": obligation.currency or "",
        "remind_days": str(obligation.remind_days),
        "rule_period": "quarter",
        **_rule_values(service.rule_of(obligation)),
    }
    return _form_page(request, db, view, obligation=obligation, values=values)


@router.post(
    "/alliances/{alliance_id}/obligations/{obligation_id}/edit", response_class=HTMLResponse
)
def obligation_update(
    request: Request,
    alliance_id: uuid.UUID,
    obligation_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Save the obligation; sharing a private one is deliberate and final."""
    view = open_alliance(db, info.principal, alliance_id)
    service.get_obligation(db, view, obligation_id)
    values = _values(form)
    share = checkbox(form, "share")
    version = _version(form)
    try:
        with attempt(db):
            data = _schema_input(values)
            if share:
                data["visibility"] = "shared"
            obligation = service.update_obligation(
                db,
                view,
                obligation_id,
                ObligationUpdate.model_validate(data),
                expected_version=version,
            )
            shared_now = share and obligation.visibility == "shared"
    except FORM_ERRORS as exc:
        errors = form_errors(exc, UPDATE_FIELDS, LABELS, thing="obligation")
        view = open_alliance(db, info.principal, alliance_id)
        current = service.get_obligation(db, view, obligation_id)
        values["share"] = "on" if share else ""
        return _form_page(
            request, db, view, obligation=current, values=values, errors=errors, version=version
        )
    return redirect(
        f"/alliances/{alliance_id}/obligations/{obligation_id}",
        "obligation_shared" if shared_now else "obligation_saved",
    )


def _version(form: FormData) -> int:
    return form_version(form)


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
            "row": _row(obligation, names, on),
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
            run(view, values, _version(form))
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
