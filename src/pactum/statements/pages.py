"""Pages for statements: FX rates, royalty statements, true-ups and P&L shares."""

from __future__ import annotations

from fastapi import APIRouter

from pactum.statements.fx import pages as fx_pages
from pactum.statements.pnl import pages as pnl_pages
from pactum.statements.royalty import exports as royalty_exports
from pactum.statements.royalty import pages as royalty_pages
from pactum.statements.trueup import exports as trueup_exports
from pactum.statements.trueup import forms as trueup_forms
from pactum.statements.trueup import line_pages as trueup_line_pages
from pactum.statements.trueup import pages as trueup_pages

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
