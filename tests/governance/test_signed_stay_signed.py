"""SIG-3: signed records stay signed.

Minutes are a draft, then locked for signing; nothing in locked minutes changes (notes,
attendance, agenda, papers, in-meeting votes and proposals, action items, the minuted
fields of the meeting) until the chair or an alliance manager reopens them with a reason,
which invalidates the signatures, is audited and tells the signers, who are told what
changed (old → new) when the minutes are locked again. Attendance and in-meeting votes
are taken only once the meeting has started. A change to a true-up someone signed tells
the signer what changed. A state machine checks that signed minutes never change
silently, whatever the order of edits, locks, reopenings and signatures.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.core.time import freeze, frozen
from pactum.governance.service import minutes_lock
from pactum.models import AuditEntry
from tests.conftest import World
from tests.governance.support import (
    NOW,
    Gov,
    attend,
    meeting_with_item,
    minutes_act,
    ok,
    setup_governance,
    sign,
)
from tests.statements.trueup_setup import add_line, agreement, open_true_up
from tests.statements.trueup_setup import sign as sign_true_up


def _texts(client: TestClient, world: World, who: str) -> list[str]:
    return [n["text"] for n in ok(client.get("/api/v1/notifications", headers=world[who].headers))]


def _held(client: TestClient, world: World) -> tuple[Gov, str, str, str]:
    gov = setup_governance(client, world)
    meeting_id, item_id = meeting_with_item(client, world, gov)
    attend(client, world, gov, meeting_id, "a_manager", "b_manager")
    return gov, meeting_id, item_id, f"{gov.base}/meetings/{meeting_id}"


def test_attendance_and_votes_only_once_the_meeting_has_started(
    client: TestClient, world: World
) -> None:
    """An hour before the start: attendance is refused (409 naming the start); at the
    start it is taken; a vote in the meeting before its start is refused; the start
    cannot then move into the future."""
    with frozen(NOW - timedelta(hours=1)):
        gov = setup_governance(client, world)
        meeting_id, item_id = meeting_with_item(client, world, gov)
        url = f"{gov.base}/meetings/{meeting_id}"
        early = client.put(
            f"{url}/attendance",
            headers={**world["a_manager"].headers, "If-Match": "*"},
            json={"present": [str(world["a_manager"].user_id)]},
        )
        assert early.status_code == 409
        assert early.json()["detail"] == (
            "status: attendance is recorded once the meeting has started (2026-11-23 09:00 UTC)"
        )
    with frozen(NOW):
        attend(client, world, gov, meeting_id, "a_manager", "b_manager")
        decision = ok(
            client.post(
                f"{gov.base}/decisions",
                headers=world["a_manager"].headers,
                json={
                    "committee_id": str(gov.jsc),
                    "domain": "development",
                    "question": "Go?",
                    "deadline": "2026-11-30",
                    "agenda_item_id": item_id,
                },
            ),
            201,
        )
        moved = client.patch(
            url,
            headers={**world["a_manager"].headers, "If-Match": "*"},
            json={
                "starts_at": (NOW + timedelta(days=1)).isoformat(),
                "ends_at": (NOW + timedelta(days=1, hours=2)).isoformat(),
            },
        )
        assert moved.status_code == 422
        assert moved.json()["detail"][0]["field"] == "starts_at"
    with frozen(NOW - timedelta(minutes=5)):  # a clock that says the meeting is to come
        vote = client.post(
            f"{gov.base}/decisions/{decision['id']}/votes",
            headers=world["a_manager"].headers,
            json={"choice": "yes"},
        )
        assert vote.status_code == 409
        assert "votes in the meeting are cast once the meeting has started" in vote.text


def test_locked_minutes_refuse_every_kind_of_change(client: TestClient, world: World) -> None:
    """Once locked: notes, attendance, a new item, a proposal into the meeting, an action
    item from it and the minuted meeting fields are all refused, and the content hash and
    signatures are unchanged; fields outside the minutes (the end time) still change."""
    with frozen(NOW):
        gov, _meeting_id, item_id, url = _held(client, world)
        decision = ok(
            client.post(
                f"{gov.base}/decisions",
                headers=world["a_manager"].headers,
                json={
                    "committee_id": str(gov.jsc),
                    "domain": "development",
                    "question": "Go?",
                    "deadline": "2026-11-30",
                    "agenda_item_id": item_id,
                },
            ),
            201,
        )
        action = ok(
            client.post(
                f"{gov.base}/actions",
                headers=world["a_manager"].headers,
                json={
                    "title": "Send the plan",
                    "assignee_id": str(world["a_manager"].user_id),
                    "due_on": "2026-12-15",
                    "meeting_id": _meeting_id,
                },
            ),
            201,
        )
        ok(minutes_act(client, world, url, "lock", "a_manager"))
        ok(sign(client, world, gov, _meeting_id, "b_manager"), 201)
        before = ok(client.get(f"{url}/minutes", headers=world["a_manager"].headers))
        headers = {**world["a_manager"].headers, "If-Match": "*"}
        action_url = f"{gov.base}/actions/{action['id']}"
        attempts = [
            client.post(
                f"{gov.base}/decisions/{decision['id']}/votes",
                headers=world["a_manager"].headers,
                json={"choice": "yes"},
            ),
            client.patch(action_url, headers=headers, json={"title": "Send another plan"}),
            client.patch(url, headers=headers, json={"status": "scheduled"}),
            client.patch(f"{url}/items/{item_id}", headers=headers, json={"position": 2}),
            client.patch(f"{url}/items/{item_id}", headers=headers, json={"notes": "x"}),
            client.put(f"{url}/attendance", headers=headers, json={"present": []}),
            client.post(
                f"{url}/items",
                headers=world["a_manager"].headers,
                json={"kind": "information"} | {"title": "Late item"},
            ),
            client.post(
                f"{gov.base}/decisions",
                headers=world["a_manager"].headers,
                json={
                    "committee_id": str(gov.jsc),
                    "domain": "development",
                    "question": "Sneak in?",
                    "deadline": "2026-11-30",
                    "agenda_item_id": item_id,
                },
            ),
            client.post(
                f"{gov.base}/actions",
                headers=world["a_manager"].headers,
                json={
                    "title": "Late action",
                    "assignee_id": str(world["a_manager"].user_id),
                    "due_on": "2026-12-15",
                    "meeting_id": _meeting_id,
                },
            ),
            client.patch(url, headers=headers, json={"title": "Renamed"}),
            client.patch(url, headers=headers, json={"location": "Elsewhere"}),
        ]
        for response in attempts:
            assert response.status_code == 409, response.text
            assert "locked" in response.text
        after = ok(client.get(f"{url}/minutes", headers=world["a_manager"].headers))
        assert after == before
        later_end = (NOW + timedelta(hours=3)).isoformat()
        ok(client.patch(url, headers=headers, json={"ends_at": later_end}))
        ok(client.patch(action_url, headers=headers, json={"status": "done"}))  # progress
        assert ok(client.get(f"{url}/minutes", headers=world["a_manager"].headers)) == before


def test_reopening_is_explicit_audited_and_tells_the_signers_what_changed(
    client: TestClient, db: Session, world: World
) -> None:
    """Only the chair or an alliance manager reopens, with a reason; the signers are told
    at once and, at the next lock, told the old and new text; both steps are audited."""
    with frozen(NOW):
        gov, meeting_id, item_id, url = _held(client, world)
        item = ok(client.get(f"{url}/items", headers=world["a_manager"].headers))[0]
        ok(
            client.patch(
                f"{url}/items/{item_id}",
                headers={**world["a_manager"].headers, "If-Match": f'"{item["version"]}"'},
                json={"notes": "Go to Phase 2 in Q1."},
            )
        )
        ok(minutes_act(client, world, url, "lock", "a_manager"))
        assert any("locked for your signature" in t for t in _texts(client, world, "b_manager"))
        ok(sign(client, world, gov, meeting_id, "b_manager"), 201)
        why = {"reason": "The date of the start was misrecorded"}
        assert minutes_act(client, world, url, "reopen", "b_contributor", why).status_code == 403
        reopened = ok(minutes_act(client, world, url, "reopen", "b_manager", why))
        assert [s["valid"] for s in reopened["signatures"]] == [False]
        assert minutes_act(client, world, url, "reopen", "b_manager", why).status_code == 409
        item = ok(client.get(f"{url}/items", headers=world["a_manager"].headers))[0]
        ok(
            client.patch(
                f"{url}/items/{item_id}",
                headers={**world["a_manager"].headers, "If-Match": f'"{item["version"]}"'},
                json={"notes": "Go to Phase 2 in Q2."},
            )
        )
        ok(minutes_act(client, world, url, "lock", "a_manager"))
        told = _texts(client, world, "b_manager")
        assert any("“Go to Phase 2 in Q1.” → “Go to Phase 2 in Q2.”" in t for t in told), told
    entries = {
        e.action: e
        for e in db.execute(
            system_scope(select(AuditEntry).where(AuditEntry.object_id == meeting_id))
        ).scalars()
    }
    assert "The date of the start was misrecorded" in str(entries["minutes.reopen"].new_values)
    assert "Go to Phase 2 in Q2." in str(entries["minutes.lock"].new_values)


def test_a_change_to_a_signed_true_up_tells_the_signer_what_changed(
    client: TestClient, db: Session, world: World
) -> None:
    """A signs; B then submits a new line: A's signature no longer applies, and A is
    told so with the shareable total before and after."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    line = add_line(client, world, tid, "a_finance", "WP1", "CRO", "100.00")
    sign_true_up(client, world, tid, "a_finance", line["true_up_version"])
    add_line(client, world, tid, "b_finance", "WP2", "CMC", "50.00")
    told = _texts(client, world, "a_finance")
    assert any(
        "no longer applies: cost lines were submitted" in t
        and "shareable total 100.00 EUR → 150.00 EUR" in t
        for t in told
    ), told


def test_the_changes_told_to_signers_name_each_difference() -> None:
    """Old → new for the meeting's fields, attendance, an item's kind, position and notes,
    a vote that changed its choice, and action items."""
    item = {"id": "i1", "position": 1, "kind": "discussion", "title": "Budget", "notes": "a"}
    item["papers"] = []
    vote = {"decision_id": "d1", "party": "p", "member": "u1", "choice": "yes", "option": ""}
    old = {
        "meeting": {"title": "JSC", "summary": ""},
        "present": ["u1"],
        "items": [item],
        "decisions": [],
        "votes": [vote],
        "actions": [{"title": "Send", "assignee_id": "u1", "due_on": "2026-12-01"}],
    }
    new = {
        "meeting": {"title": "JSC Q4", "summary": ""},
        "present": ["u1", "u2"],
        "items": [{**item, "position": 2, "kind": "decision", "notes": "b"}],
        "decisions": [],
        "votes": [{**vote, "choice": "no"}],
        "actions": [],
    }
    found = minutes_lock.changes(old, new, {"u1": "Ann", "u2": "Bo"})
    assert found == [
        "Title: “JSC” → “JSC Q4”",
        "Present: +Bo",
        "Item 2 “Budget” kind: “discussion” → “decision”",
        "Item 2 “Budget” position: “1” → “2”",
        "Item 2 “Budget” notes: “a” → “b”",
        "Vote of Ann: “yes” → “no”",
        "Action items: -“Send”",
    ]
    assert minutes_lock.changes(old, old, {}) == []


def make_machine(
    client: TestClient, world: World, connection: Connection, gov: Gov, meeting_id: str
) -> type[RuleBasedStateMachine]:
    """Minutes under random edits, locks, reopenings and signatures."""
    url = f"{gov.base}/meetings/{meeting_id}"
    approvers = ("a_manager", "b_manager")

    class Minutes(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = connection.begin_nested()
            self.locked = False
            self.signed: set[str] = set()
            self.content = self.read()["content_sha256"]
            self.counter = 0

        def teardown(self) -> None:
            self.savepoint.rollback()

        def read(self) -> dict[str, Any]:
            return dict(ok(client.get(f"{url}/minutes", headers=world["a_manager"].headers)))

        @rule(notes=st.text(alphabet="abc ", min_size=1, max_size=8))
        def edit_notes(self, notes: str) -> None:
            item = ok(client.get(f"{url}/items", headers=world["a_manager"].headers))[0]
            response = client.patch(
                f"{url}/items/{item['id']}",
                headers={**world["a_manager"].headers, "If-Match": f'"{item["version"]}"'},
                json={"notes": f"{notes}{self.counter}"},
            )
            self.counter += 1
            assert response.status_code == (409 if self.locked else 200), response.text

        @rule()
        def lock(self) -> None:
            response = minutes_act(client, world, url, "lock", "a_manager")
            assert response.status_code == (409 if self.locked else 200), response.text
            if not self.locked:
                self.locked = True
                self.content = self.read()["content_sha256"]

        @rule(who=st.sampled_from(approvers))
        def reopen(self, who: str) -> None:
            response = minutes_act(client, world, url, "reopen", who, {"reason": "fix"})
            assert response.status_code == (200 if self.locked else 409), response.text
            if self.locked:
                self.locked = False
                signers = self.signed - {who}
                self.signed = set()
                for signer in signers:
                    assert any("reopened the minutes" in t for t in _texts(client, world, signer))

        @rule(who=st.sampled_from(approvers))
        def sign(self, who: str) -> None:
            response = sign(client, world, gov, meeting_id, who)
            if not self.locked or who in self.signed:
                assert response.status_code == 409, response.text
            else:
                assert response.status_code == 201, response.text
                self.signed.add(who)

        @invariant()
        def signed_minutes_never_change_silently(self) -> None:
            now = self.read()
            assert now["state"] == ("locked" if self.locked else "draft")
            valid = {
                s["printed_name"].lower().replace(" ", "_") for s in now["signatures"] if s["valid"]
            }
            assert valid == self.signed
            if self.locked:
                assert now["content_sha256"] == self.content

    return Minutes


def test_signed_minutes_never_change_silently(
    client: TestClient, world: World, connection: Connection
) -> None:
    """Random orders of edits, locks, reopenings and signatures: locked minutes keep their
    content, a signature is valid exactly while its minutes stay locked, and every
    reopening tells the signers."""
    freeze(NOW)
    try:
        gov, meeting_id, _item, _url = _held(client, world)
        run_state_machine_as_test(
            make_machine(client, world, connection, gov, meeting_id),
            settings=settings(
                max_examples=8,
                stateful_step_count=10,
                deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            ),
        )
    finally:
        freeze(None)
