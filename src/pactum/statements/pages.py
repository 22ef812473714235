"""Pages for statements: FX rates, royalty statements, true-ups and P&L shares."""

from __future__ import annotations

from fastapi import APIRouter

from pactum.statements import (
    fx_pages,
    pnl_pages,
    royalty_exports,
    royalty_pages,
    trueup_exports,
    trueup_forms,
    trueup_line_pages,
    trueup_pages,
)

router = APIRouter()
for _module in (
    fx_pages,
    royalty_pages,
    royalty_exports,
    trueup_pages,
    trueup_forms,
    trueup_line_pages,
    trueup_exports,
    pnl_pages,
):
    router.include_router(_module.router)
