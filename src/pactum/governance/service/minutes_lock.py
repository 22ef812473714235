"""Signed records stay signed (SIG-3): minutes are circulated as a draft, then locked for
signing; locked minutes change only after an explicit reopening.

- The chair of the meeting or an alliance manager locks the held meeting's minutes: from
  then on nothing in them changes (notes, attendance, agenda, papers, in-meeting votes,
  action items, the meeting's minuted fields) and the approvers are asked to sign.
- To change locked minutes, the chair or an alliance manager reopens them with a reason:
  a new minutes version, every signature invalidated, audited with the reason, and each
  signer told at once. The content as it stood is kept; when the minutes are locked
  again, the signers are told what changed, old → new, and the audit entry lists it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.access.records import audit_record
from pactum.alliances.service import member_names
from pactum.core.errors import Conflict, Forbidden, ValidationFailed
from pactum.core.time import utcnow
from pactum.core.updates import check_version
from pactum.governance.service import committees
from pactum.governance.service.meetings import (
    MINUTES,
    announce,
    check_started,
    get_meeting,
    meeting_link,
)
from pactum.governance.service.minutes import minutes_content, minutes_signatures
from pactum.models import Meeting
from pactum.notify.service import notify
from pactum.signatures import service as signatures

SHOWN = 120  # characters of an old or new value quoted in a change


def _may_lock(view: AllianceView, meeting: Meeting) -> None:
    if "alliance_manager" in view.roles or meeting.chair_user_id == view.principal.user_id:
        return
    raise Forbidden("Only the meeting's chair or an alliance manager locks or reopens minutes.")


def _plain(content: dict[str, Any]) -> dict[str, Any]:
    """The content as stored JSON (ids and times as text)."""
    return dict(json.loads(signatures.canonical(content)))


def _quote(value: Any) -> str:
    text = " ".join(str(value or "").split())
    return f"“{text[:SHOWN]}{'…' if len(text) > SHOWN else ''}”"


def changes(old: dict[str, Any], new: dict[str, Any], names: dict[str, str]) -> list[str]:
    """What changed between two versions of the minutes' content, in words (old → new)."""
    found: list[str] = []
    labels = {
        "title": "Title",
        "starts_at": "Start",
        "location": "Location",
        "chair_user_id": "Chair",
        "summary": "Summary",
    }
    for key, label in labels.items():
        before, after = old["meeting"].get(key), new["meeting"].get(key)
        if before != after:
            if key == "chair_user_id":
                before, after = names.get(before or "", before), names.get(after or "", after)
            found.append(f"{label}: {_quote(before)} → {_quote(after)}")
    came = sorted(set(new["present"]) - set(old["present"]))
    went = sorted(set(old["present"]) - set(new["present"]))
    if came or went:
        who = [f"+{names.get(u, 'a member')}" for u in came]
        who += [f"-{names.get(u, 'a member')}" for u in went]
        found.append("Present: " + ", ".join(who))
    before_items = {i["id"]: i for i in old["items"]}
    after_items = {i["id"]: i for i in new["items"]}
    for item_id, item in after_items.items():
        was = before_items.get(item_id)
        if was is None:
            found.append(f"Agenda item added: {_quote(item['title'])}")
            continue
        for key in ("title", "kind", "position", "notes"):
            if was[key] != item[key]:
                found.append(
                    f"Item {item['position']} {_quote(was['title'])} {key}: "
                    f"{_quote(was[key])} → {_quote(item[key])}"
                )
        if was["papers"] != item["papers"]:
            found.append(f"Item {item['position']} {_quote(item['title'])}: papers changed")
    for item_id, item in before_items.items():
        if item_id not in after_items:
            found.append(f"Agenda item removed: {_quote(item['title'])}")
    before_d = {d["reference"]: d["in_meeting"] for d in old["decisions"]}
    for d in new["decisions"]:
        was = before_d.get(d["reference"], "not in the minutes")
        if was != d["in_meeting"]:
            found.append(f"{d['reference']}: {_quote(was)} → {_quote(d['in_meeting'])}")

    def by_voter(votes: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
        return {
            (v["decision_id"], v["member"]): f"{v['choice']} {v['option'] or ''}".strip()
            for v in votes
        }

    before_v, after_v = by_voter(old["votes"]), by_voter(new["votes"])
    for voter in sorted(set(before_v) | set(after_v)):
        if before_v.get(voter) != after_v.get(voter):
            found.append(
                f"Vote of {names.get(voter[1], 'a member')}: "
                f"{_quote(before_v.get(voter, 'none'))} → {_quote(after_v.get(voter, 'none'))}"
            )
    old_actions = [a["title"] for a in old["actions"]]
    new_actions = [a["title"] for a in new["actions"]]
    if old["actions"] != new["actions"]:
        added = [t for t in new_actions if t not in old_actions]
        removed = [t for t in old_actions if t not in new_actions]
        parts = [f"+{_quote(t)}" for t in added] + [f"-{_quote(t)}" for t in removed]
        found.append("Action items: " + (", ".join(parts) if parts else "edited"))
    return found


def lock(
    session: Session, view: AllianceView, meeting_id: uuid.UUID, *, expected_version: int | None
) -> Meeting:
    """Lock a held meeting's draft minutes for signing; after a reopening, tell the
    previous signers what changed."""
    meeting = get_meeting(session, view, meeting_id, lock=True)
    _may_lock(view, meeting)
    check_version(expected_version, meeting.version)
    if meeting.status != "held":
        raise Conflict("status: minutes are locked once the meeting has been held")
    check_started(meeting, "minutes are locked")
    if meeting.minutes_state == "locked":
        raise Conflict("minutes: the minutes are already locked for signing")
    content = minutes_content(session, view, meeting)
    previous = meeting.minutes_reopened_from
    changed: list[str] = []
    signers: set[tuple[str, str]] = set()
    if previous:
        names = {str(k): v for k, v in member_names(session, view).items()}
        changed = changes(previous["content"], _plain(content), names)
        signers = {(u, o) for u, o in previous["signers"]}
    meeting.minutes_state = "locked"
    meeting.minutes_reopened_from = None
    meeting.version += 1
    meeting.updated_at = utcnow()
    session.flush()
    audit_record(
        session,
        view,
        meeting,
        "meeting",
        "minutes.lock",
        old={"minutes_state": "draft"},
        new={
            "minutes_state": "locked",
            "minutes_version": meeting.minutes_version,
            "content_sha256": signatures.content_hash(content),
            **({"changes": changed or ["nothing"]} if previous else {}),
        },
    )
    what = "; ".join(changed) if changed else "nothing"
    me = (str(view.principal.user_id), str(view.org_id))
    for user_id, org_id in sorted(signers - {me}):  # told what changed, approvers or not
        notify(
            session,
            user_id=uuid.UUID(user_id),
            org_id=uuid.UUID(org_id),
            alliance_id=view.alliance_id,
            text=f"The minutes of {meeting.title} you signed are locked again for signing. "
            f"Changed since you signed: {what}.",
            link=meeting_link(meeting),
            email=True,
        )
    for seat in committees.seats(session, view, [meeting.committee_id], active_only=True):
        key = (str(seat.user_id), str(seat.owner_org_id))
        if seat.minutes_approver and key != me and key not in signers:
            notify(
                session,
                user_id=seat.user_id,
                org_id=seat.owner_org_id,
                alliance_id=view.alliance_id,
                text=f"The minutes of {meeting.title} are locked for your signature.",
                link=meeting_link(meeting),
                email=True,
            )
    announce(session, view, meeting)
    return meeting


def reopen(
    session: Session,
    view: AllianceView,
    meeting_id: uuid.UUID,
    reason: str,
    *,
    expected_version: int | None,
) -> Meeting:
    """Reopen locked minutes to change them: a reason is required; every signature is
    invalidated and each signer told now (and what changed once they are locked again)."""
    meeting = get_meeting(session, view, meeting_id, lock=True)
    _may_lock(view, meeting)
    check_version(expected_version, meeting.version)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationFailed("reason", "is required to reopen locked minutes")
    if meeting.minutes_state != "locked":
        raise Conflict("minutes: only locked minutes are reopened (these are a draft)")
    content = _plain(minutes_content(session, view, meeting))
    signed = [s for s in minutes_signatures(session, view, meeting) if s.invalidated_at is None]
    meeting.minutes_state = "draft"
    meeting.minutes_reopened_from = {
        "content": content,
        "signers": sorted({(str(x.signer_id), str(x.signer_org_id)) for x in signed}),
    }
    meeting.minutes_version += 1
    meeting.version += 1
    meeting.updated_at = utcnow()
    signatures.invalidate(
        session,
        view,
        object_type=MINUTES,
        object_id=meeting.id,
        reason=f"the minutes were reopened: {reason}",
        tell=False,  # the signers are told below, with who reopened them
    )
    session.flush()
    audit_record(
        session,
        view,
        meeting,
        "meeting",
        "minutes.reopen",
        old={"minutes_state": "locked", "minutes_version": meeting.minutes_version - 1},
        new={
            "minutes_state": "draft",
            "minutes_version": meeting.minutes_version,
            "reason": reason,
            "signatures_invalidated": len(signed),
        },
    )
    for signature in signed:
        if signature.signer_id == view.principal.user_id:
            continue
        notify(
            session,
            user_id=signature.signer_id,
            org_id=signature.signer_org_id,
            alliance_id=view.alliance_id,
            text=(
                f"{view.principal.name} reopened the minutes of {meeting.title} that you "
                f"signed; your signature no longer applies. Reason: {reason}. You will be "
                "told what changed when they are locked again."
            ),
            link=meeting_link(meeting),
            email=True,
        )
    announce(session, view, meeting)
    return meeting
