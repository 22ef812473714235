"""Pages for milestone claims: list, claim, answer, resolve, invoice, internal notes."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.agreements import service as agreements
from pactum.agreements.terms import parse_terms, payable_events
from pactum.alliances.service import list_members
from pactum.core.time import utcnow
from pactum.http.db import DbSession
from pactum.http.idempotency import first_use
from pactum.invoices import service as invoices
from pactum.milestones import service
from pactum.milestones.schemas import ClaimCreate, DisputeCreate, DisputeResolve, NoteCreate
from pactum.models import MilestoneClaim
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.forms import (
    FORM_ERRORS,
    FormErrors,
    amount_text,
    attempt,
    form_errors,
    form_version,
    page,
    redirect,
)
from pactum.web.session import Form, WebUser, field

router = APIRouter()

STATUS_LABELS = {
    "claimed": "Awaiting answer",
    "disputed": "Disputed",
    "confirmed": "Confirmed",
    "invoiced": "Invoiced",
    "withdrawn": "Withdrawn",
}
FIELDS = {
    k: k
    for k in (
        "agreement_id",
        "milestone",
        "achieved_on",
        "evidence",
        "amount",
        "currency",
        "reason",
        "outcome",
        "resolution",
        "body",
    )
}
LABELS = {
    "agreement_id": "Agreement",
    "milestone": "Milestone",
    "achieved_on": "Achieved on",
    "evidence": "Evidence",
    "amount": "Amount",
    "currency": "Currency",
    "reason": "Reason for disputing",
    "outcome": "Outcome",
    "resolution": "Resolution",
    "body": "Note",
}


@router.get("/alliances/{alliance_id}/milestones", response_class=HTMLResponse)
def claims(request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser) -> HTMLResponse:
    """Milestone claims of the alliance."""
    view = open_alliance(db, info.principal, alliance_id)
    return page(
        request,
        "milestones.html",
        {
            "alliance": view.alliance,
            "rows": service.list_claims(db, view),
            "names": view.party_names,
            "status_labels": STATUS_LABELS,
            "today": utcnow().date(),
            "can_claim": view.can("milestones.claim"),
        },
        nav="alliances",
    )


def _new_form(
    request: Request,
    db: Session,
    view: AllianceView,
    values: dict[str, str],
    errors: FormErrors | None = None,
) -> HTMLResponse:
    found = [
        a
        for a in agreements.list_agreements(db, view)
        if a.status == "in_force" and view.org_id in {a.licensor_org_id, a.licensee_org_id}
    ]
    suggestions: list[tuple[str, str, str]] = []
    today = utcnow().date()
    versions = agreements.versions_of(db, view, [a.id for a in found])
    for a in found:
        version = agreements.in_force(versions[a.id], max(today, a.effective_date))
        assert version is not None  # version 1 is in force from the effective date
        suggestions += [
            (str(a.id), label, f"{amount:.2f}")
            for label, amount in payable_events(parse_terms(version.terms))
        ]
    return page(
        request,
        "milestone_new.html",
        {
            "alliance": view.alliance,
            "agreements": [(str(a.id), f"{a.title} ({a.currency})") for a in found],
            "suggestions": suggestions,
            "values": values,
            "errors": errors or FormErrors(),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/milestones/new", response_class=HTMLResponse)
def claim_new(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The form to claim a milestone (events payable under the terms are suggested)."""
    view = open_alliance(db, info.principal, alliance_id)
    view.require("milestones.claim")
    values = {"achieved_on": utcnow().date().isoformat()}
    chosen = request.query_params.get("event", "")
    if "|" in chosen:
        agreement_id, _, label = chosen.partition("|")
        values.update(agreement_id=agreement_id, milestone=label)
        values["amount"] = request.query_params.get("amount", "")[:20]
    return _new_form(request, db, view, values)


@router.post("/alliances/{alliance_id}/milestones/new", response_class=HTMLResponse)
def claim_create(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Claim the milestone."""
    view = open_alliance(db, info.principal, alliance_id)
    keys = ("agreement_id", "milestone", "achieved_on", "evidence", "amount")
    values = {k: field(form, k) for k in keys}
    values["evidence"] = str(form.get("evidence", ""))
    try:
        with attempt(db):
            data = ClaimCreate.model_validate({**values, "amount": amount_text(values["amount"])})
            claim = service.create_claim(db, view, data)
    except FORM_ERRORS as exc:
        return _new_form(request, db, view, values, form_errors(exc, FIELDS, LABELS, thing="claim"))
    return redirect(f"/alliances/{alliance_id}/milestones/{claim.id}", "claim_made")


def _detail(
    request: Request,
    db: Session,
    view: AllianceView,
    claim: MilestoneClaim,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    names = view.party_names
    people = {m.user_id: m.user.name for m in list_members(db, view)}
    found_disputes = service.disputes(db, view, [claim.id])
    issued = invoices.invoice_for(db, view, "milestone", claim.id)
    timeline: list[tuple[Any, str]] = [
        (
            claim.claimed_at,
            f"Claimed by {people.get(claim.claimed_by_id, 'someone')} "
            f"({names.get(claim.owner_org_id, '')})",
        )
    ]
    for d in found_disputes:
        timeline.append(
            (
                d.raised_at,
                f"Disputed by {people.get(d.raised_by_id, 'someone')} "
                f"({names.get(d.owner_org_id, '')}): {d.reason}",
            )
        )
        if d.resolved_at is not None and d.resolved_by_id is not None:
            outcome = "the claim stands" if d.outcome == "claim_stands" else "claim withdrawn"
            timeline.append(
                (
                    d.resolved_at,
                    f"Dispute resolved by {people.get(d.resolved_by_id, 'someone')}: "
                    f"{outcome}. {d.resolution}",
                )
            )
    if claim.confirmed_at is not None and claim.deemed:
        timeline.append(
            (
                claim.confirmed_at,
                f"Deemed accepted: the notice period ended on {claim.respond_by.isoformat()} "
                "without an answer (recorded by Pactum when it fell due)",
            )
        )
    elif claim.confirmed_at is not None and claim.confirmed_by_id is not None:
        timeline.append(
            (
                claim.confirmed_at,
                f"Confirmed by {people.get(claim.confirmed_by_id, 'someone')} "
                f"({names.get(claim.payer_org_id, '')})",
            )
        )
    if issued is not None:
        timeline.append(
            (
                issued.created_at,
                f"Invoice {issued.number} issued by {people.get(issued.issued_by_id, 'someone')}, "
                f"due {issued.due_on.isoformat()}",
            )
        )
    timeline.sort(key=lambda item: item[0])
    ours = claim.owner_org_id == view.org_id
    addressed = claim.payer_org_id == view.org_id
    return page(
        request,
        "milestone.html",
        {
            "alliance": view.alliance,
            "claim": claim,
            "names": names,
            "people": people,
            "status_labels": STATUS_LABELS,
            "timeline": timeline,
            "disputes": found_disputes,
            "open_dispute": next((d for d in found_disputes if d.status == "open"), None),
            "invoice": issued,
            "invoice_status": invoices.status(issued) if issued else "",
            "notes": service.notes(db, view, claim.id),
            "deemed": service.deemed_accepted(claim),
            "can_answer": addressed and view.can("milestones.respond"),
            "can_resolve": view.can("milestones.respond"),
            "can_withdraw": ours and view.can("milestones.claim"),
            "can_invoice": ours and view.can("finance.write"),
            "can_note": view.can("notes.write"),
            "my_org_name": view.principal.org_name,
            "errors": errors or FormErrors(),
            "values": values or {},
            "form_key": str(uuid.uuid4()),
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/milestones/{claim_id}", response_class=HTMLResponse)
def claim_page(
    request: Request, alliance_id: uuid.UUID, claim_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """A claim: evidence, timeline of who did what, the actions open to us, our notes."""
    view = open_alliance(db, info.principal, alliance_id)
    return _detail(request, db, view, service.get_claim(db, view, claim_id))


DONE = {
    "confirm": "claim_confirmed",
    "dispute": "claim_disputed",
    "resolve": "dispute_resolved",
    "withdraw": "claim_withdrawn",
    "invoice": "claim_invoiced",
    "notes": "note_added",
}


def _act(db: Session, view: AllianceView, claim_id: uuid.UUID, action: str, form: Any) -> None:
    version = form_version(form)
    text = {k: str(form.get(k, "")) for k in ("reason", "resolution", "body", "outcome")}
    if action == "confirm":
        service.confirm(db, view, claim_id, expected_version=version)
    elif action == "dispute":
        reason = DisputeCreate.model_validate({"reason": text["reason"]})
        service.dispute(db, view, claim_id, reason, expected_version=version)
    elif action == "resolve":
        outcome = DisputeResolve.model_validate(
            {"outcome": text["outcome"], "resolution": text["resolution"]}
        )
        service.resolve(db, view, claim_id, outcome, expected_version=version)
    elif action == "withdraw":
        service.withdraw(db, view, claim_id, expected_version=version)
    elif action == "invoice":
        service.invoice(db, view, claim_id)
    else:
        service.add_note(db, view, claim_id, NoteCreate.model_validate({"body": text["body"]}))


def _action_route(action: str) -> Any:
    def endpoint(
        request: Request,
        alliance_id: uuid.UUID,
        claim_id: uuid.UUID,
        db: DbSession,
        info: WebUser,
        form: Form,
    ) -> Response:
        view = open_alliance(db, info.principal, alliance_id)
        found = service.get_claim(db, view, claim_id)
        url = f"/alliances/{alliance_id}/milestones/{claim_id}"
        try:
            with attempt(db):
                # A double-clicked "Issue the invoice" acts once (the key is kept only
                # when the action succeeds: it is in the same savepoint).
                if action != "invoice" or first_use(
                    db, info.principal, field(form, "form_key"), scope=url
                ):
                    _act(db, view, claim_id, action, form)
        except FORM_ERRORS as exc:
            errors = form_errors(exc, FIELDS, LABELS, form=action, thing="claim")
            values = {k: str(form.get(k, "")) for k in ("reason", "resolution", "body", "outcome")}
            return _detail(request, db, view, found, errors, values)
        anchor = "notes" if action == "notes" else ""
        return redirect(f"/alliances/{alliance_id}/milestones/{claim_id}", DONE[action], anchor)

    endpoint.__name__ = f"claim_{action}"
    endpoint.__doc__ = f"{action.capitalize()} (milestone claim page form)."
    return endpoint


for _action in DONE:
    router.add_api_route(
        f"/alliances/{{alliance_id}}/milestones/{{claim_id}}/{_action}",
        _action_route(_action),
        methods=["POST"],
        response_class=HTMLResponse,
    )


HEADER = [
    "Milestone",
    "Claimed by party",
    "Payer",
    "Achieved on",
    "Amount",
    "Currency",
    "Status",
    "Answer due by",
    "Claimed at (UTC)",
    "Evidence",
]


@router.get("/alliances/{alliance_id}/milestones.{fmt}")
def claims_export(
    alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """Milestone claims as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    names = view.party_names
    rows = [
        [
            c.milestone,
            names.get(c.owner_org_id, ""),
            names.get(c.payer_org_id, ""),
            c.achieved_on,
            c.amount,
            c.currency,
            STATUS_LABELS.get(c.status, c.status),
            c.respond_by,
            c.claimed_at,
            c.evidence,
        ]
        for c in service.list_claims(db, view)
    ]
    stem = f"{slug(view.alliance.name, 'alliance')}-milestones"
    return table_response(fmt, stem, HEADER, rows, title="Milestones")
