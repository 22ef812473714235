"""CONC-1 for rules over several rows and for one-time secrets: two (or more) different
requests at the same moment, each fine alone, never break the rule together; and no race
ends in a 5xx (a deadlock would)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.auth import service as auth
from pactum.auth import totp
from pactum.core.time import frozen
from pactum.models import AllianceMember, AllianceParty, LoginThrottle, OrgMembership, User
from pactum.web.session import COOKIE, PRE_COOKIE
from tests.concurrency import records as r
from tests.concurrency.conftest import NOW
from tests.concurrency.harness import SUCCESS, Harness, Trial


def _members(h: Harness, alliance_id: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = h.call(
        "GET", f"/api/v1/alliances/{alliance_id}/members", "a_manager"
    )
    return found


def test_two_managers_demoting_each_other_leave_one(harness: Harness) -> None:
    """A's two alliance managers make each other viewers at once: one change is made, the
    other refused (409); the party keeps an alliance manager."""
    h = harness
    with frozen(NOW):
        made = r.alliance(h)
        r.member(h, made["id"], "a_contributor", role="alliance_manager")
        by_user = {m["user_id"]: m for m in _members(h, made["id"])}
        mine = by_user[str(h.world["a_manager"].user_id)]
        theirs = by_user[str(h.world["a_contributor"].user_id)]
        base = f"/api/v1/alliances/{made['id']}/members"
        outcome = h.fire_all(
            [
                Trial(
                    "PATCH",
                    f"{base}/{theirs['id']}",
                    "a_manager",
                    {"role": "viewer"},
                    if_match=f'"{theirs["version"]}"',
                ),
                Trial(
                    "PATCH",
                    f"{base}/{mine['id']}",
                    "a_contributor",
                    {"role": "viewer"},
                    if_match=f'"{mine["version"]}"',
                ),
            ]
        )
    assert sorted(outcome.statuses) in ([200, 403], [200, 409]), outcome.describe()
    with Session(h.engine) as db:
        managers = db.execute(
            select(AllianceMember.id)
            .where(
                AllianceMember.alliance_id == uuid.UUID(made["id"]),
                AllianceMember.org_id == h.world.orgs["A"],
                AllianceMember.role == "alliance_manager",
            )
            .execution_options(pactum_scoped=True)
        ).all()
    assert len(managers) == 1


def test_two_administrators_demoting_each_other_leave_one(harness: Harness) -> None:
    """A's two administrators remove each other's administrator role at once: one
    change is made, the other refused; A keeps an administrator."""
    h = harness
    people = "/api/v1/people"
    with frozen(NOW):
        finance = str(h.world["a_finance"].user_id)
        admin = str(h.world["a_admin"].user_id)
        h.call(
            "PATCH",
            f"{people}/{finance}",
            "a_admin",
            {"is_admin": True},
            headers_extra={"If-Match": h.etag(f"{people}/{finance}", "a_admin")},
        )
        outcome = h.fire_all(
            [
                Trial(
                    "PATCH",
                    f"{people}/{finance}",
                    "a_admin",
                    {"is_admin": False},
                    if_match=h.etag(f"{people}/{finance}", "a_admin"),
                ),
                Trial(
                    "PATCH",
                    f"{people}/{admin}",
                    "a_finance",
                    {"is_admin": False},
                    if_match=h.etag(f"{people}/{admin}", "a_admin"),
                ),
            ]
        )
    assert sorted(outcome.statuses) in ([200, 403], [200, 409]), outcome.describe()
    with Session(h.engine) as db:
        admins = db.execute(
            select(OrgMembership.user_id).where(
                OrgMembership.org_id == h.world.orgs["A"], OrgMembership.is_admin.is_(True)
            )
        ).all()
        assert len(admins) == 1
        # Leave A as the rest of the module expects: a_admin its administrator.
        for membership in db.execute(
            select(OrgMembership).where(OrgMembership.org_id == h.world.orgs["A"])
        ).scalars():
            if membership.user_id in (h.world["a_admin"].user_id, h.world["a_finance"].user_id):
                membership.is_admin = membership.user_id == h.world["a_admin"].user_id
                membership.version += 1
        db.commit()


def test_one_totp_code_signs_in_one_pending_session(harness: Harness) -> None:
    """Four half-open sessions (password right, second factor pending) send the same
    current code at once: one is signed in, three are refused."""
    h = harness
    settings = h.client.app.state.settings  # type: ignore[attr-defined]
    with frozen(NOW), Session(h.engine) as db:
        user = db.get_one(User, h.world["a_viewer"].user_id)
        user.totp_secret = totp.new_secret()
        user.totp_enabled = True
        user.totp_last_step = None
        started = [auth.start_session(db, settings, user, client="race") for _ in range(4)]
        sessions = [(token, web.csrf_token) for token, web in started]
        code = totp.code_for(user.totp_secret)  # the authenticator app uses the real clock
        db.commit()
    trials = [
        Trial(
            "POST",
            "/login/totp",
            "",
            headers={"Cookie": f"{COOKIE}={token}"},
            data={"csrf_token": csrf, "code": code, "next": "/alliances"},
        )
        for token, csrf in sessions
    ]
    with frozen(NOW):
        outcome = h.fire_all(trials)
    signed_in = [
        a for a in outcome.answers if a.status_code == 303 and "/alliances" in a.headers["location"]
    ]
    assert len(signed_in) == 1, outcome.describe()
    assert sorted(outcome.statuses).count(422) == 3, outcome.describe()
    with Session(h.engine) as db:
        user = db.get_one(User, h.world["a_viewer"].user_id)
        user.totp_enabled = False
        user.totp_secret = None
        user.version += 1
        db.commit()


def test_accepting_and_declining_an_invitation_at_once(harness: Harness) -> None:
    """C's administrator accepts and declines the same alliance invitation at once: one
    answer stands; an accepted party has its manager, a declined one has none."""
    h = harness
    with frozen(NOW):
        made = r.alliance(h, partner="C")
        party = r.party_of(h, made["id"], "C")
        manager = {"manager_user_id": str(h.world["c_admin"].user_id)}
        outcome = h.fire_all(
            [
                Trial("POST", f"/api/v1/invitations/{party}/accept", "c_admin", manager),
                Trial("POST", f"/api/v1/invitations/{party}/decline", "c_admin"),
            ]
        )
    assert len(outcome.winners) == 1, outcome.describe()
    with Session(h.engine) as db:
        state = db.execute(
            select(AllianceParty.state)
            .where(AllianceParty.id == uuid.UUID(party))
            .execution_options(pactum_scoped=True)
        ).scalar_one()
        managers = db.execute(
            select(AllianceMember.id)
            .where(
                AllianceMember.alliance_id == uuid.UUID(made["id"]),
                AllianceMember.org_id == h.world.orgs["C"],
            )
            .execution_options(pactum_scoped=True)
        ).all()
    assert (state, len(managers)) in {("accepted", 1), ("declined", 0)}
    assert outcome.statuses[0 if state == "accepted" else 1] in SUCCESS


def test_two_committees_never_escalate_to_each_other(harness: Harness) -> None:
    """X is set to escalate to Y while Y is set to escalate to X: one is refused, so the
    ladder never loops."""
    h = harness
    with frozen(NOW):
        x, y = (r.committee(h, members=False) for _ in range(2))
        urls = [f"{h.base}/committees/{c['id']}" for c in (x, y)]
        outcome = h.fire_all(
            [
                Trial(
                    "PATCH",
                    urls[0],
                    "a_manager",
                    {"escalates_to_id": y["id"]},
                    if_match=h.etag(urls[0], "a_manager"),
                ),
                Trial(
                    "PATCH",
                    urls[1],
                    "a_manager",
                    {"escalates_to_id": x["id"]},
                    if_match=h.etag(urls[1], "a_manager"),
                ),
            ]
        )
    assert len(outcome.winners) == 1, outcome.describe()
    assert next(s for s in outcome.statuses if s not in SUCCESS) in {409, 422}, outcome.describe()


def test_a_rate_is_not_changed_while_a_statement_converts_with_it(harness: Harness) -> None:
    """B submits a statement converting EUR at the agreed rate while B proposes another
    EUR rate for the quarter: one of the two is refused, never both made."""
    h = harness
    with frozen(NOW):
        currency = h.next_currency()
        rate = r.rate(h, 1, currency)
        body = {
            "agreement_id": str(r.agreement_id(h)),
            "year": 2027,
            "quarter": 1,
            "lines": [
                {"country": "DE", "product": "X", "net_sales": "1000.00", "currency": currency}
            ],
        }
        made = h.call("POST", f"{h.base}/royalty-statements", "b_finance", body)
        rate_url = f"{h.base}/fx-rates/{rate['id']}"
        outcome = h.fire_all(
            [
                Trial(
                    "POST",
                    f"{h.base}/royalty-statements/{made['id']}/submit",
                    "b_finance",
                    if_match=f'"{made["version"]}"',
                ),
                Trial(
                    "PATCH",
                    rate_url,
                    "b_finance",
                    {"rate": "1.3"},
                    if_match=h.etag(rate_url, "b_finance"),
                ),
            ]
        )
    assert len(outcome.winners) == 1, outcome.describe()
    assert all(s < 500 for s in outcome.statuses), outcome.describe()


def test_the_last_signature_and_a_new_line_never_both_land(harness: Harness) -> None:
    """A signs the true-up B signed (it is then approved) while B submits a new cost
    line: an approved true-up never changes, so one of the two is refused."""
    h = harness
    with frozen(NOW):
        t = r.true_up(h)
        url = f"{h.base}/true-ups/{t['id']}"
        h.call(
            "POST",
            f"{url}/signatures",
            "b_finance",
            {**r.SIGNING, "version": t["version"], "printed_name": "B Finance"},
        )
        h.call(  # a draft line changes nothing A sees (B's signature stays valid) ...
            "POST",
            f"{url}/lines",
            "b_finance",
            {"work_package": "WP2", "category": "CMC", "amount": "5.00", "currency": "EUR"},
        )
        outcome = h.fire_all(
            [
                Trial(
                    "POST",
                    f"{url}/signatures",
                    "a_finance",
                    {**r.SIGNING, "version": t["version"], "printed_name": "A Finance"},
                ),
                Trial(  # ... until B submits it
                    "POST",
                    f"{url}/lines/submit",
                    "b_finance",
                    if_match=f'"{t["version"]}"',
                ),
            ]
        )
        after = h.call("GET", url, "a_finance")
    assert len(outcome.winners) == 1, outcome.describe()
    if after["status"] == "approved":
        assert after["version"] == t["version"]
    assert all(s < 500 for s in outcome.statuses), outcome.describe()


def test_every_failed_sign_in_at_once_is_counted(harness: Harness) -> None:
    """Eight wrong passwords for one account from one address at once: every one that
    was refused as wrong (401) is counted (the counter is locked: none is lost), so the
    block comes when it should; the rest were already blocked (429)."""
    h = harness
    h.client.cookies.clear()
    h.client.get("/login")
    csrf = h.client.cookies.get(PRE_COOKIE)
    h.client.cookies.clear()
    email = "b_contributor@example.com"
    trials = [
        Trial(
            "POST",
            "/login",
            "",
            headers={"Cookie": f"{PRE_COOKIE}={csrf}"},
            data={"csrf_token": csrf or "", "email": email, "password": "wrong " * 3},
        )
        for _ in range(8)
    ]
    with frozen(NOW):
        outcome = h.fire_all(trials)
    assert set(outcome.statuses) <= {401, 429}, outcome.describe()
    with Session(h.engine) as db:
        counted = db.execute(
            select(LoginThrottle.failures).where(LoginThrottle.key.like(f"pair:{email}|%"))
        ).scalar_one()
    assert counted == outcome.statuses.count(401)
    assert counted >= 5


def test_a_vote_and_an_attendance_change_in_one_meeting_never_deadlock(harness: Harness) -> None:
    """A vote in the meeting while the attendance is recorded again: answers, never a
    5xx (the meeting is locked before anything is audited, in one order)."""
    h = harness
    for _ in range(3):
        with frozen(NOW):
            m = r.meeting(h, held=True)
            decision = h.call(
                "POST",
                f"{h.base}/decisions",
                "a_manager",
                {
                    "committee_id": m["committee"]["id"],
                    "domain": "development",
                    "question": h.unique("Approve the budget?"),
                    "deadline": "2027-06-30",
                    "agenda_item_id": m["item"]["id"],
                },
            )
            meeting_url = f"{h.base}/meetings/{m['id']}"
            present = [str(h.world[w].user_id) for w in ("a_manager", "b_manager")]
            outcome = h.fire_all(
                [
                    Trial(
                        "POST",
                        f"{h.base}/decisions/{decision['id']}/votes",
                        "a_manager",
                        {"choice": "yes"},
                    ),
                    Trial(
                        "PUT",
                        f"{meeting_url}/attendance",
                        "b_manager",
                        {"present": present[::-1]},
                        if_match=h.etag(meeting_url, "b_manager"),
                    ),
                    Trial(
                        "PATCH",
                        f"{meeting_url}/items/{m['item']['id']}",
                        "b_manager",
                        {"notes": h.unique("notes")},
                        if_match="*",
                    ),
                ]
            )
        assert all(s < 500 for s in outcome.statuses), outcome.describe()
