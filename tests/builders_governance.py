"""Decisions for a large alliance (shared by the query-bound tests and the governance
benchmark)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from pactum.core.time import utcnow
from pactum.models import Committee, Decision, Vote
from tests.builders import LargeAlliance

DOMAINS = (
    "development",
    "clinical",
    "regulatory",
    "manufacturing",
    "commercial",
    "pricing",
    "budget",
    "publications",
)
STATUSES = ("approved",) * 6 + ("rejected", "deadlocked", "open", "final_say", "arbitration")
TOPICS = (
    "Phase 2 protocol amendment",
    "CMC tech transfer",
    "Budget reallocation",
    "Publication plan",
    "Launch sequence",
    "Pricing corridor",
    "Trial site expansion",
    "Biomarker strategy",
)


def add_decisions(session: Session, big: LargeAlliance, count: int) -> None:
    """``count`` decisions (with two votes each) across three committees."""
    a, b = big.manager.org_id, big.partner.org_id
    assert a is not None
    assert b is not None
    rnd = random.Random(2026)
    common: dict[str, Any] = {"alliance_id": big.alliance_id, "visibility": "shared"}
    bodies = []
    for name, kind in (
        ("Executive officers", "executive_officers"),
        ("JSC", "jsc"),
        ("JDC", "jdc"),
    ):
        body = Committee(
            **common,
            owner_org_id=a,
            name=name,
            kind=kind,
            created_by_id=big.manager.user_id,
            escalates_to_id=bodies[0].id if bodies else None,
        )
        session.add(body)
        session.flush()
        bodies.append(body)
    start = date(2021, 1, 1)
    today = utcnow().date()
    decisions: list[dict[str, Any]] = []
    votes: list[dict[str, Any]] = []
    per_year: dict[int, int] = {}
    for _ in range(count):
        opened = start + timedelta(days=rnd.randrange(6 * 365))
        per_year[opened.year] = per_year.get(opened.year, 0) + 1
        body = rnd.choice(bodies[1:])
        status = rnd.choice(STATUSES)
        decided = status in ("approved", "rejected")
        decision_id = uuid.uuid4()
        stamp = datetime(opened.year, opened.month, opened.day, 12, tzinfo=UTC)
        decisions.append(
            {
                **common,
                "id": decision_id,
                "owner_org_id": rnd.choice((a, b)),
                "reference": f"DEC-{opened.year}-{per_year[opened.year]:04d}",
                "committee_id": body.id,
                "body_id": body.id,
                "domain": rnd.choice(DOMAINS),
                "question": f"{rnd.choice(TOPICS)} #{rnd.randrange(10**6)}?",
                "background": "",
                "options": [],
                "status": status,
                "rung": 0,
                "ladder": [str(body.id), str(bodies[0].id)],
                "opened_on": opened,
                # as the scheduler leaves them: nothing undecided is past its clock
                "deadline": max(opened + timedelta(days=14), today + timedelta(days=30))
                if status == "open"
                else opened + timedelta(days=14),
                "outcome": "approved unanimously" if status == "approved" else "",
                "chosen_option": "",
                "rationale": "Agreed at the meeting." if decided else "",
                "decided_at": stamp + timedelta(days=7) if decided else None,
                "proposed_by_id": big.manager.user_id,
                "version": 3,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        for org, user in ((a, big.manager.user_id), (b, big.partner.user_id)):
            votes.append(
                {
                    **common,
                    "id": uuid.uuid4(),
                    "owner_org_id": org,
                    "decision_id": decision_id,
                    "rung": 0,
                    "body_id": body.id,
                    "party_org_id": org,
                    "member_id": user,
                    "choice": "yes" if status == "approved" else rnd.choice(("yes", "no")),
                    "option": "",
                    "comment": "",
                    "cast_at": stamp + timedelta(days=1),
                }
            )
    for chunk in range(0, len(decisions), 2000):
        session.execute(insert(Decision), decisions[chunk : chunk + 2000])
        session.execute(insert(Vote), votes[2 * chunk : 2 * chunk + 4000])
    session.flush()
