"""The statements landing page: royalty statements, P&L-share statements and the FX
table of the alliance, with a link to the cost-sharing true-ups."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.agreements import service as agreements
from pactum.http.db import DbSession
from pactum.invoices import service as invoices
from pactum.models import PnlStatement, RoyaltyStatement
from pactum.statements.fx import service as fx_service
from pactum.statements.page_helpers import money
from pactum.statements.periods import STATUS_LABELS, label
from pactum.statements.pnl import service as pnl_service
from pactum.statements.royalty import service as royalty_service
from pactum.web.forms import page
from pactum.web.session import WebUser

router = APIRouter()


def royalty_rows(db: Session, view: AllianceView) -> list[dict[str, Any]]:
    """Royalty statements with their agreement, preparer and invoice, for lists."""
    titles = {a.id: a.title for a in agreements.list_agreements(db, view)}
    names = view.party_names
    issued = invoices.invoices_by_source(db, view, "royalty")
    return [
        _row(db, view, item, titles, names, issued.get(item.id))
        for item in royalty_service.list_statements(db, view)
    ]


def pnl_rows(db: Session, view: AllianceView) -> list[dict[str, Any]]:
    """P&L-share statements with their agreement, booking party, payment and invoice."""
    titles = {a.id: a.title for a in agreements.list_agreements(db, view)}
    names = view.party_names
    issued = invoices.invoices_by_source(db, view, "pnl")
    rows = []
    for item in pnl_service.list_statements(db, view):
        row = _row(db, view, item, titles, names, issued.get(item.id))
        payment = pnl_service.payment_of(item)
        row["payer"] = payment.get("payer", "")
        row["payee"] = payment.get("payee", "")
        row["amount"] = money(payment.get("amount", "0"))
        rows.append(row)
    return rows


def _row(
    db: Session,
    view: AllianceView,
    item: RoyaltyStatement | PnlStatement,
    titles: dict[uuid.UUID, str],
    names: dict[Any, str],
    invoice: Any,
) -> dict[str, Any]:
    return {
        "item": item,
        "period": label(item.year, item.quarter),
        "agreement": titles.get(item.agreement_id, ""),
        "status": STATUS_LABELS.get(item.status, item.status),
        "total": money(item.total),
        "prepared_by": names.get(item.owner_org_id, ""),
        "invoice": invoice,
    }


@router.get("/alliances/{alliance_id}/statements", response_class=HTMLResponse)
def statements(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """Royalty and P&L-share statements and the FX table."""
    view = open_alliance(db, info.principal, alliance_id)
    names = view.party_names
    rates = [
        {
            "rate": r,
            "period": label(r.year, r.quarter),
            "proposer": names.get(r.owner_org_id, ""),
        }
        for r in fx_service.list_rates(db, view)
    ]
    return page(
        request,
        "statements.html",
        {
            "alliance": view.alliance,
            "royalties": royalty_rows(db, view),
            "pnls": pnl_rows(db, view),
            "rates": rates,
            "can_write": view.can("finance.write"),
        },
        nav="alliances",
    )
