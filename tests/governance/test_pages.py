"""Governance pages: committees, meetings (agenda, attendance, decisions from items,
action items, private notes, signed minutes), the decision register (search, filters,
pages, exports), the decision page (votes, escalation, final say) and action items.
Bad input shows the error next to the field (422) and changes nothing."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, date, datetime
from html import unescape
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.core.time import freeze, frozen
from pactum.models import ActionItem, AuditEntry, Committee, Decision, Meeting, MeetingNote
from pactum.settings import Settings
from tests.conftest import PASSWORD, World
from tests.governance.support import Gov, ok, setup_governance, written_decision
from tests.support import page_text, sign_in

MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
STARTED = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)  # the JSC Q4 meeting has started


def _clock(html: str) -> list[str]:
    """The items of a decision page's timeline chart, as its description lists them."""
    found = re.search(r'aria-label="Timeline of [^"]*".*?<desc>(.*?)</desc>', html, re.S)
    assert found, "no timeline chart"
    return unescape(found.group(1)).split("; ")


def _count(db: Session, model: type, **where: object) -> int:
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return int(db.execute(system_scope(stmt)).scalar_one())


def _as(client: TestClient, db: Session, settings: Settings, world: World, key: str) -> str:
    client.cookies.clear()
    return sign_in(client, db, settings, world[key])


def _post(client: TestClient, url: str, data: dict[str, Any]) -> str:
    """Post a form that must redirect (303); returns where to."""
    response = client.post(url, data=data, follow_redirects=False)
    assert response.status_code == 303, page_text(response.text)[:2000]
    return str(response.headers["location"])


def _version(html: str, action: str) -> str:
    """The hidden version of the form posting to ``action``."""
    found = re.search(
        rf'action="{re.escape(action)}"[^>]*>[^<]*<input type="hidden" name="csrf_token"[^>]*>'
        r'\s*<input type="hidden" name="version" value="(\d+)"',
        html,
    )
    assert found, action
    return found.group(1)


def test_committee_forms_with_errors_next_to_fields(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The overview's empty state; a charter with a missing name and a domain without a
    party is refused beside the fields (nothing stored); good charters are set up, the
    ladder is shown in words, seats are added and ended."""
    base = f"/alliances/{world.alliance_id}"
    csrf = sign_in(client, db, settings, world["a_manager"])
    overview = client.get(f"{base}/governance")
    assert overview.status_code == 200
    assert "No committees yet" in overview.text
    assert f'href="{base}/governance"' in overview.text  # the alliance's section navigation
    form = {
        "csrf_token": csrf,
        "name": "",
        "kind": "jsc",
        "cadence": "quarterly",
        "chair_rotation": "alternate_yearly",
        "chair_org_id": str(world.orgs["A"]),
        "quorum_per_party": "1",
        "absence_rule": "recalled_meeting_proceeds",
        "fs-domain-0": "development",
        "reserved": "amendment, breach",
        "decision_days": "15",
    }
    bad = client.post(f"{base}/committees/new", data=form)
    assert bad.status_code == 422
    assert 'id="error-summary"' in bad.text
    assert 'id="fs-party-0-error"' in bad.text
    assert _count(db, Committee, alliance_id=world.alliance_id) == 0
    form["fs-party-0"] = str(world.orgs["A"])
    bad = client.post(f"{base}/committees/new", data={**form, "holidays": "someday"})
    assert bad.status_code == 422
    assert 'id="name-error"' in bad.text
    assert 'id="holidays-error"' in bad.text
    assert _count(db, Committee, alliance_id=world.alliance_id) == 0

    execs_url = _post(
        client,
        f"{base}/committees/new",
        {
            **form,
            "name": "Executive officers",
            "kind": "executive_officers",
            "fs-domain-0": "",
            "fs-party-0": "",
            "decision_days": "30",
        },
    )
    execs_id = execs_url.split("?")[0].rsplit("/", 1)[-1]
    jsc_url = _post(
        client,
        f"{base}/committees/new",
        {**form, "name": "Joint Steering Committee", "escalates_to_id": execs_id},
    ).split("?")[0]
    page = page_text(client.get(jsc_url).text)
    assert "Ladder: Joint Steering Committee → Executive officers" in page
    assert "Helix Test Bio decides development matters" in page
    assert "A matter it cannot agree on goes to Executive officers when 15 business days" in page

    # Editing the charter with a stale version is refused (DATA-1); a fresh one saves.
    edit = client.get(f"{jsc_url}/edit").text
    version = _version(edit, f"{jsc_url}/edit")
    stale = client.post(
        f"{jsc_url}/edit", data={**form, "name": "JSC", "version": str(int(version) + 5)}
    )
    assert stale.status_code == 412
    assert "changed by someone else" in stale.text
    _post(
        client,
        f"{jsc_url}/edit",
        {**form, "name": "JSC", "version": version, "escalates_to_id": execs_id},
    )
    assert "<h1>JSC</h1>" in client.get(jsc_url).text

    # A working group reports to a committee and has no more authority than it.
    group = {**form, "name": "CMC working group", "kind": "working_group"}
    alone = client.post(f"{base}/committees/new", data=group)
    assert alone.status_code == 422
    assert 'id="escalates_to_id-error"' in alone.text
    group |= {"escalates_to_id": jsc_url.rsplit("/", 1)[-1], "fs-party-0": str(world.orgs["B"])}
    stronger = client.post(f"{base}/committees/new", data=group)
    assert stronger.status_code == 422
    assert 'id="fs-party-0-error"' in stronger.text
    assert "has no more authority than JSC" in page_text(stronger.text)
    assert _count(db, Committee, alliance_id=world.alliance_id) == 2

    # Seats: our own people only; a person on the body above may not sit here too.
    _post(
        client,
        f"{execs_url.split('?')[0]}/seats",
        {"csrf_token": csrf, "user_id": str(world["a_finance"].user_id), "voting": "on"},
    )
    clash = client.post(
        f"{jsc_url}/seats",
        data={"csrf_token": csrf, "user_id": str(world["a_finance"].user_id), "voting": "on"},
    )
    assert clash.status_code == 409
    assert 'id="seat-user_id-error"' in clash.text
    outsider = client.post(
        f"{jsc_url}/seats",
        data={"csrf_token": csrf, "user_id": str(world["b_manager"].user_id), "voting": "on"},
    )
    assert outsider.status_code == 422
    _post(
        client,
        f"{jsc_url}/seats",
        {
            "csrf_token": csrf,
            "user_id": str(world["a_manager"].user_id),
            "voting": "on",
            "minutes_approver": "on",
        },
    )
    detail = client.get(jsc_url).text
    assert "End seat" in detail
    end = re.search(r'action="([^"]+/seats/[^"]+/end)"', detail)
    assert end
    _post(client, end.group(1), {"csrf_token": csrf, "version": _version(detail, end.group(1))})
    assert "Nobody seated yet" in client.get(jsc_url).text
    export = client.get(f"{base}/governance/committees.csv")
    assert export.status_code == 200
    assert "Executive officers" in export.text


def _meeting(client: TestClient, world: World, gov: Gov, csrf: str) -> str:
    """Schedule a JSC meeting through the page; returns its address."""
    base = f"/alliances/{world.alliance_id}"
    url = _post(
        client,
        f"{base}/meetings/new",
        {
            "csrf_token": csrf,
            "committee_id": str(gov.jsc),
            "title": "JSC Q4",
            "starts_at": "2026-11-23T14:00",
            "ends_at": "2026-11-23T16:00",
            "location": "Video call",
            "chair_user_id": str(world["a_manager"].user_id),
        },
    )
    return url.split("?")[0]


def test_meeting_page_flow_private_notes_and_signed_minutes(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Schedule (end before start refused), agenda, attendance and quorum, a decision on a
    decision item voted in the meeting, an action item, private notes the other party
    never sees, and minutes signed by both approvers (a wrong password is refused and
    audited; a later edit visibly invalidates the signatures)."""
    base = f"/alliances/{world.alliance_id}"
    with frozen(MON):
        gov = setup_governance(client, world)
        csrf = sign_in(client, db, settings, world["a_manager"])
        before = _count(db, Meeting, alliance_id=world.alliance_id)
        bad = client.post(
            f"{base}/meetings/new",
            data={
                "csrf_token": csrf,
                "committee_id": str(gov.jsc),
                "title": "JSC Q4",
                "starts_at": "2026-11-23T14:00",
                "ends_at": "2026-11-23T13:00",
            },
        )
        assert bad.status_code == 422
        assert 'id="ends_at-error"' in bad.text
        assert "Ends (UTC) must be after starts_at" in page_text(bad.text)
        assert _count(db, Meeting, alliance_id=world.alliance_id) == before
        meeting = _meeting(client, world, gov, csrf)
        page = client.get(meeting).text
        assert "Download invitation" in page
        ics = client.get(f"{meeting}/invitation.ics")
        assert ics.status_code == 200
        assert "BEGIN:VCALENDAR" in ics.text

        # Agenda: a paper link must be http(s); a decision item.
        bad = client.post(
            f"{meeting}/items",
            data={
                "csrf_token": csrf,
                "kind": "decision",
                "title": "Phase 2 start",
                "papers": "Protocol | ftp://x",
            },
        )
        assert bad.status_code == 422
        assert 'id="item-papers-error"' in bad.text
        _post(
            client,
            f"{meeting}/items",
            {
                "csrf_token": csrf,
                "kind": "decision",
                "title": "Start the Phase 2 study",
                "description": "Protocol v3 is final.",
                "papers": "Protocol v3 | https://docs.example.com/p2",
            },
        )
        page = client.get(meeting).text
        assert 'href="https://docs.example.com/p2"' in page
        item = re.search(r'action="[^"]+/items/([0-9a-f-]{36})/decision"', page)
        assert item
        item_id = item.group(1)

        # Attendance: a voting member of each party (the quorum is one): quorate. Not
        # before the meeting starts (14:00); then it is taken.
        present = [world[k].user_id for k in ("a_manager", "b_manager")]
        early = client.post(
            f"{meeting}/attendance",
            data={
                "csrf_token": csrf,
                "version": _version(page, f"{meeting}/attendance"),
                "present": [str(u) for u in present],
            },
        )
        assert early.status_code == 409
        assert "attendance is recorded once the meeting has started" in page_text(early.text)
        freeze(STARTED)
        csrf = sign_in(client, db, settings, world["a_manager"])  # the morning's session idled out
        _post(
            client,
            f"{meeting}/attendance",
            {
                "csrf_token": csrf,
                "version": _version(page, f"{meeting}/attendance"),
                "present": [str(u) for u in present],
            },
        )
        page = client.get(meeting).text
        assert "Quorum met" in page

        # Propose from the item: a deadline in the past is refused beside the field.
        bad = client.post(
            f"{meeting}/items/{item_id}/decision",
            data={
                "csrf_token": csrf,
                "question": "Start Phase 2?",
                "domain": "development",
                "deadline": "2026-11-01",
            },
        )
        assert bad.status_code == 422
        assert f'id="decide-{item_id}-deadline-error"' in bad.text
        assert _count(db, Decision, alliance_id=world.alliance_id) == 0
        decision = _post(
            client,
            f"{meeting}/items/{item_id}/decision",
            {
                "csrf_token": csrf,
                "question": "Start Phase 2?",
                "domain": "development",
                "deadline": "2026-11-23",
            },
        ).split("?")[0]
        assert "Waiting on the vote of" in client.get(decision).text
        _post(client, f"{decision}/vote", {"csrf_token": csrf, "choice": "yes"})

        # Our private note, an action item for B's contributor.
        _post(client, f"{meeting}/notes", {"csrf_token": csrf, "body": "A-only: hold firm"})
        bad = client.post(
            f"{meeting}/actions",
            data={
                "csrf_token": csrf,
                "title": "Send the CMC plan",
                "assignee_id": "",
                "due_on": "2026-12-01",
            },
        )
        assert bad.status_code == 422
        assert 'id="action-assignee_id-error"' in bad.text
        _post(
            client,
            f"{meeting}/actions",
            {
                "csrf_token": csrf,
                "title": "Send the CMC plan",
                "assignee_id": str(world["b_contributor"].user_id),
                "due_on": "2026-12-01",
                "agenda_item_id": item_id,
            },
        )
        page = client.get(meeting).text
        assert "A-only: hold firm" in page
        assert "Only Helix Test Bio sees these" in page

        # B's contributor sits on the JSC but was not present: may not vote in the meeting.
        csrf = _as(client, db, settings, world, "b_contributor")
        absent = client.post(f"{decision}/vote", data={"csrf_token": csrf, "choice": "no"})
        assert absent.status_code == 409
        assert "must attend the meeting to vote in it" in page_text(absent.text)

        # B votes yes in the meeting: approved; B never sees A's note.
        csrf = _as(client, db, settings, world, "b_manager")
        page = client.get(meeting).text
        assert "A-only: hold firm" not in page
        assert "Only Meridian Test Pharma sees these" in page
        assert "Send the CMC plan" in page
        _post(client, f"{decision}/vote", {"csrf_token": csrf, "choice": "yes"})
        assert "Approved" in page_text(client.get(decision).text)

        # Minutes: draft until locked (no sign form yet); B's alliance manager locks them;
        # a wrong password is refused (and audited); then B signs.
        page = client.get(meeting).text
        assert f'action="{meeting}/sign"' not in page
        assert "Draft, being written" in page_text(page)
        _post(
            client,
            f"{meeting}/minutes/lock",
            {"csrf_token": csrf, "version": _version(page, f"{meeting}/minutes/lock")},
        )
        page = client.get(meeting).text
        assert "Locked for signing" in page_text(page)
        assert f'action="{meeting}/items/{item_id}/notes"' not in page
        sha = re.search(r'name="content_sha256" value="([0-9a-f]{64})"', page)
        assert sha
        version = _version(page, f"{meeting}/sign")
        sign = {
            "csrf_token": csrf,
            "version": version,
            "content_sha256": sha.group(1),
            "printed_name": "B Manager",
        }
        refused = client.post(f"{meeting}/sign", data={**sign, "password": "wrong"})
        assert refused.status_code == 422
        assert 'id="sign-password-error"' in refused.text
        audited = db.execute(
            system_scope(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "signature.refused")
            )
        ).scalar_one()
        assert audited >= 1
        _post(client, f"{meeting}/sign", {**sign, "password": PASSWORD})
        page = page_text(client.get(meeting).text)
        assert "Awaiting signature of: Helix Test Bio" in page

        csrf = _as(client, db, settings, world, "a_manager")
        _post(
            client,
            f"{meeting}/sign",
            {**sign, "csrf_token": csrf, "printed_name": "A Manager", "password": PASSWORD},
        )
        page = page_text(client.get(meeting).text)
        assert "Signed by every party" in page
        pdf = client.get(f"{meeting}/minutes.pdf")
        assert pdf.status_code == 200
        assert pdf.content[:4] == b"%PDF"

        # Signed minutes change only after a reopening with a reason; then an edit shows
        # the invalidated signatures.
        html = client.get(meeting).text
        notes_action = f"{meeting}/items/{item_id}/notes"
        reopen = f"{meeting}/minutes/reopen"
        no_reason = client.post(
            reopen, data={"csrf_token": csrf, "reason": "", "version": _version(html, reopen)}
        )
        assert no_reason.status_code == 422
        assert 'id="reopen-reason-error"' in no_reason.text
        _post(
            client,
            reopen,
            {
                "csrf_token": csrf,
                "reason": "Wrong outcome noted",
                "version": _version(html, reopen),
            },
        )
        html = client.get(meeting).text
        assert "Draft, being written" in page_text(html)
        _post(
            client,
            notes_action,
            {
                "csrf_token": csrf,
                "notes": "Agreed to start.",
                "version": _version(html, notes_action),
            },
        )
        page = page_text(client.get(meeting).text)
        assert "Edited after signing — signatures invalidated" in page
        assert "Invalidated by a later edit" in page
        export = client.get(f"{meeting}/signatures.xlsx")
        assert export.headers["content-type"].startswith("application/vnd.openxml")
        attendance = client.get(f"{meeting}/attendance.csv")
        assert "A Manager" in attendance.text
    assert _count(db, MeetingNote, alliance_id=world.alliance_id) == 1


def test_written_decision_errors_then_deadlock_escalation_and_final_say(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """A missing question or a past deadline is refused beside the field; a written
    decision deadlocks, escalates to the executive officers when its clock runs out (the
    page applies the clocks), deadlocks again, and the final-say party decides."""
    base = f"/alliances/{world.alliance_id}"
    with frozen(MON):
        gov = setup_governance(client, world)
        csrf = sign_in(client, db, settings, world["a_manager"])
        form = {
            "csrf_token": csrf,
            "committee_id": str(gov.jsc),
            "domain": "development",
            "question": "",
            "deadline": "2026-11-01",
            "options": "Site A\nSite B",
        }
        bad = client.post(f"{base}/decisions/new", data=form)
        assert bad.status_code == 422
        assert 'id="question-error"' in bad.text
        bad = client.post(f"{base}/decisions/new", data={**form, "question": "Where?"})
        assert bad.status_code == 422
        assert 'id="deadline-error"' in bad.text
        assert "Deadline must not be in the past" in page_text(bad.text)
        assert _count(db, Decision, alliance_id=world.alliance_id) == 0
        url = _post(
            client,
            f"{base}/decisions/new",
            {**form, "question": "Where to run Phase 2?", "deadline": "2026-11-27"},
        )
        url = url.split("?")[0]
        html = client.get(url).text
        page = page_text(html)
        assert "Open: before Joint Steering Committee" in page
        assert "Final say: Helix Test Bio" in page
        assert _clock(html) == [
            "2026-11-23 Open · Joint Steering Committee (done)",
            "2026-11-27 Vote due (due)",
        ]
        # A yes names an alternative.
        bad = client.post(f"{url}/vote", data={"csrf_token": csrf, "choice": "yes"})
        assert bad.status_code == 422
        assert 'id="vote-option-error"' in bad.text
        _post(client, f"{url}/vote", {"csrf_token": csrf, "choice": "yes", "option": "Site A"})
        assert "Vote for Helix" not in client.get(url).text  # one vote per party
        csrf = _as(client, db, settings, world, "b_manager")
        _post(
            client,
            f"{url}/vote",
            {"csrf_token": csrf, "choice": "no", "comment": "Site B is cheaper"},
        )
        html = client.get(url).text
        page = page_text(html)
        assert (
            "Deadlocked in Joint Steering Committee: escalates to Executive officers on 2026-12-14"
        ) in page
        assert _clock(html) == [
            "2026-11-23 Open · Joint Steering Committee (done)",
            "2026-11-23 Deadlocked · Joint Steering Committee (done)",
            "2026-12-14 Moves up the ladder (due)",
        ]
        _post(client, f"{url}/position", {"csrf_token": csrf, "text": "Site B saves 20%."})
    with frozen(datetime(2026, 12, 14, 9, 0, tzinfo=UTC)):
        csrf = _as(client, db, settings, world, "a_finance")
        page = page_text(client.get(url).text)
        assert "Open: before Executive officers" in page
        assert "Escalated to Executive officers" in page
        assert "Site B saves 20%." in page
        _post(client, f"{url}/vote", {"csrf_token": csrf, "choice": "yes", "option": "Site A"})
        csrf = _as(client, db, settings, world, "b_finance")
        _post(client, f"{url}/vote", {"csrf_token": csrf, "choice": "yes", "option": "Site B"})
    with frozen(datetime(2027, 1, 25, 9, 0, tzinfo=UTC)):
        csrf = _as(client, db, settings, world, "b_manager")
        page = client.get(url).text
        assert "Decide under" not in page
        assert "Waiting on Helix Test Bio to decide" in page_text(page)
        csrf = _as(client, db, settings, world, "a_manager")
        page = client.get(url).text
        assert "has the final say over development and decides" in page_text(page)
        bad = client.post(
            f"{url}/final-say",
            data={"csrf_token": csrf, "choice": "yes", "option": "Site A", "rationale": ""},
        )
        assert bad.status_code == 422
        assert 'id="final-rationale-error"' in bad.text
        _post(
            client,
            f"{url}/final-say",
            {"csrf_token": csrf, "choice": "yes", "option": "Site A", "rationale": "Our sites."},
        )
        page = page_text(client.get(url).text)
        assert "approved by Helix Test Bio under its final say: Site A" in page
        votes = client.get(f"{url}/votes.csv")
        assert votes.text.count("Executive officers") == 2
        dossier = client.get(f"{url}/dossier.zip")
        assert dossier.content[:2] == b"PK"


def test_register_paginates_filters_and_exports(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """60 decisions: 50 per page, "Showing 51–60 of 60" on page 2; search and status
    filter the page and the downloads alike; an unreadable date is reported."""
    base = f"/alliances/{world.alliance_id}"
    with frozen(MON):
        gov = setup_governance(client, world)
        for n in range(59):
            written_decision(client, world, gov, date(2026, 12, 4), question=f"Routine {n}?")
        odd = written_decision(
            client, world, gov, date(2026, 12, 4), question="Approve the zebrafish model?"
        )
        ok(
            client.post(
                f"{gov.base}/decisions/{odd['id']}/withdraw",
                headers={**world["a_manager"].headers, "If-Match": '"1"'},
            )
        )
        sign_in(client, db, settings, world["b_manager"])
        first = page_text(client.get(f"{base}/decisions").text)
        assert "Showing 1–50 of 60" in first
        second = client.get(f"{base}/decisions", params={"page": "2"})
        assert "Showing 51–60 of 60" in page_text(second.text)
        assert 'aria-current="page"' in second.text
        found = page_text(client.get(f"{base}/decisions", params={"q": "zebrafish"}).text)
        assert "Showing 1–1 of 1" in found
        assert "Approve the zebrafish model?" in found
        withdrawn = page_text(
            client.get(f"{base}/decisions", params={"status": "withdrawn", "per_page": "25"}).text
        )
        assert "Showing 1–1 of 1" in withdrawn
        none = page_text(
            client.get(f"{base}/decisions", params={"committee_id": str(gov.execs)}).text
        )
        assert "No decisions match" in none
        bad = client.get(f"{base}/decisions", params={"opened_from": "last week"})
        assert bad.status_code == 422
        assert 'id="filter-opened_from-error"' in bad.text
        csv = client.get(f"{base}/decisions.csv", params={"q": "routine"})
        assert csv.status_code == 200
        assert csv.text.count("Routine") == 59
        assert "zebrafish" not in csv.text
        xlsx = client.get(f"{base}/decisions.xlsx", params={"status": "withdrawn"})
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet is not None
        assert sheet.max_row == 2
        overview = page_text(client.get(f"{base}/governance").text)
        assert "Undecided matters (59)" in overview
        assert client.get(f"{base}/governance/open-decisions.xlsx").status_code == 200


def test_action_items_overdue_done_and_my_actions(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Overdue items are highlighted on the alliance's list, the overview and "My
    actions"; the assignee marks one done; the list filters and exports."""
    base = f"/alliances/{world.alliance_id}"
    with frozen(MON):
        gov = setup_governance(client, world)
        csrf = sign_in(client, db, settings, world["a_manager"])
        meeting = _meeting(client, world, gov, csrf)
        for title, due in (("Late report", "2026-11-20"), ("Budget", "2026-12-20")):
            _post(
                client,
                f"{meeting}/actions",
                {
                    "csrf_token": csrf,
                    "title": title,
                    "due_on": due,
                    "assignee_id": str(world["b_contributor"].user_id),
                },
            )
        listing = client.get(f"{base}/actions").text
        assert listing.count("tag--overdue") == 1
        assert "Overdue action items (1)" in page_text(client.get(f"{base}/governance").text)
        csrf = _as(client, db, settings, world, "b_contributor")
        mine = client.get("/actions")
        assert mine.status_code == 200
        assert "Late report" in mine.text
        assert "gov-row--overdue" in mine.text
        item = re.search(r'href="(/alliances/[^"]+/actions/[0-9a-f-]{36})">Late report', mine.text)
        assert item
        page = client.get(item.group(1)).text
        assert "Mark as done" in page
        assert "Save action item" not in page  # the assignee may only mark it done
        _post(
            client,
            f"{item.group(1)}/status",
            {
                "csrf_token": csrf,
                "status": "done",
                "version": _version(page, f"{item.group(1)}/status"),
            },
        )
        assert "Late report" not in client.get("/actions").text
        assert "Late report" in client.get("/actions", params={"include_done": "1"}).text
        export = client.get("/actions.csv")
        assert "Budget" in export.text
        assert "Late report" not in export.text
        csrf = _as(client, db, settings, world, "a_manager")
        done = client.get(f"{base}/actions", params={"status": "done"}).text
        assert "Late report" in done
        assert "Budget" not in done
        xlsx = client.get(f"{base}/actions.xlsx", params={"status": "all"})
        assert xlsx.status_code == 200
        page = client.get(item.group(1)).text
        bad = client.post(
            item.group(1),
            data={
                "csrf_token": csrf,
                "title": "Late report",
                "due_on": "soon",
                "status": "done",
                "assignee_id": str(world["b_contributor"].user_id),
                "version": _version(page, item.group(1)),
            },
        )
        assert bad.status_code == 422
        assert 'id="due_on-error"' in bad.text
    assert _count(db, ActionItem, alliance_id=world.alliance_id, status="done") == 1


def test_outsider_and_missing_ids_answer_404(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """A real meeting of an alliance the caller's organisation is not in answers exactly
    like a missing id."""
    gov = setup_governance(client, world)
    made = ok(
        client.post(
            f"{gov.base}/committees/{gov.jsc}/meetings",
            headers=world["a_manager"].headers,
            json={
                "title": "JSC",
                "starts_at": "2030-01-10T09:00:00Z",
                "ends_at": "2030-01-10T10:00:00Z",
            },
        ),
        201,
    )
    sign_in(client, db, settings, world["c_admin"])
    real = client.get(f"/alliances/{world.alliance_id}/meetings/{made['id']}")
    missing = client.get(f"/alliances/{world.alliance_id}/meetings/{uuid.uuid4()}")
    assert real.status_code == missing.status_code == 404
    assert real.content == missing.content
