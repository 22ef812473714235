"""CSV/XLSX exports of one true-up: its cost lines, the result per party and the signatures."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.core.cells import amount
from pactum.http.db import DbSession
from pactum.models import TrueUp
from pactum.signatures import service as signatures
from pactum.statements.trueup import service
from pactum.statements.trueup import signing as signoff
from pactum.statements.trueup.calc import PARTIES
from pactum.statements.trueup.pages import (
    LINES_HEADER,
    PARTY_LABELS,
    RESULT_HEADER,
    SIGNATURES_HEADER,
)
from pactum.web.exports import ExportFormat, slug, table_response
from pactum.web.session import WebUser

router = APIRouter()


def _export(
    db: Session, view: AllianceView, true_up: TrueUp, table: str, fmt: ExportFormat
) -> Response:
    names = view.party_names
    stem = f"{slug(view.alliance.name, 'alliance')}-true-up-{true_up.year}-q{true_up.quarter}"
    if table == "lines":
        rows: list[list[Any]] = [
            [
                names.get(ln.party_org_id, ""),
                ln.work_package,
                ln.category,
                ln.description,
                ln.amount,
                ln.currency,
                ln.disputed,
                ln.dispute_reason,
                ln.created_at,
            ]
            for ln in service.lines_of(db, view, true_up)
        ]
        return table_response(fmt, f"{stem}-lines", LINES_HEADER, rows, title="Cost lines")
    if table == "result":
        parties = service.result_of(true_up)["parties"]
        rows = [
            [
                names.get(uuid.UUID(parties[p]["org_id"]), ""),
                PARTY_LABELS[p],
                *(amount(parties[p][k]) for k in RESULT_KEYS),
            ]
            for p in PARTIES
        ]
        return table_response(fmt, f"{stem}-result", RESULT_HEADER, rows, title="Result")
    shown = signatures.manifestations(
        signoff.signatures_of(db, view, true_up), names, signoff.content_sha256(true_up)
    )
    rows = [
        [
            m.printed_name,
            m.party,
            m.role,
            m.meaning,
            m.signed_at,
            m.object_version,
            m.content_sha256,
            m.valid,
            m.invalidated_at,
        ]
        for m in shown
    ]
    return table_response(fmt, f"{stem}-signatures", SIGNATURES_HEADER, rows, title="Signatures")


RESULT_KEYS = (
    "budget",
    "cap",
    "reported",
    "disputed",
    "shareable",
    "excess",
    "share",
    "balance_now",
    "balance_held",
)


@router.get("/alliances/{alliance_id}/true-ups/{true_up_id}/lines.{fmt}")
def lines_export(
    alliance_id: uuid.UUID, true_up_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The true-up's cost lines as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    return _export(db, view, service.get_true_up(db, view, true_up_id), "lines", fmt)


@router.get("/alliances/{alliance_id}/true-ups/{true_up_id}/result.{fmt}")
def result_export(
    alliance_id: uuid.UUID, true_up_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The true-up's result per party as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    return _export(db, view, service.get_true_up(db, view, true_up_id), "result", fmt)


@router.get("/alliances/{alliance_id}/true-ups/{true_up_id}/signatures.{fmt}")
def signatures_export(
    alliance_id: uuid.UUID, true_up_id: uuid.UUID, fmt: ExportFormat, db: DbSession, info: WebUser
) -> Response:
    """The true-up's signatures (valid and invalidated) as CSV or Excel."""
    view = open_alliance(db, info.principal, alliance_id)
    return _export(db, view, service.get_true_up(db, view, true_up_id), "signatures", fmt)
