"""Meetings over the API: agenda, attendance and quorum, a vote in the meeting, private
preparation notes, minutes signed by both parties' approvers (SIG-1/2, invalidated by an
edit), the minutes PDF with the signature manifestations, and the ICS invitation."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from pactum.core.time import frozen
from pactum.governance.service import jobs
from tests.conftest import PASSWORD, World
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


def test_vote_in_meeting_needs_quorum_and_presence(client: TestClient, world: World) -> None:
    with frozen(NOW):
        gov = setup_governance(client, world)
        meeting_id, item_id = meeting_with_item(client, world, gov)
        d = ok(
            client.post(
                f"{gov.base}/decisions",
                headers=world["a_manager"].headers,
                json={
                    "committee_id": str(gov.jsc),
                    "domain": "development",
                    "question": "Go to Phase 2?",
                    "deadline": "2026-11-23",
                    "agenda_item_id": item_id,
                },
            ),
            201,
        )
        url = f"{gov.base}/decisions/{d['id']}/votes"
        attend(client, world, gov, meeting_id, "a_manager")
        q = ok(
            client.get(
                f"{gov.base}/meetings/{meeting_id}/quorum", headers=world["b_manager"].headers
            )
        )
        assert not q["met"]
        assert "Quorum not met" in q["explanation"]
        r = client.post(url, headers=world["a_manager"].headers, json={"choice": "yes"})
        assert r.status_code == 409
        assert "quorum" in r.text
        attend(client, world, gov, meeting_id, "a_manager", "b_manager")
        r = client.post(url, headers=world["a_contributor"].headers, json={"choice": "yes"})
        assert r.status_code == 409
        assert "attend" in r.text
        ok(client.post(url, headers=world["a_manager"].headers, json={"choice": "yes"}), 201)
        d = ok(client.post(url, headers=world["b_manager"].headers, json={"choice": "yes"}), 201)
        assert d["status"] == "approved"
        assert d["votes"][0]["meeting_id"] == meeting_id


def test_private_notes_never_reach_the_other_party(client: TestClient, world: World) -> None:
    with frozen(NOW):
        gov = setup_governance(client, world)
        meeting_id, _item = meeting_with_item(client, world, gov)
        url = f"{gov.base}/meetings/{meeting_id}/notes"
        ok(
            client.post(
                url,
                headers=world["a_manager"].headers,
                json={"body": "Walk away if they insist on US only"},
            ),
            201,
        )
        assert [n["body"] for n in ok(client.get(url, headers=world["a_contributor"].headers))] == [
            "Walk away if they insist on US only"
        ]
        assert ok(client.get(url, headers=world["b_manager"].headers)) == []
        pdf = client.get(
            f"{gov.base}/meetings/{meeting_id}/minutes.pdf", headers=world["b_manager"].headers
        )
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Walk away" not in text


def test_minutes_signed_by_both_and_invalidated_by_an_edit(
    client: TestClient, world: World
) -> None:
    with frozen(NOW):
        gov = setup_governance(client, world)
        meeting_id, item_id = meeting_with_item(client, world, gov)
        url = f"{gov.base}/meetings/{meeting_id}"
        # not held yet: nothing to sign
        assert sign(client, world, gov, meeting_id, "a_manager").status_code == 409
        attend(client, world, gov, meeting_id, "a_manager", "b_manager", "a_contributor")
        item = client.get(f"{url}/items", headers=world["a_manager"].headers).json()[0]
        ok(
            client.patch(
                f"{url}/items/{item_id}",
                headers={**world["a_manager"].headers, "If-Match": f'"{item["version"]}"'},
                json={"notes": "Both parties reviewed the protocol."},
            )
        )
        # draft minutes are not signed: they are locked for signing first (SIG-3)
        assert sign(client, world, gov, meeting_id, "a_manager").status_code == 409
        assert minutes_act(client, world, url, "lock", "a_contributor").status_code == 403
        locked = ok(minutes_act(client, world, url, "lock", "a_manager"))
        assert locked["state"] == "locked"
        assert minutes_act(client, world, url, "lock", "a_manager").status_code == 409
        # a member who is not a designated approver may not sign
        assert sign(client, world, gov, meeting_id, "a_contributor").status_code == 403
        wrong = client.post(
            f"{url}/signatures",
            headers=world["a_manager"].headers,
            json={
                **_sign_body(client, world, gov, meeting_id, "a_manager"),
                "password": "not the password at all",
            },
        )
        assert wrong.status_code == 422
        first = ok(sign(client, world, gov, meeting_id, "a_manager"), 201)
        told = ok(client.get("/api/v1/notifications", headers=world["b_manager"].headers))
        assert any("await your party's signature" in n["text"] for n in told)
        mine = ok(client.get("/api/v1/notifications", headers=world["a_manager"].headers))
        assert not any("await your party's signature" in n["text"] for n in mine)
        assert first["awaiting"] == ["Meridian Test Pharma"]
        assert not first["signed"]
        again = sign(client, world, gov, meeting_id, "a_manager")
        assert again.status_code == 409
        done = ok(sign(client, world, gov, meeting_id, "b_manager"), 201)
        assert done["signed"]
        assert done["awaiting"] == []
        pdf = client.get(f"{url}/minutes.pdf", headers=world["b_manager"].headers)
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Signed by all parties" in text
        assert "A Manager" in text
        assert "B Manager" in text
        assert done["content_sha256"][:16] in text.replace("\n", "")
        # signed minutes do not change silently: an edit is refused while they are locked
        item = client.get(f"{url}/items", headers=world["a_manager"].headers).json()[0]
        refused = client.patch(
            f"{url}/items/{item_id}",
            headers={**world["a_manager"].headers, "If-Match": f'"{item["version"]}"'},
            json={"notes": "Corrected after the meeting."},
        )
        assert refused.status_code == 409
        assert refused.json()["detail"].startswith("minutes: the minutes are locked")
        meeting_edit = client.patch(
            url,
            headers={**world["a_manager"].headers, "If-Match": "*"},
            json={"summary": "A new summary"},
        )
        assert meeting_edit.status_code == 409
        assert ok(client.get(f"{url}/minutes", headers=world["a_manager"].headers)) == done
        # reopening: the chair or an alliance manager, with a reason
        no_reason = minutes_act(client, world, url, "reopen", "a_manager", {"reason": " "})
        assert no_reason.status_code == 422
        why = {"reason": "Item 1 notes misstate the protocol version"}
        assert minutes_act(client, world, url, "reopen", "a_contributor", why).status_code == 403
        reopened = ok(minutes_act(client, world, url, "reopen", "a_manager", why))
        assert reopened["state"] == "draft"
        told = ok(client.get("/api/v1/notifications", headers=world["b_manager"].headers))
        assert any("reopened the minutes" in n["text"] and why["reason"] in n["text"] for n in told)
        item = client.get(f"{url}/items", headers=world["a_manager"].headers).json()[0]
        ok(
            client.patch(
                f"{url}/items/{item_id}",
                headers={**world["a_manager"].headers, "If-Match": f'"{item["version"]}"'},
                json={"notes": "Corrected after the meeting."},
            )
        )
        ok(minutes_act(client, world, url, "lock", "a_manager"))
        told = ok(client.get("/api/v1/notifications", headers=world["b_manager"].headers))
        assert any(
            "Changed since you signed" in n["text"]
            and "“Both parties reviewed the protocol.” → “Corrected after the meeting.”"
            in n["text"]
            for n in told
        ), [n["text"] for n in told]
        after = ok(client.get(f"{url}/minutes", headers=world["a_manager"].headers))
        assert after["minutes_version"] > done["minutes_version"]
        assert not after["signed"]
        assert len(after["awaiting"]) == 2
        assert [s["valid"] for s in after["signatures"]] == [False, False]
        assert all(s["invalidated_at"] for s in after["signatures"])
        # signing the stale version is a conflict
        stale = client.post(
            f"{url}/signatures",
            headers=world["b_manager"].headers,
            json={
                **_sign_body(client, world, gov, meeting_id, "b_manager"),
                "minutes_version": done["minutes_version"],
            },
        )
        assert stale.status_code == 409
        pdf = client.get(f"{url}/minutes.pdf", headers=world["a_manager"].headers)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "INVALIDATED" in text
        assert "Awaiting signature of" in text


def _sign_body(
    client: TestClient, world: World, gov: Gov, meeting_id: str, who: str
) -> dict[str, Any]:
    minutes = ok(
        client.get(f"{gov.base}/meetings/{meeting_id}/minutes", headers=world[who].headers)
    )
    return {
        "password": PASSWORD,
        "printed_name": who.replace("_", " ").title(),
        "minutes_version": minutes["minutes_version"],
        "content_sha256": minutes["content_sha256"],
    }


def test_invitation_is_valid_icalendar(client: TestClient, world: World) -> None:
    with frozen(NOW):
        gov = setup_governance(client, world)
        meeting_id, _ = meeting_with_item(client, world, gov)
        r = client.get(
            f"{gov.base}/meetings/{meeting_id}/invitation.ics", headers=world["b_manager"].headers
        )
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/calendar")
        raw = r.content.decode()
        assert raw.endswith("\r\n")
        assert "\n" not in raw.replace("\r\n", "")
        assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
        unfolded = raw.replace("\r\n ", "")
        assert "METHOD:REQUEST" in unfolded
        assert "DTSTART:20261123T090000Z" in unfolded
        assert "DTEND:20261123T110000Z" in unfolded
        assert "LOCATION:Basel\\; video" in unfolded
        assert "mailto:b_manager@example.com" in unfolded
        assert "SUMMARY:Joint Steering Committee: JSC Q4 2026" in unfolded
        # cancelling sends a CANCEL with a higher SEQUENCE
        url = f"{gov.base}/meetings/{meeting_id}"
        etag = client.get(url, headers=world["a_manager"].headers).headers["ETag"]
        seq = int(unfolded.split("SEQUENCE:")[1].split("\r\n")[0])
        ok(
            client.patch(
                url,
                headers={**world["a_manager"].headers, "If-Match": etag},
                json={"status": "cancelled"},
            )
        )
        again = client.get(f"{url}/invitation.ics", headers=world["a_manager"].headers).text
        assert "METHOD:CANCEL" in again
        assert "STATUS:CANCELLED" in again
        assert int(again.split("SEQUENCE:")[1].split("\r\n")[0]) > seq


def test_bad_input_names_the_field(client: TestClient, world: World) -> None:
    with frozen(NOW):
        gov = setup_governance(client, world)
        a = world["a_manager"].headers
        r = client.post(
            f"{gov.base}/committees/{gov.jsc}/meetings",
            headers=a,
            json={
                "title": "x",
                "starts_at": NOW.isoformat(),
                "ends_at": (NOW - timedelta(hours=1)).isoformat(),
            },
        )
        assert r.status_code == 422
        assert r.json()["detail"][0]["field"] == "ends_at"
        r = client.post(
            f"{gov.base}/committees/{gov.jsc}/meetings",
            headers=a,
            json={
                "title": "x",
                "starts_at": "2026-11-23T09:00:00",
                "ends_at": "2026-11-23T10:00:00",
            },
        )
        assert r.status_code == 422
        r = client.post(
            f"{gov.base}/decisions",
            headers=a,
            json={
                "committee_id": str(gov.jsc),
                "domain": "breach",
                "question": "Is B in breach?",
                "deadline": "2026-12-01",
            },
        )
        assert r.status_code == 422
        assert r.json()["detail"][0]["field"] == "domain"
        r = client.post(
            f"{gov.base}/decisions",
            headers=a,
            json={
                "committee_id": str(gov.jsc),
                "domain": "development",
                "question": "Past?",
                "deadline": "2026-11-01",
            },
        )
        assert r.status_code == 422
        assert r.json()["detail"][0]["field"] == "deadline"
        r = client.patch(
            f"{gov.base}/committees/{gov.execs}",
            headers={**a, "If-Match": '"1"'},
            json={"escalates_to_id": str(gov.jsc)},
        )
        assert r.status_code == 422
        assert "loop" in r.text
        # B seating A's person is refused; A's officer cannot also sit on the JSC
        r = client.post(
            f"{gov.base}/committees/{gov.jsc}/members",
            headers=world["b_manager"].headers,
            json={"user_id": str(world["a_viewer"].user_id)},
        )
        assert r.status_code == 422
        r = client.post(
            f"{gov.base}/committees/{gov.jsc}/members",
            headers=a,
            json={"user_id": str(world["a_finance"].user_id)},
        )
        assert r.status_code == 409
        assert "senior" in r.text
        assert client.get(f"{gov.base}/decisions", headers=a).json()["total"] == 0


def test_my_actions_across_alliances(client: TestClient, world: World) -> None:
    with frozen(NOW):
        gov = setup_governance(client, world)
        meeting_id, _ = meeting_with_item(client, world, gov)
        made = ok(
            client.post(
                f"{gov.base}/actions",
                headers=world["a_manager"].headers,
                json={
                    "title": "Send the CMC plan",
                    "assignee_id": str(world["b_contributor"].user_id),
                    "due_on": "2026-11-20",
                    "meeting_id": meeting_id,
                },
            ),
            201,
        )
        assert made["overdue"]
        assert made["assignee_org_id"] == str(world.orgs["B"])
        mine = ok(client.get("/api/v1/actions", headers=world["b_contributor"].headers))
        assert [m["title"] for m in mine] == ["Send the CMC plan"]
        assert ok(client.get("/api/v1/actions", headers=world["a_manager"].headers)) == []
        # the assignee marks it done; another field is refused to them
        url = f"{gov.base}/actions/{made['id']}"
        r = client.patch(
            url,
            headers={**world["b_contributor"].headers, "If-Match": '"1"'},
            json={"title": "Something else"},
        )
        assert r.status_code == 403
        done = ok(
            client.patch(
                url,
                headers={**world["b_contributor"].headers, "If-Match": '"1"'},
                json={"status": "done"},
            )
        )
        assert done["status"] == "done"
        assert not done["overdue"]
        assert ok(client.get("/api/v1/actions", headers=world["b_contributor"].headers)) == []
        stale = client.patch(
            url,
            headers={**world["b_contributor"].headers, "If-Match": '"1"'},
            json={"status": "open"},
        )
        assert stale.status_code == 412


def test_calendar_feed_has_my_meetings_and_actions(client: TestClient, world: World) -> None:
    """The personal feed lists the meetings of committees I sit on (timed, in UTC) and my
    open action items; someone not seated gets neither meeting."""
    with frozen(NOW):
        gov = setup_governance(client, world)
        meeting_id, _ = meeting_with_item(client, world, gov)
        action = ok(
            client.post(
                f"{gov.base}/actions",
                headers=world["a_manager"].headers,
                json={
                    "title": "Book the room",
                    "assignee_id": str(world["b_manager"].user_id),
                    "due_on": "2026-12-04",
                },
            ),
            201,
        )

        def feed(who: str) -> str:
            issued = ok(client.post("/api/v1/calendar-feed", headers=world[who].headers), 201)
            token = issued["url"].split("token=", 1)[1]
            text = client.get("/calendar.ics", params={"token": token}).text
            return text.replace("\r\n ", "")

        mine = feed("b_manager")
        assert f"UID:meeting-{meeting_id}@pactum" in mine
        assert "DTSTART:20261123T090000Z" in mine
        assert f"UID:action-{action['id']}@pactum" in mine
        other = feed("b_finance")  # an executive officer, not on the JSC
        assert f"meeting-{meeting_id}" not in other
        assert f"action-{action['id']}" not in other


def test_signed_minutes_stay_signed_when_the_matter_moves_on(
    client: TestClient, world: World, factory: sessionmaker[Session]
) -> None:
    """A decision deadlocked in the meeting escalates later: what the approvers signed (the
    meeting's own result) is unchanged, so the minutes stay signed; outcomes name parties."""
    with frozen(NOW):
        gov = setup_governance(client, world)
        meeting_id, item_id = meeting_with_item(client, world, gov)
        attend(client, world, gov, meeting_id, "a_manager", "b_manager")
        d = ok(
            client.post(
                f"{gov.base}/decisions",
                headers=world["a_manager"].headers,
                json={
                    "committee_id": str(gov.jsc),
                    "domain": "development",
                    "question": "Go to Phase 2?",
                    "deadline": "2026-11-23",
                    "agenda_item_id": item_id,
                },
            ),
            201,
        )
        votes = f"{gov.base}/decisions/{d['id']}/votes"
        ok(client.post(votes, headers=world["a_manager"].headers, json={"choice": "yes"}), 201)
        ok(client.post(votes, headers=world["b_manager"].headers, json={"choice": "no"}), 201)
        ok(minutes_act(client, world, f"{gov.base}/meetings/{meeting_id}", "lock", "a_manager"))
        ok(sign(client, world, gov, meeting_id, "a_manager"), 201)
        signed = ok(sign(client, world, gov, meeting_id, "b_manager"), 201)
        assert signed["signed"]
    assert jobs.escalate(factory, date(2027, 3, 15)) == 1
    with frozen(datetime(2027, 3, 15, 9, tzinfo=UTC)):
        later = ok(
            client.get(
                f"{gov.base}/meetings/{meeting_id}/minutes", headers=world["b_manager"].headers
            )
        )
        assert later["signed"]
        assert later["content_sha256"] == signed["content_sha256"]
        decision = ok(
            client.get(f"{gov.base}/decisions/{d['id']}", headers=world["a_manager"].headers)
        )
        assert decision["status"] == "final_say"
        assert "Helix Test Bio" in decision["outcome"]
        assert str(world.orgs["A"]) not in decision["outcome"]
        pdf = client.get(
            f"{gov.base}/meetings/{meeting_id}/minutes.pdf", headers=world["a_manager"].headers
        )
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "deadlocked in the meeting" in text
        assert "Signed by all parties" in text


def test_chair_rotates_by_year_or_by_meeting(client: TestClient, world: World) -> None:
    """Alternating chairs: A chairs in the year the committee is set up, B the next year,
    then A again; an alternate-each-meeting chair moves on with every meeting held."""
    a, b = str(world.orgs["A"]), str(world.orgs["B"])
    with frozen(NOW):
        gov = setup_governance(client, world)
        url = f"{gov.base}/committees/{gov.jsc}"
        assert ok(client.get(url, headers=world["b_manager"].headers))["current_chair_org_id"] == a
    for year, chair in ((2027, b), (2028, a)):
        with frozen(datetime(year, 6, 1, tzinfo=UTC)):
            got = ok(client.get(url, headers=world["b_manager"].headers))
            assert got["current_chair_org_id"] == chair
    with frozen(NOW):
        etag = client.get(url, headers=world["a_manager"].headers).headers["ETag"]
        ok(
            client.patch(
                url,
                headers={**world["a_manager"].headers, "If-Match": etag},
                json={"chair_rotation": "alternate_each_meeting"},
            )
        )
        assert ok(client.get(url, headers=world["a_manager"].headers))["current_chair_org_id"] == a
        meeting_id, _ = meeting_with_item(client, world, gov)
        attend(client, world, gov, meeting_id, "a_manager", "b_manager")
        assert ok(client.get(url, headers=world["a_manager"].headers))["current_chair_org_id"] == b


def test_next_meeting_due_follows_the_cadence(client: TestClient, world: World) -> None:
    """A quarterly JSC set up on 23 Nov 2026 must meet by 23 Feb 2027; after a meeting on
    10 Dec it is due three months after that one (10 Mar), monthly one month after (10 Jan);
    ad hoc bodies have no due date; a cancelled meeting does not count."""
    with frozen(NOW):
        gov = setup_governance(client, world)
        url = f"{gov.base}/committees/{gov.jsc}"
        assert ok(client.get(url, headers=world["a_manager"].headers))["next_meeting_due"] == (
            "2027-02-23"
        )
        for day, status in (("2026-12-10", "scheduled"), ("2027-01-20", "cancelled")):
            made = ok(
                client.post(
                    f"{gov.base}/committees/{gov.jsc}/meetings",
                    headers=world["a_manager"].headers,
                    json={
                        "title": f"JSC {day}",
                        "starts_at": f"{day}T09:00:00Z",
                        "ends_at": f"{day}T10:00:00Z",
                    },
                ),
                201,
            )
            if status == "cancelled":
                ok(
                    client.patch(
                        f"{gov.base}/meetings/{made['id']}",
                        headers={**world["a_manager"].headers, "If-Match": '"1"'},
                        json={"status": "cancelled"},
                    )
                )
        listed = ok(client.get(f"{gov.base}/committees", headers=world["b_manager"].headers))
        jsc = next(c for c in listed if c["id"] == str(gov.jsc))
        assert jsc["next_meeting_due"] == "2027-03-10"
        etag = client.get(url, headers=world["a_manager"].headers).headers["ETag"]
        ok(
            client.patch(
                url,
                headers={**world["a_manager"].headers, "If-Match": etag},
                json={"cadence": "monthly"},
            )
        )
        assert ok(client.get(url, headers=world["a_manager"].headers))["next_meeting_due"] == (
            "2027-01-10"
        )
        etag = client.get(url, headers=world["a_manager"].headers).headers["ETag"]
        ok(
            client.patch(
                url,
                headers={**world["a_manager"].headers, "If-Match": etag},
                json={"cadence": "ad_hoc"},
            )
        )
        assert ok(client.get(url, headers=world["a_manager"].headers))["next_meeting_due"] is None
