"""Governance pages: the overview, committees and their charters, meetings and their
minutes, the decision register and decisions, and action items (server-rendered; they
call the same service functions as the JSON API)."""

from __future__ import annotations

from fastapi import APIRouter

from pactum.governance.pages import (
    actions,
    committees,
    decision_forms,
    decisions,
    exports,
    meeting_forms,
    meetings,
    minutes_forms,
    overview,
    paper_forms,
)

router = APIRouter()
# Order matters where a fixed path shares a prefix with an id (".../new" before ".../{id}").
for _sub in (
    overview.router,
    exports.router,
    committees.router,
    meetings.router,
    meeting_forms.router,
    minutes_forms.router,
    paper_forms.router,
    decisions.router,
    decision_forms.router,
    actions.router,
):
    router.include_router(_sub)
