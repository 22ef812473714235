"""The alliance's governance overview: its committees, upcoming meetings, open decisions
and overdue action items, with the buttons to set up, schedule and propose."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from pactum.access import AllianceView, open_alliance
from pactum.alliances.service import member_names
from pactum.core.time import utcnow
from pactum.governance.pages import common
from pactum.governance.service import actions, committees, meetings, register
from pactum.http.db import DbSession
from pactum.models import ActionItem, Committee, Decision, Meeting
from pactum.web.forms import page
from pactum.web.session import WebUser

router = APIRouter()

OPEN_DECISIONS_SHOWN = 300


@dataclass(frozen=True)
class CommitteeRow:
    """A committee with what the overview says about it."""

    committee: Committee
    members: int
    chair: str
    escalates_to: str


def committee_rows(
    db: Session, view: AllianceView, by_id: dict[uuid.UUID, Committee] | None = None
) -> list[CommitteeRow]:
    """The alliance's committees with their active seat counts (``by_id``: the committees,
    when the caller already has them)."""
    by_id = by_id if by_id is not None else common.committee_map(db, view)
    found = list(by_id.values())
    seats = committees.seats(db, view, [c.id for c in found], active_only=True)
    names = view.party_names
    return [
        CommitteeRow(
            c,
            sum(1 for s in seats if s.committee_id == c.id),
            names.get(c.chair_org_id, "—") if c.chair_org_id else "—",
            by_id[c.escalates_to_id].name if c.escalates_to_id in by_id else "—",
        )
        for c in found
    ]


def split_meetings(
    db: Session, view: AllianceView, recent: int = 5
) -> tuple[list[Meeting], list[Meeting]]:
    """(meetings still to come, soonest first; the latest ``recent`` past ones)."""
    now = utcnow()
    found = meetings.list_meetings(db, view)
    upcoming = sorted(
        (m for m in found if m.ends_at >= now and m.status != "cancelled"),
        key=lambda m: (m.starts_at, m.id),
    )
    return upcoming, [m for m in found if m.ends_at < now][:recent]


def open_decisions(db: Session, view: AllianceView) -> list[Decision]:
    """Undecided matters as of now (their clocks applied), soonest due first."""
    found = register.undecided(db, view, OPEN_DECISIONS_SHOWN)
    return sorted(found, key=lambda d: (d.escalate_on or d.deadline, d.reference))


def overdue_actions(db: Session, view: AllianceView) -> list[ActionItem]:
    """Open action items past their due date."""
    today = utcnow().date()
    return [
        a for a in actions.list_actions(db, view, status="open") if actions.is_overdue(a, today)
    ]


@router.get("/alliances/{alliance_id}/governance", response_class=HTMLResponse)
def governance(
    request: Request, alliance_id: uuid.UUID, db: DbSession, info: WebUser
) -> HTMLResponse:
    """Governance at a glance: committees, upcoming meetings, open decisions, overdue actions."""
    view = open_alliance(db, info.principal, alliance_id)
    by_id = common.committee_map(db, view)
    upcoming, recent = split_meetings(db, view)
    return page(
        request,
        "governance.html",
        {
            "alliance": view.alliance,
            "committees": committee_rows(db, view, by_id),
            "upcoming": upcoming,
            "recent": recent,
            "decisions": open_decisions(db, view),
            "overdue": overdue_actions(db, view),
            "by_id": by_id,
            "names": member_names(db, view),
            "parties": view.party_names,
            "kind_labels": common.KIND_LABELS,
            "cadence_labels": common.CADENCE_LABELS,
            "status_labels": common.DECISION_STATUS_LABELS,
            "meeting_status_labels": common.MEETING_STATUS_LABELS,
            "now_before": common.now_before,
            "when_due": common.when_due,
            "today": utcnow().date(),
            "can_manage": view.can("governance.manage"),
            "can_meet": view.can("meetings.write") and bool(by_id),
            "can_propose": view.can("decisions.propose") and bool(by_id),
        },
        nav="alliances",
    )
