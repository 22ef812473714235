"""JSON routes for statements: FX rates, royalty statements, true-ups and P&L shares."""

from __future__ import annotations

from fastapi import APIRouter

from pactum.statements.fx import api as fx_api
from pactum.statements.pnl import api as pnl_api
from pactum.statements.royalty import api as royalty_api
from pactum.statements.trueup import api as trueup_api

router = APIRouter()
for _module in (fx_api, royalty_api, trueup_api, pnl_api):
    router.include_router(_module.router)
