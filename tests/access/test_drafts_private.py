"""DRAFT-1: a draft belongs to its author's party until it is submitted.

Royalty and P&L-share statements are private to the preparing party until their first
submission; a true-up is shared from the start, but each party's cost lines are its
working paper until the party submits them. Before submission nothing of a draft reaches
the other party: not its list, its read, its count, the true-up's result or version, a
signature's validity, the activity feed or the audit export. A Hypothesis state machine
interleaves both parties' drafting and submitting and checks all of it after each step.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.audit.service import export_lines
from pactum.models import AuditEntry
from tests.conftest import PASSWORD, World
from tests.statements.money_support import PROFIT_TERMS, make_agreement, royalty_draft
from tests.statements.trueup_setup import agreement as trueup_agreement
from tests.statements.trueup_setup import open_true_up

PARTIES = ("a_finance", "b_finance")
FIGURES = {
    "net_sales": "1000000.00",
    "cogs": "200000.00",
    "licensor_expenses": "50000.00",
    "licensee_expenses": "150000.00",
}


def _api(world: World, *parts: str) -> str:
    return "/".join([f"/api/v1/alliances/{world.alliance_id}", *parts])


def _audit_text(factory: Any, world: World, who: str) -> str:
    with factory() as session:
        return "\n".join(
            export_lines(session, alliance_id=world.alliance_id, org_id=world[who].org_id)
        )


def _activity(client: TestClient, world: World, who: str) -> str:
    response = client.get(_api(world, "activity?limit=200"), headers=world[who].headers)
    assert response.status_code == 200
    return response.text


def test_a_royalty_draft_is_the_licensees_until_submitted(
    client: TestClient, db: Session, world: World, factory: Any
) -> None:
    """The licensor neither lists, reads, counts nor audits the licensee's draft; it sees
    it, and its shared audit entry, from submission on."""
    draft = royalty_draft(client, db, world)
    sid = draft["id"]
    url = _api(world, "royalty-statements")
    mine = client.get(url, headers=world["b_finance"].headers).json()
    assert [s["id"] for s in mine] == [sid]
    for who in ("a_finance", "a_manager"):
        assert client.get(url, headers=world[who].headers).json() == []
        assert client.get(f"{url}/{sid}", headers=world[who].headers).status_code == 404
        assert sid not in _activity(client, world, who)
        assert sid not in _audit_text(factory, world, who)
    approve = client.post(
        f"{url}/{sid}/approve", headers={**world["a_finance"].headers, "If-Match": '"1"'}
    )
    assert approve.status_code == 404  # the same answer as for an id that does not exist
    assert sid in _audit_text(factory, world, "b_finance")

    submitted = client.post(
        f"{url}/{sid}/submit",
        headers={**world["b_finance"].headers, "If-Match": f'"{draft["version"]}"'},
    )
    assert submitted.status_code == 200, submitted.text
    seen = client.get(f"{url}/{sid}", headers=world["a_finance"].headers)
    assert seen.status_code == 200
    assert seen.json()["status"] == "submitted"
    shared = _audit_text(factory, world, "a_finance")
    assert sid in shared
    submit = next(
        json.loads(x) for x in shared.splitlines() if sid in x and "royalty_statement.submit" in x
    )
    new = submit["new"] if isinstance(submit["new"], dict) else json.loads(submit["new"])
    assert new["first_shared"] is True
    assert submit["old"] in (None, {}, "{}", "null")  # no draft state in the shared chain
    # the draft's own history stays in the licensee's chain
    create = db.execute(
        system_scope(
            select(AuditEntry.chain).where(
                AuditEntry.object_id == sid,
                AuditEntry.action == "royalty_statement.create",
            )
        )
    ).scalar_one()
    assert create.endswith(str(world.orgs["B"]))


def test_both_parties_may_draft_a_pnl_quarter_and_the_first_submission_wins(
    client: TestClient, db: Session, world: World
) -> None:
    """Each booking party drafts 2027 Q1 without learning of the other's draft (no 409
    that would reveal it); the first submitted is the quarter's, the second is refused
    with the rule."""
    agreement_id = make_agreement(db, world, terms=PROFIT_TERMS)
    url = _api(world, "pnl-statements")
    body = {"agreement_id": str(agreement_id), "year": 2027, "quarter": 1, **FIGURES}
    b = client.post(url, headers=world["b_finance"].headers, json=body)
    assert b.status_code == 201, b.text
    a = client.post(
        url,
        headers=world["a_finance"].headers,
        json={**body, "booking": "licensor", "split": "0.5"},
    )
    assert a.status_code == 201, a.text
    assert [s["id"] for s in client.get(url, headers=world["a_finance"].headers).json()] == [
        a.json()["id"]
    ]
    first = client.post(
        f"{url}/{a.json()['id']}/submit",
        headers={**world["a_finance"].headers, "If-Match": f'"{a.json()["version"]}"'},
    )
    assert first.status_code == 200, first.text
    second = client.post(
        f"{url}/{b.json()['id']}/submit",
        headers={**world["b_finance"].headers, "If-Match": f'"{b.json()["version"]}"'},
    )
    assert second.status_code == 409
    assert second.json()["detail"].startswith("quarter: the partner has already submitted")
    listed = client.get(url, headers=world["b_finance"].headers).json()
    assert {s["id"] for s in listed} == {a.json()["id"], b.json()["id"]}
    again = client.post(url, headers=world["b_finance"].headers, json=body)
    assert again.status_code == 409  # its own draft and the submitted one are both seen


def test_a_partys_draft_lines_change_nothing_the_other_party_sees(
    client: TestClient, db: Session, world: World
) -> None:
    """B's draft line: A's read of the true-up, its version, its result and A's valid
    signature are unchanged; B cannot sign with drafts outstanding; submitting shows the
    line, recomputes and invalidates A's signature."""
    tid = open_true_up(client, world, trueup_agreement(db, world))["id"]
    url = _api(world, "true-ups", tid)
    before = client.get(url, headers=world["a_finance"].headers).json()
    signed = client.post(
        f"{url}/signatures",
        headers=world["a_finance"].headers,
        json={
            "version": before["version"],
            "content_sha256": before["content_sha256"],
            "printed_name": "A Finance",
            "meaning": "approval",
            "password": PASSWORD,
        },
    )
    assert signed.status_code == 201, signed.text
    before = client.get(url, headers=world["a_finance"].headers).json()
    told_before = client.get("/api/v1/notifications", headers=world["a_finance"].headers).json()
    line = client.post(
        f"{url}/lines",
        headers=world["b_finance"].headers,
        json={
            "work_package": "WP-SECRET",
            "category": "CRO",
            "amount": "777.00",
            "currency": "EUR",
        },
    )
    assert line.status_code == 201
    assert line.json()["submitted"] is False
    after = client.get(url, headers=world["a_finance"].headers)
    assert after.json() == before
    told = client.get("/api/v1/notifications", headers=world["a_finance"].headers).json()
    assert told == told_before
    assert "WP-SECRET" not in client.get(f"{url}/lines", headers=world["a_finance"].headers).text
    edit = client.patch(
        f"{url}/lines/{line.json()['id']}",
        headers={**world["a_finance"].headers, "If-Match": "*"},
        json={"amount": "1.00"},
    )
    assert edit.status_code == 404
    mine = client.get(url, headers=world["b_finance"].headers).json()
    assert [ln["id"] for ln in mine["draft_lines"]] == [line.json()["id"]]
    assert mine["result"]["parties"]["licensee"]["reported"] == "0.00"
    refused = client.post(
        f"{url}/signatures",
        headers=world["b_finance"].headers,
        json={
            "version": mine["version"],
            "content_sha256": mine["content_sha256"],
            "printed_name": "B Finance",
            "meaning": "approval",
            "password": PASSWORD,
        },
    )
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("lines: your party has 1 cost line not yet")
    none_to_submit = client.post(
        f"{url}/lines/submit",
        headers={**world["a_finance"].headers, "If-Match": f'"{before["version"]}"'},
    )
    assert none_to_submit.status_code == 422
    late = client.post(  # a colleague adds a draft after B read the true-up
        f"{url}/lines",
        headers=world["b_finance"].headers,
        json={"work_package": "WP-LATE", "category": "CRO", "amount": "1.00", "currency": "EUR"},
    )
    stale = client.post(
        f"{url}/lines/submit",
        headers={**world["b_finance"].headers, "If-Match": f'"{mine["version"]}"'},
        json={"drafts_sha256": mine["drafts_sha256"]},
    )
    assert stale.status_code == 412
    assert stale.json()["detail"].startswith("lines: your party's draft lines changed")
    removed = client.delete(
        f"{url}/lines/{late.json()['id']}",
        headers={**world["b_finance"].headers, "If-Match": f'"{late.json()["version"]}"'},
    )
    assert removed.status_code == 204
    done = client.post(
        f"{url}/lines/submit",
        headers={**world["b_finance"].headers, "If-Match": f'"{mine["version"]}"'},
        json={"drafts_sha256": mine["drafts_sha256"]},
    )
    assert done.status_code == 200, done.text
    seen = client.get(url, headers=world["a_finance"].headers).json()
    assert seen["version"] == before["version"] + 1
    assert [ln["work_package"] for ln in seen["lines"]] == ["WP-SECRET"]
    assert seen["result"]["parties"]["licensee"]["reported"] == "777.00"
    assert [s["valid"] for s in seen["signatures"]] == [False]


@dataclass
class Model:
    """What the machine knows: each party's draft and submitted lines, the statements."""

    drafts: dict[str, dict[str, str]] = field(default_factory=lambda: {p: {} for p in PARTIES})
    submitted: dict[str, str] = field(default_factory=dict)  # line id -> work package
    amounts: dict[str, Decimal] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)
    version: int = 1
    royalty: dict[str, Any] | None = None
    royalty_shared: bool = False


def make_machine(
    client: TestClient, world: World, connection: Connection, factory: Any, tid: str, rid: str
) -> type[RuleBasedStateMachine]:
    """The drafts state machine bound to this test's true-up and royalty draft."""
    url = _api(world, "true-ups", tid)
    royalties = _api(world, "royalty-statements")

    class Drafts(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = connection.begin_nested()
            self.model = Model(royalty={"id": rid, "version": 1})
            self.counter = 0

        def teardown(self) -> None:
            self.savepoint.rollback()

        def hidden_from(self, party: str) -> dict[str, str]:
            other = next(p for p in PARTIES if p != party)
            hidden = dict(self.model.drafts[other])
            if party == "a_finance" and not self.model.royalty_shared:
                hidden[rid] = rid
            return hidden

        @rule(party=st.sampled_from(PARTIES), amount=st.integers(1, 10**6))
        def add_draft_line(self, party: str, amount: int) -> None:
            self.counter += 1
            wp = f"WP-{party}-{self.counter}-{uuid.uuid4().hex[:8]}"
            response = client.post(
                f"{url}/lines",
                headers=world[party].headers,
                json={"work_package": wp, "category": "CRO", "amount": f"{amount}.00"}
                | {"currency": "EUR"},
            )
            assert response.status_code == 201, response.text
            line = response.json()["id"]
            self.model.drafts[party][line] = wp
            self.model.amounts[line] = Decimal(amount)
            self.model.owner[line] = party

        @rule(party=st.sampled_from(PARTIES), data=st.data())
        def edit_or_remove_a_draft(self, party: str, data: st.DataObject) -> None:
            drafts = self.model.drafts[party]
            if not drafts:
                return
            line = data.draw(st.sampled_from(sorted(drafts)))
            remove = data.draw(st.booleans())
            if remove:
                response = client.delete(
                    f"{url}/lines/{line}", headers={**world[party].headers, "If-Match": "*"}
                )
                assert response.status_code == 204, response.text
                del drafts[line]
                return
            response = client.patch(
                f"{url}/lines/{line}",
                headers={**world[party].headers, "If-Match": "*"},
                json={"amount": "5.00"},
            )
            assert response.status_code == 200, response.text
            self.model.amounts[line] = Decimal(5)

        @rule(party=st.sampled_from(PARTIES))
        def submit_lines(self, party: str) -> None:
            response = client.post(
                f"{url}/lines/submit",
                headers={**world[party].headers, "If-Match": f'"{self.model.version}"'},
            )
            if not self.model.drafts[party]:
                assert response.status_code == 422
                return
            assert response.status_code == 200, response.text
            self.model.submitted.update(self.model.drafts[party])
            self.model.drafts[party] = {}
            self.model.version += 1

        @rule(party=st.sampled_from(PARTIES))
        def the_other_partys_draft_is_out_of_reach(self, party: str) -> None:
            for line in self.hidden_from(party):
                if line == rid:
                    continue
                response = client.patch(
                    f"{url}/lines/{line}",
                    headers={**world[party].headers, "If-Match": "*"},
                    json={"amount": "1.00"},
                )
                assert response.status_code == 404

        @rule()
        def submit_the_royalty_statement(self) -> None:
            royalty = self.model.royalty
            assert royalty is not None
            if self.model.royalty_shared:
                return
            response = client.post(
                f"{royalties}/{rid}/submit",
                headers={**world["b_finance"].headers, "If-Match": f'"{royalty["version"]}"'},
            )
            assert response.status_code == 200, response.text
            self.model.royalty_shared = True

        @invariant()
        def each_party_sees_the_submitted_lines_and_only_its_own_drafts(self) -> None:
            for party in PARTIES:
                response = client.get(url, headers=world[party].headers)
                assert response.status_code == 200
                body = response.json()
                assert body["version"] == self.model.version
                assert {ln["id"] for ln in body["lines"]} == set(self.model.submitted)
                assert {ln["id"] for ln in body["draft_lines"]} == set(self.model.drafts[party])
                for role, who in (("licensor", "a_finance"), ("licensee", "b_finance")):
                    counted = sum(
                        (
                            self.model.amounts[i]
                            for i in self.model.submitted
                            if self.model.owner[i] == who
                        ),
                        Decimal(0),
                    )
                    assert Decimal(body["result"]["parties"][role]["reported"]) == counted
                for hidden, label in self.hidden_from(party).items():
                    assert hidden not in response.text
                    assert label not in response.text

        @invariant()
        def lists_activity_and_audit_never_mention_the_other_partys_drafts(self) -> None:
            for party in PARTIES:
                listed = client.get(royalties, headers=world[party].headers)
                shown = {s["id"] for s in listed.json()}
                assert (rid in shown) == (party == "b_finance" or self.model.royalty_shared)
                texts = (_activity(client, world, party), _audit_text(factory, world, party))
                for hidden, label in self.hidden_from(party).items():
                    for text in texts:
                        assert hidden not in text
                        assert json.dumps(label)[1:-1] not in text

    return Drafts


@pytest.mark.slow
def test_drafts_never_cross_between_parties(
    client: TestClient, db: Session, world: World, connection: Connection, factory: Any
) -> None:
    """Random interleavings of both parties' drafting and submitting never show one
    party's draft to the other, and the shared result only ever counts submitted lines."""
    tid = open_true_up(client, world, trueup_agreement(db, world))["id"]
    rid = royalty_draft(client, db, world)["id"]
    machine = make_machine(client, world, connection, factory, tid, rid)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=10,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
