"""Royalty statements through the API: draft with FX conversion, submit, approve, invoice;
year-to-date and carried credit from the previous quarter; who may do what."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.models import AuditEntry, Invoice, RoyaltyStatement
from pactum.statements.royalty import calc as royalty_calc
from tests.conftest import World
from tests.statements.money_support import agreed_rate, frozen, make_agreement

D = Decimal

Q1_LINES = [
    {"country": "US", "product": "HLX-204", "net_sales": "500000.00", "currency": "USD"},
    {"country": "de", "product": "HLX-204", "net_sales": "200000.00", "currency": "EUR"},
    {"country": "FR", "product": "HLX-204", "net_sales": "100000.00", "currency": "EUR"},
]
Q2_LINES = [
    {"country": "US", "product": "HLX-204", "net_sales": "400000.00", "currency": "USD"},
    {"country": "DE", "product": "HLX-204", "net_sales": "100000.00", "currency": "EUR"},
    {"country": "FR", "product": "HLX-204", "net_sales": "50000.00", "currency": "EUR"},
]


def _url(world: World, *parts: str) -> str:
    return "/".join([f"/api/v1/alliances/{world.alliance_id}/royalty-statements", *parts])


def _create(client: TestClient, world: World, who: str = "b_finance", **body: Any) -> Any:
    return client.post(_url(world), headers=world[who].headers, json=body)


def _act(
    client: TestClient, world: World, who: str, statement: dict[str, Any], action: str, **kw: Any
) -> Any:
    headers = {**world[who].headers, "If-Match": f'"{statement["version"]}"'}
    return client.post(_url(world, statement["id"], action), headers=headers, **kw)


def test_two_quarters_converted_submitted_approved_and_invoiced(
    client: TestClient, db: Session, world: World
) -> None:
    """Terms: marginal 5% to 1,000,000 then 8%; offset 50% of third-party royalties,
    capped at 30% of the royalty; step-down 50% after LOE; floor 2%. EUR→USD agreed at
    1.10 for 2027 Q1 and 1.20 for Q2.

    Q1: US 500,000 + DE 200,000 EUR (220,000) + FR 100,000 EUR (110,000) = 830,000 USD.
        5% = 41,500. Offset: 0.5 x 10,000 = 5,000 (cap 12,450) -> 36,500.00.
        By country (cents by largest remainder): US 21,987.95, DE 9,674.70, FR 4,837.35.
    Q2: US 400,000 + DE 100,000 EUR (120,000) + FR 50,000 EUR (60,000, LOE) = 580,000;
        YTD 1,410,000: (50,000 + 8% x 410,000) - 41,500 = 41,300. Offset: credit
        0.5 x 100,000 = 50,000, cap 30% = 12,390 -> 28,910, credit carried 37,610.
        Step-down: 28,910 x 50% x 60,000/580,000 = 1,495.3448... -> 27,414.6551... ->
        27,414.66. Approved on 2027-07-10, payment days 30: due 2027-08-09.
    """
    agreement_id = make_agreement(db, world)
    agreed_rate(db, world, 2027, 1, "EUR", "1.10")
    agreed_rate(db, world, 2027, 2, "EUR", "1.20")
    body: dict[str, Any] = {"agreement_id": str(agreement_id), "year": 2027}
    q1 = _create(client, world, **body, quarter=1, lines=Q1_LINES, third_party_royalties="10000.00")
    assert q1.status_code == 201, q1.text
    s1 = q1.json()
    assert (s1["status"], D(s1["total"]), s1["currency"]) == ("draft", D("36500.00"), "USD")
    assert [
        (c["country"], D(c["net_sales"]), c["royalty_bearing"], c["royalty"])
        for c in s1["result"]["countries"]
    ] == [
        ("DE", D(220000), True, "9674.70"),
        ("FR", D(110000), True, "4837.35"),
        ("US", D(500000), True, "21987.95"),
    ]
    assert s1["inputs"]["fx"] == {"EUR": "1.1"}
    assert s1["reproducible"] is True
    # Q2 may be drafted now, but not submitted before Q1 is approved.
    q2 = _create(
        client,
        world,
        **body,
        quarter=2,
        lines=Q2_LINES,
        third_party_royalties="100000.00",
        exclusivity_lost=["FR"],
    )
    assert q2.status_code == 201, q2.text
    early = _act(client, world, "b_finance", q2.json(), "submit")
    assert early.status_code == 409
    assert "2027 Q1 statement must be approved" in early.text

    submitted = _act(client, world, "b_finance", s1, "submit")
    assert submitted.status_code == 200, submitted.text
    with frozen(date(2027, 4, 15)):
        approved = _act(client, world, "a_finance", submitted.json(), "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"

    s2 = client.get(_url(world, q2.json()["id"]), headers=world["b_finance"].headers).json()
    s2 = _act(client, world, "b_finance", s2, "submit").json()
    assert D(s2["total"]) == D("27414.66")
    assert (D(s2["inputs"]["ytd_before"]), D(s2["result"]["ytd_sales"])) == (D(830000), D(1410000))
    assert D(s2["result"]["credit_carried"]) == D(37610)
    assert [c["royalty"] for c in s2["result"]["countries"]] == ["5672.00", "2836.00", "18906.66"]
    labels = [step["label"] for step in s2["result"]["steps"]]
    assert labels[0] == "Royalty-bearing net sales this quarter"
    assert any(label.startswith("Step-down of 50") for label in labels)
    assert D(s2["result"]["steps"][-1]["amount"]) == D("27414.66")
    with frozen(date(2027, 7, 10)):
        done = _act(client, world, "a_finance", s2, "approve")
    assert done.status_code == 200, done.text
    invoice = db.execute(
        system_scope(select(Invoice).where(Invoice.source_id == uuid.UUID(s2["id"])))
    ).scalar_one()
    assert (invoice.source_type, invoice.amount, invoice.currency) == (
        "royalty",
        D("27414.66"),
        "USD",
    )
    assert (invoice.payer_org_id, invoice.payee_org_id) == (world.orgs["B"], world.orgs["A"])
    assert (invoice.issued_on, invoice.due_on) == (date(2027, 7, 10), date(2027, 8, 9))
    assert done.json()["invoice_id"] == str(invoice.id)
    stored = db.execute(
        system_scope(select(RoyaltyStatement).where(RoyaltyStatement.id == uuid.UUID(s2["id"])))
    ).scalar_one()
    assert royalty_calc.compute(stored.inputs) == stored.result


def test_only_the_licensee_drafts_and_only_the_licensors_finance_approves(
    client: TestClient, db: Session, world: World
) -> None:
    """A cannot draft (403); B cannot approve its own statement (403); A's manager is not
    a finance person (403); a stale If-Match is 412; a decided statement is locked."""
    agreement_id = make_agreement(db, world)
    body: dict[str, Any] = {
        "agreement_id": str(agreement_id),
        "year": 2027,
        "quarter": 1,
        "lines": Q1_LINES[:1],
    }
    assert _create(client, world, "a_finance", **body).status_code == 403
    assert _create(client, world, "b_contributor", **body).status_code == 403
    created = _create(client, world, "b_manager", **body)
    assert created.status_code == 201, created.text
    s = _act(client, world, "b_finance", created.json(), "submit").json()
    assert s["status"] == "submitted"
    assert _act(client, world, "b_finance", s, "approve").status_code == 403
    assert _act(client, world, "a_manager", s, "approve").status_code == 403
    stale = {**s, "version": s["version"] - 1}
    assert _act(client, world, "a_finance", stale, "approve").status_code == 412
    rejected = _act(client, world, "a_finance", s, "reject", json={"reason": "US sales missing"})
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["status"], rejected.json()["rejection_reason"]) == (
        "rejected",
        "US sales missing",
    )
    again = _act(client, world, "a_finance", rejected.json(), "approve")
    assert again.status_code == 409
    fixed = client.patch(
        _url(world, s["id"]),
        headers={**world["b_finance"].headers, "If-Match": f'"{rejected.json()["version"]}"'},
        json={"lines": [*Q1_LINES[:1], {**Q1_LINES[0], "product": "HLX-204 pen"}]},
    )
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["status"], D(fixed.json()["total"])) == ("draft", D("50000.00"))
    resubmitted = _act(client, world, "b_finance", fixed.json(), "submit")
    approved = _act(client, world, "a_finance", resubmitted.json(), "approve")
    assert approved.status_code == 200
    locked = client.patch(
        _url(world, s["id"]),
        headers={**world["b_finance"].headers, "If-Match": "*"},
        json={"third_party_royalties": "1.00"},
    )
    assert locked.status_code == 409
    actions = [
        e.action
        for e in db.execute(
            select(AuditEntry).where(AuditEntry.object_id == s["id"]).order_by(AuditEntry.seq)
        ).scalars()
    ]
    assert actions == [
        "royalty_statement.create",
        "royalty_statement.submit",
        "royalty_statement.reject",
        "royalty_statement.update",
        "royalty_statement.submit",
        "royalty_statement.approve",
    ]


def test_approve_is_idempotent_and_issues_one_invoice(
    client: TestClient, db: Session, world: World
) -> None:
    """The same Idempotency-Key replays the first answer; no second invoice."""
    agreement_id = make_agreement(db, world)
    body: dict[str, Any] = {
        "agreement_id": str(agreement_id),
        "year": 2027,
        "quarter": 1,
        "lines": Q1_LINES[:1],
    }
    s = _act(client, world, "b_finance", _create(client, world, **body).json(), "submit").json()
    headers = {
        **world["a_finance"].headers,
        "If-Match": f'"{s["version"]}"',
        "Idempotency-Key": "k-1",
    }
    first = client.post(_url(world, s["id"], "approve"), headers=headers)
    second = client.post(_url(world, s["id"], "approve"), headers=headers)
    assert first.status_code == second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()
    count = db.execute(
        system_scope(select(Invoice).where(Invoice.source_id == uuid.UUID(s["id"])))
    ).all()
    assert len(count) == 1


def test_bad_input_names_the_field_and_changes_nothing(
    client: TestClient, db: Session, world: World
) -> None:
    """Unknown country or currency, a negative figure, a currency without an agreed rate,
    an unknown field, a quarter before its predecessor: 4xx naming the field; nothing kept."""
    agreement_id = make_agreement(db, world)
    base: dict[str, Any] = {"agreement_id": str(agreement_id), "year": 2027, "quarter": 1}

    def problems(response: Any) -> list[str]:
        return [d["field"] for d in response.json()["detail"]]

    bad_country = _create(client, world, **base, lines=[{**Q1_LINES[0], "country": "XX"}])
    assert bad_country.status_code == 422
    assert problems(bad_country) == ["lines[0].country"]
    negative = _create(client, world, **base, lines=[{**Q1_LINES[0], "net_sales": "-1.00"}])
    assert negative.status_code == 422
    assert problems(negative) == ["lines[0].net_sales"]
    bad_currency = _create(client, world, **base, lines=[{**Q1_LINES[0], "currency": "ZZZ"}])
    assert problems(bad_currency) == ["lines[0].currency"]
    no_rate = _create(client, world, **base, lines=Q1_LINES)
    assert no_rate.status_code == 422
    assert no_rate.json()["detail"] == [
        {
            "field": "lines[1].currency",
            "rule": "EUR has no agreed rate into USD for 2027 Q1; agree one in the FX table first",
        },
        {
            "field": "lines[2].currency",
            "rule": "EUR has no agreed rate into USD for 2027 Q1; agree one in the FX table first",
        },
    ]
    unknown = _create(client, world, **base, lines=[], royalty_rate="0.5")
    assert unknown.status_code == 422
    later = _create(client, world, **{**base, "quarter": 3}, lines=[])
    assert later.status_code == 409
    assert "2027 Q1 statement must be created first" in later.text
    before = _create(client, world, **{**base, "year": 2026, "quarter": 4}, lines=[])
    assert before.status_code == 422
    assert before.json()["detail"][0]["field"] == "quarter"
    listing = client.get(_url(world), headers=world["a_finance"].headers)
    assert listing.json() == []


def test_a_draft_agreement_or_one_without_royalties_takes_no_statement(
    client: TestClient, db: Session, world: World
) -> None:
    """Statements start once the agreement is in force and has a royalty clause."""
    draft = make_agreement(db, world, in_force=False, title="Unsigned")
    no_clause = make_agreement(db, world, terms={"profit_split": 0.5}, title="Profit share")
    for agreement_id in (draft, no_clause):
        response = _create(client, world, agreement_id=str(agreement_id), year=2027, quarter=1)
        assert response.status_code == 422
        assert response.json()["detail"][0]["field"] == "agreement_id"


def test_create_with_the_same_idempotency_key_makes_one_statement(
    client: TestClient, db: Session, world: World
) -> None:
    """A retried create replays the first answer; a different body with the key is 422."""
    agreement_id = make_agreement(db, world)
    body = {"agreement_id": str(agreement_id), "year": 2027, "quarter": 1, "lines": Q1_LINES[:1]}
    headers = {**world["b_finance"].headers, "Idempotency-Key": "q1-royalties"}
    first = client.post(_url(world), headers=headers, json=body)
    second = client.post(_url(world), headers=headers, json=body)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    other = client.post(_url(world), headers=headers, json={**body, "quarter": 2})
    assert other.status_code == 422
    assert len(client.get(_url(world), headers=world["b_finance"].headers).json()) == 1
