"""CSV/XLSX exports of one royalty statement: its sales lines, royalty by country and the
working (every step)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pactum.access import open_alliance
from pactum.http.db import DbSession
from pactum.models import RoyaltyStatement
from pactum.statements.page_helpers import (
    exact,
)
from pactum.statements.royalty import service
from pactum.web.exports import ExportFormat, table_response
from pactum.web.session import WebUser

router = APIRouter()


# --- exports of one statement -------------------------------------------------------------

TABLES: dict[str, tuple[str, list[str]]] = {
    "lines": (
        "Sales lines",
        [
            "Country",
            "Product",
            "Net sales",
            "Currency",
            "Agreed rate",
            "Net sales in agreement currency (unrounded)",
        ],
    ),
    "countries": (
        "By country",
        [
            "Country",
            "Net sales in agreement currency (unrounded)",
            "Royalty-bearing",
            "Exclusivity lost",
            "Royalty (allocated to the cent)",
        ],
    ),
    "steps": ("Working", ["Step", "Amount (exact)"]),
}


def _table(item: RoyaltyStatement, name: str) -> list[list[Any]]:
    result: dict[str, Any] = dict(item.result)
    if name == "lines":
        return [
            [
                ln["country"],
                ln["product"],
                ln["net_sales"],
                ln["currency"],
                ln["rate"],
                exact(ln["converted"]),
            ]
            for ln in result["lines"]
        ]
    if name == "countries":
        return [
            [
                c["country"],
                exact(c["net_sales"]),
                c["royalty_bearing"],
                c["exclusivity_lost"],
                c["royalty"],
            ]
            for c in result["countries"]
        ]
    return [[s["label"], exact(s["amount"])] for s in result["steps"]]


def _export(
    alliance_id: uuid.UUID,
    statement_id: uuid.UUID,
    fmt: ExportFormat,
    name: str,
    db: Session,
    info: Any,
) -> Response:
    view = open_alliance(db, info.principal, alliance_id)
    item = service.get_statement(db, view, statement_id)
    title, header = TABLES[name]
    stem = f"royalty-{item.year}-q{item.quarter}-{name}"
    return table_response(fmt, stem, header, _table(item, name), title=title)


@router.get("/alliances/{alliance_id}/royalty-statements/{royalty_statement_id}/lines.{fmt}")
def royalty_lines_export(
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    fmt: ExportFormat,
    db: DbSession,
    info: WebUser,
) -> Response:
    """The statement's sales lines with their conversion, as CSV or Excel."""
    return _export(alliance_id, royalty_statement_id, fmt, "lines", db, info)


@router.get("/alliances/{alliance_id}/royalty-statements/{royalty_statement_id}/countries.{fmt}")
def royalty_countries_export(
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    fmt: ExportFormat,
    db: DbSession,
    info: WebUser,
) -> Response:
    """The statement's royalty by country, as CSV or Excel."""
    return _export(alliance_id, royalty_statement_id, fmt, "countries", db, info)


@router.get("/alliances/{alliance_id}/royalty-statements/{royalty_statement_id}/steps.{fmt}")
def royalty_steps_export(
    alliance_id: uuid.UUID,
    royalty_statement_id: uuid.UUID,
    fmt: ExportFormat,
    db: DbSession,
    info: WebUser,
) -> Response:
    """The statement's working, step by step, as CSV or Excel."""
    return _export(alliance_id, royalty_statement_id, fmt, "steps", db, info)
