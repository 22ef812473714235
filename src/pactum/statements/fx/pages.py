"""Pages for the FX table: propose a quarter's rate, counter-propose or correct, agree;
CSV/XLSX export. The statements landing page is included here too."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.agreements import service as agreements
from pactum.core.time import quarter_of, utcnow
from pactum.http.db import DbSession
from pactum.models import FxRate
from pactum.statements import index
from pactum.statements.fx import service
from pactum.statements.fx.schemas import FxRateCreate, FxRateUpdate
from pactum.statements.page_helpers import whole
from pactum.statements.periods import label
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
router.include_router(index.router)

FIELDS = {
    "year": "year",
    "quarter": "quarter",
    "currency": "currency",
    "target": "target",
    "rate": "rate",
}
LABELS = {
    "year": "Year",
    "quarter": "Quarter",
    "currency": "Currency",
    "target": "Into (agreement currency)",
    "rate": "Rate",
}
STATUS_LABELS = {"proposed": "Proposed", "agreed": "Agreed"}


def rate_rows(db: Session, view: AllianceView, rates: list[FxRate]) -> list[dict[str, Any]]:
    """Each rate with who proposed it and what the caller may do with it."""
    names = view.party_names
    rows = []
    for rate in rates:
        used = service.used_by(db, view, rate) if rate.status == "agreed" else []
        rows.append(
            {
                "rate": rate,
                "period": label(rate.year, rate.quarter),
                "proposer": names.get(rate.owner_org_id, ""),
                "used": used,
                "can_agree": rate.status == "proposed"
                and view.can("finance.approve")
                and rate.owner_org_id != view.org_id,
                "can_change": view.can("finance.write") and not used,
            }
        )
    return rows


def default_target(db: Session, view: AllianceView) -> str:
    """The currency of the alliance's agreements (the first one's), else USD."""
    found = agreements.list_agreements(db, view)
    return found[0].currency if found else "USD"


def _page(
    request: Request,
    db: DbSession,
    view: AllianceView,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> HTMLResponse:
    today = utcnow().date()
    defaults = {
        "year": str(today.year),
        "quarter": str(quarter_of(today)[1]),
        "target": default_target(db, view),
    }
    return page(
        request,
        "fx_rates.html",
        {
            "alliance": view.alliance,
            "rows": rate_rows(db, view, service.list_rates(db, view)),
            "values": {**defaults, **(values or {})},
            "errors": errors or FormErrors(),
            "can_write": view.can("finance.write"),
            "status_labels": STATUS_LABELS,
        },
        status_code=errors.status_code if errors else 200,
        nav="alliances",
    )


@router.get("/alliances/{alliance_id}/fx-rates", response_class=HTMLResponse)
def fx_rates(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """The FX table: proposed and agreed rates per quarter."""
    view = open_alliance(db, info.principal, alliance_id)
    return _page(request, db, view)


@router.post("/alliances/{alliance_id}/fx-rates", response_class=HTMLResponse)
def fx_propose(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser, form: Form
) -> Response:
    """Propose a rate."""
    view = open_alliance(db, info.principal, alliance_id)
    values = {k: field(form, k) for k in FIELDS}
    try:
        with attempt(db):
            data = FxRateCreate.model_validate(
                {
                    "year": whole(form, "year"),
                    "quarter": whole(form, "quarter"),
                    "currency": values["currency"],
                    "target": values["target"],
                    "rate": amount_text(values["rate"]),
                }
            )
            service.propose(db, view, data)
    except FORM_ERRORS as exc:
        errors = form_errors(exc, FIELDS, LABELS, form="propose", thing="rate")
        return _page(request, db, view, values=values, errors=errors)
    return redirect(f"/alliances/{alliance_id}/fx-rates", "fx_proposed")


@router.post("/alliances/{alliance_id}/fx-rates/{fx_rate_id}", response_class=HTMLResponse)
def fx_change(
    request: Request,
    alliance_id: uuid.UUID,
    fx_rate_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Propose a different rate (a counter-proposal or a correction)."""
    view = open_alliance(db, info.principal, alliance_id)
    service.get_rate(db, view, fx_rate_id)
    text = amount_text(field(form, "rate"))
    target = f"rate-{fx_rate_id}"
    try:
        with attempt(db):
            service.change(
                db,
                view,
                fx_rate_id,
                FxRateUpdate.model_validate({"rate": text}),
                expected_version=form_version(form),
            )
    except FORM_ERRORS as exc:
        errors = form_errors(
            exc, {"rate": target}, {target: "New rate"}, form=str(fx_rate_id), thing="rate"
        )
        return _page(request, db, view, values={target: text}, errors=errors)
    return redirect(f"/alliances/{alliance_id}/fx-rates", "fx_changed")


@router.post("/alliances/{alliance_id}/fx-rates/{fx_rate_id}/agree", response_class=HTMLResponse)
def fx_agree(
    request: Request,
    alliance_id: uuid.UUID,
    fx_rate_id: uuid.UUID,
    db: DbSession,
    info: WebUser,
    form: Form,
) -> Response:
    """Agree the other party's proposal."""
    view = open_alliance(db, info.principal, alliance_id)
    service.get_rate(db, view, fx_rate_id)
    try:
        with attempt(db):
            service.agree(db, view, fx_rate_id, expected_version=form_version(form))
    except FORM_ERRORS as exc:
        errors = form_errors(exc, {}, {}, form=str(fx_rate_id), thing="rate")
        return _page(request, db, view, errors=errors)
    return redirect(f"/alliances/{alliance_id}/fx-rates", "fx_agreed")


FX_HEADER = [
    "Year",
    "Quarter",
    "Currency",
    "Into",
    "Rate (one unit in the target currency)",
    "Status",
    "Proposed by",
    "Agreed at (UTC)",
    "Used by",
]


def fx_table(db: Session, view: AllianceView) -> list[list[Any]]:
    """The FX table as export rows."""
    return [
        [
            row["rate"].year,
            row["rate"].quarter,
            row["rate"].currency,
            row["rate"].target,
            Decimal(row["rate"].rate),
            STATUS_LABELS.get(row["rate"].status, row["rate"].status),
            row["proposer"],
            row["rate"].agreed_at,
            "; ".join(row["used"]),
        ]
        for row in rate_rows(db, view, service.list_rates(db, view))
    ]


@router.get("/alliances/{alliance_id}/fx-rates.{fmt}")
def fx_export(alliance_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser) -> Response:
    """The FX table as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    stem = f"{slug(view.alliance.name, 'alliance')}-fx-rates"
    rows = [[str(c) if isinstance(c, Decimal) else c for c in r] for r in fx_table(db, view)]
    return table_response(fmt, stem, FX_HEADER, rows, title="FX rates")
