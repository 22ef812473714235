"""Decision pages: the register (search, filters, pages), proposing a written decision,
and a decision's page (where it stands, its ladder, votes per rung, positions, history)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.alliances.service import member_names
from pactum.core.errors import ValidationFailed
from pactum.core.time import utcnow
from pactum.governance.pages import common
from pactum.governance.schemas import DecisionCreate
from pactum.governance.service import committees, decisions, due, meetings, progress, register
from pactum.http.db import DbSession
from pactum.models import DECISION_STATUSES, Decision, DecisionStep
from pactum.web import svg
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    attempt,
    form_errors,
    page,
    parse_uuid,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

PER_PAGE_CHOICES = (25, 50, 100, 200)
FILTER_KEYS = ("q", "status", "domain", "committee_id", "opened_from", "opened_to")
FILTER_LABELS = {
    "filter-q": "Search",
    "filter-status": "Status",
    "filter-domain": "Domain",
    "filter-committee_id": "Committee",
    "filter-opened_from": "Opened from",
    "filter-opened_to": "Opened to",
}
NEW_KEYS = ("committee_id", "domain", "question", "background", "options", "deadline")
NEW_LABELS = {
    "committee_id": "Committee",
    "domain": "Domain",
    "question": "Question",
    "background": "Background",
    "options": "Options",
    "deadline": "Deadline",
}


@dataclass(frozen=True)
class Filters:
    """The register's filters as typed, the query they make, and what was wrong."""

    values: dict[str, str]
    query: register.RegisterQuery
    errors: FormErrors

    def encoded(self, **extra: object) -> str:
        """The filters (and ``extra``) as a query string, empty values left out."""
        pairs = {k: v for k, v in self.values.items() if v}
        pairs.update({k: str(v) for k, v in extra.items()})
        return urlencode(pairs)


def read_filters(params: Mapping[str, str], *, paged: bool = True) -> Filters:
    """The register's filters from a query string; unreadable ones are reported, not used."""
    values = {k: str(params.get(k, "")).strip() for k in FILTER_KEYS}
    values["q"] = values["q"][:200]
    values["domain"] = values["domain"][:60]
    errors = FormErrors()
    if values["status"] and values["status"] not in DECISION_STATUSES:
        errors.fields["filter-status"] = "Status: choose one of the options"
        values["status"] = ""
    committee_id = parse_uuid(values["committee_id"])
    if values["committee_id"] and committee_id is None:
        errors.fields["filter-committee_id"] = "Committee: choose one of the options"
        values["committee_id"] = ""
    dates = {}
    for key in ("opened_from", "opened_to"):
        dates[key] = common.date_or_none(values[key])
        if values[key] and dates[key] is None:
            label = FILTER_LABELS[f"filter-{key}"]
            errors.fields[f"filter-{key}"] = f"{label} must be a date such as 2027-03-31"
            values[key] = ""
    per_text = str(params.get("per_page", ""))
    per_page = int(per_text) if per_text.isdecimal() and int(per_text) in PER_PAGE_CHOICES else 50
    page_text = str(params.get("page", ""))
    number = int(page_text) if page_text.isdecimal() and 0 < len(page_text) <= 6 else 1
    query = register.RegisterQuery(
        q=values["q"],
        status=values["status"],
        domain=" ".join(values["domain"].split()).lower(),
        committee_id=committee_id,
        opened_from=dates["opened_from"],
        opened_to=dates["opened_to"],
        page=max(1, number) if paged else 1,
        per_page=per_page if paged else register.PER_PAGE_MAX,
    )
    if paged and per_page != 50:
        values["per_page"] = str(per_page)
    return Filters(values, query, errors)


@router.get("/alliances/{alliance_id}/decisions", response_class=HTMLResponse)
def decision_register(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The decision register: search, filters, pages, downloads with the same filters."""
    view = open_alliance(db, info.principal, alliance_id)
    filters = read_filters(request.query_params)
    rows, total = register.register(db, view, filters.query)
    per_page = filters.query.per_page
    last = max(1, (total + per_page - 1) // per_page)
    number = filters.query.page
    start = (number - 1) * per_page + 1
    by_id = common.committee_map(db, view)
    pages = sorted({p for p in (1, number - 1, number, number + 1, last) if 1 <= p <= last})
    return page(
        request,
        "decisions.html",
        {
            "alliance": view.alliance,
            "rows": rows,
            "total": total,
            "first_shown": start if rows else 0,
            "last_shown": start + len(rows) - 1 if rows else 0,
            "page_number": number,
            "last_page": last,
            "pages": pages,
            "filters": filters,
            "values": filters.values,
            "per_page": per_page,
            "per_page_choices": PER_PAGE_CHOICES,
            "filtered": any(filters.values.get(k) for k in FILTER_KEYS),
            "export_query": urlencode(
                {k: v for k, v in filters.values.items() if v and k in FILTER_KEYS}
            ),
            "statuses": list(common.DECISION_STATUS_LABELS.items()),
            "status_labels": common.DECISION_STATUS_LABELS,
            "domains": [(d, d) for d in register.domains(db, view)],
            "committees": [(str(c.id), c.name) for c in by_id.values()],
            "by_id": by_id,
            "errors": filters.errors,
            "can_propose": view.can("decisions.propose") and bool(by_id),
        },
        status_code=422 if filters.errors else 200,
        nav="alliances",
    )


def _new_page(
    request: Request,
    db: Session,
    view: AllianceView,
    values: dict[str, str],
    errors: FormErrors | None = None,
) -> HTMLResponse:
    found = committees.list_committees(db, view)
    domains = sorted({d for c in found for d in c.final_say} | set(register.domains(db, view)))
    return page(
        request,
        "decision_new.html",
        {
            "alliance": view.alliance,
            "committees": [(str(c.id), c.name) for c in found],
            "domains": domains,
            "values": values,
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/decisions/new", response_class=HTMLResponse)
def decision_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to put a matter to a committee in writing, by a deadline."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("decisions.propose")
    chosen = parse_uuid(request.query_params.get("committee_id", ""))
    values = {
        "committee_id": str(chosen) if chosen else "",
        "deadline": (utcnow().date() + timedelta(days=14)).isoformat(),
    }
    return _new_page(request, db, view, values)


@router.post("/alliances/{alliance_id}/decisions/new", response_class=HTMLResponse)
def decision_propose(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Propose the written decision."""
    view = open_alliance(db, info.principal, alliance_id)
    values = {k: field(form, k) for k in NEW_KEYS}
    values["background"] = common.raw(form, "background")
    values["options"] = common.raw(form, "options")
    try:
        with attempt(db):
            if not values["committee_id"]:
                raise ValidationFailed("committee_id", "choose one of the committees")
            data = DecisionCreate.model_validate(
                {
                    "committee_id": values["committee_id"],
                    "domain": values["domain"],
                    "question": values["question"],
                    "background": values["background"],
                    "options": common.lines(values["options"]),
                    "deadline": values["deadline"],
                }
            )
            made = decisions.propose(db, view, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {k: k for k in NEW_KEYS}, NEW_LABELS, thing="decision")
        return _new_page(request, db, view, values, errors)
    return redirect(f"{common.alliance_url(alliance_id)}/decisions/{made.id}", "decision_proposed")


def decision_page(
    request: Request,
    db: Session,
    view: AllianceView,
    decision: Decision,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render the decision page as of now: a step that fell due shows at its due time, as
    the scheduler records it (reading changes nothing)."""
    shown = due.as_of_one(db, view, decision)
    decision = shown.decision
    ladder = progress.ladder_of(db, view, decision)
    votes = progress.votes_of(db, view, [decision.id])
    steps = [*progress.steps_of(db, view, decision.id), *shown.pending]
    names = member_names(db, view)
    parties = view.party_names
    body = ladder.body(decision.rung)
    here = [v for v in votes if v.rung == decision.rung]
    voted = {v.party_org_id for v in here}
    accepted = [p for p in view.alliance.parties if p.state == "accepted"]
    my_seats = [
        s
        for s in committees.seats(db, view, [b.id for b in ladder.bodies], active_only=True)
        if s.user_id == view.principal.user_id and s.owner_org_id == view.org_id and s.voting
    ]
    final_party = ladder.origin.final_say.get(decision.domain)
    rungs = []
    for rung in range(max([decision.rung, *[v.rung for v in votes]]) + 1):
        rungs.append((rung, ladder.body(rung).name, [v for v in votes if v.rung == rung]))
    meeting = meetings.get_meeting(db, view, decision.meeting_id) if decision.meeting_id else None
    positions = decisions.positions_of(db, view, decision.id)
    escalated = decision.status in decisions.ESCALATED or decision.rung > 0
    return page(
        request,
        "decision.html",
        {
            "alliance": view.alliance,
            "decision": decision,
            "standing": common.standing(view, decision, ladder, steps),
            "origin": ladder.origin,
            "body": body,
            "rungs": rungs,
            "steps": steps,
            "clock": clock_chart(decision, steps, {b.id: b.name for b in ladder.bodies}),
            "bodies": {b.id: b.name for b in ladder.bodies},
            "names": names,
            "parties": parties,
            "meeting": meeting,
            "waiting": [p.org.name for p in accepted if p.org_id not in voted],
            "positions": positions,
            "our_position": next((p for p in positions if p.owner_org_id == view.org_id), None),
            "my_party": parties.get(view.org_id, "your party"),
            "final_party": {str(k): v for k, v in parties.items()}.get(final_party or "", ""),
            "can_vote": decision.status == "open"
            and view.org_id not in voted
            and any(s.committee_id == body.id for s in my_seats),
            "can_final": decision.status == "final_say"
            and final_party == str(view.org_id)
            and (bool(my_seats) or "alliance_manager" in view.roles),
            "can_position": view.can("decisions.position")
            and (escalated or bool(decision.subject_type))
            and decision.status not in ("approved", "rejected", "withdrawn"),
            "can_rationale": decision.status in ("approved", "rejected", "arbitration")
            and view.can("decisions.propose"),
            "can_withdraw": decision.owner_org_id == view.org_id
            and "alliance_manager" in view.roles
            and decision.status in ("open", "deadlocked"),
            "in_meeting": meeting is not None and decision.rung == 0,
            "status_labels": common.DECISION_STATUS_LABELS,
            "choice_labels": common.CHOICE_LABELS,
            "errors": errors or FormErrors(),
            "values": values or {},
            "base": f"{common.alliance_url(view.alliance_id)}/decisions/{decision.id}",
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


def clock_chart(
    decision: Decision, steps: list[DecisionStep], bodies: Mapping[uuid.UUID, str]
) -> Markup:
    """The matter's history and the dates still ahead (vote due, moves up) on one axis."""
    today = utcnow().date()
    items = [
        (
            s.on_day,
            f"{common.DECISION_STATUS_LABELS.get(s.status, s.status)} · "
            f"{bodies.get(s.body_id, '') if s.body_id else ''}".rstrip(" ·"),
            "done",
        )
        for s in steps
    ][-10:]
    if decision.status == "open":
        items.append(
            (decision.deadline, "Vote due", "overdue" if decision.deadline < today else "due")
        )
    if decision.status == "deadlocked" and decision.escalate_on is not None:
        items.append((decision.escalate_on, "Moves up the ladder", "due"))
    end = max([today, *(day for day, _, _ in items)])
    title = f"Timeline of {decision.reference}: its history and the dates ahead"
    return svg.timeline(title, decision.opened_on, end, items)


@router.get("/alliances/{alliance_id}/decisions/{decision_id}", response_class=HTMLResponse)
def decision_view(
    request: Request, alliance_id: uuid.UUID, decision_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """A decision: where it stands and why, its ladder, votes, positions and history."""
    view = open_alliance(db, info.principal, alliance_id)
    return decision_page(request, db, view, decisions.get_decision(db, view, decision_id))
