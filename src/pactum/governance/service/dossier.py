"""The dossier of an escalated matter, for the hand-off to arbitration: the matter, the
ladder it climbed, its timeline, every vote at every rung, each party's stated position,
and the minutes of the meetings where it was discussed (shared records only: a party's
private notes never go in)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.alliances.service import member_names
from pactum.core.time import utcnow
from pactum.governance import documents
from pactum.governance.service import committees, due, meetings, minutes, progress
from pactum.governance.service.decisions import positions_of


def dossier_doc(session: Session, view: AllianceView, shown: due.AsOf) -> documents.DossierDoc:
    """Everything an arbitrator needs about one decision, as of now (a step that fell due
    is in its timeline at its due time, as the scheduler records it)."""
    decision = shown.decision
    names = member_names(session, view)
    parties = view.party_names
    ladder = progress.ladder_of(session, view, decision)
    bodies = {c.id: c.name for c in committees.list_committees(session, view)}
    rungs = [f"{b.name} ({b.decision_days} business days)" for b in ladder.bodies]
    party = ladder.origin.final_say.get(decision.domain)
    final = next((n for o, n in parties.items() if str(o) == party), None)
    rungs.append(f"Final say: {final}" if final else "Arbitration")
    timeline = tuple(
        documents.TimelineEntry(
            at=s.at, body=bodies.get(s.body_id, "") if s.body_id else "", text=s.text
        )
        for s in [*progress.steps_of(session, view, decision.id), *shown.pending]
    )
    votes = tuple(
        documents.VoteLine(
            body=bodies.get(v.body_id, ""),
            party=parties.get(v.party_org_id, ""),
            member=names.get(v.member_id, ""),
            choice=v.choice + (f" ({v.option})" if v.option else ""),
            at=v.cast_at,
        )
        for v in progress.votes_of(session, view, [decision.id])
    )
    positions = tuple(
        documents.Position(party=parties.get(p.owner_org_id, ""), text=p.text)
        for p in positions_of(session, view, decision.id)
    )
    meeting_ids = {v.meeting_id for v in progress.votes_of(session, view, [decision.id])}
    meeting_ids.add(decision.meeting_id)
    held = [meetings.get_meeting(session, view, m) for m in sorted(x for x in meeting_ids if x)]
    return documents.DossierDoc(
        alliance=view.alliance.name,
        reference=decision.reference,
        question=decision.question,
        domain=decision.domain,
        status=decision.status,
        outcome=decision.outcome,
        generated_at=utcnow(),
        ladder=tuple(rungs),
        timeline=timeline,
        votes=votes,
        positions=positions,
        minutes=tuple(minutes.minutes_doc(session, view, m) for m in held),
    )
