"""True-up API: signing rules (SIG-1, SIG-2, TEN-5), edits, disputes and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import open_alliance, system_scope
from pactum.alliances import service as alliances
from pactum.alliances.schemas import MemberCreate
from pactum.audit.service import Actor
from pactum.auth.tokens import create_token
from pactum.models import AuditEntry, CostLine, Organisation, Signature, TrueUp, User
from pactum.orgs import service as orgs
from pactum.orgs.schemas import PersonCreate
from pactum.settings import Settings
from tests.conftest import PASSWORD, World
from tests.statements.trueup_setup import (
    add_line,
    agreement,
    base,
    dispute,
    open_true_up,
    sign,
    submit_lines,
)


def _get(client: TestClient, world: World, tid: str, who: str = "a_finance") -> dict[str, Any]:
    response = client.get(f"{base(world)}/{tid}", headers=world[who].headers)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'
    data: dict[str, Any] = response.json()
    return data


@pytest.fixture
def tid(client: TestClient, db: Session, world: World) -> str:
    """A true-up with one line per party."""
    made = open_true_up(client, world, agreement(db, world))["id"]
    add_line(client, world, made, "a_finance", "WP1", "CRO", "1000.00")
    add_line(client, world, made, "b_finance", "WP1", "CRO", "500.00")
    return str(made)


def test_a_wrong_password_signs_nothing_is_audited_and_frees_the_key(
    client: TestClient, db: Session, world: World, tid: str
) -> None:
    """422 on the password field; no signature; the refusal is in the audit trail; the
    same Idempotency-Key then works with the right password."""
    version = _get(client, world, tid)["version"]
    key = {"Idempotency-Key": "sign-q1-a"}
    wrong = sign(client, world, tid, "a_finance", version, password="not my password", headers=key)
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["field"] == "password"
    assert _get(client, world, tid)["signatures"] == []
    refused = db.execute(
        system_scope(
            select(AuditEntry).where(
                AuditEntry.object_id == tid, AuditEntry.action == "signature.refused"
            )
        )
    ).scalar_one()
    assert refused.actor_user_id == world["a_finance"].user_id
    right = sign(client, world, tid, "a_finance", version, headers=key)
    assert right.status_code == 201, right.text
    again = sign(client, world, tid, "a_finance", version, headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(_get(client, world, tid)["signatures"]) == 1


def test_signing_a_stale_version_is_409(client: TestClient, world: World, tid: str) -> None:
    """The version reviewed must be the current one."""
    version = _get(client, world, tid)["version"]
    add_line(client, world, tid, "b_finance", "WP2", "CMC", "10.00")
    stale = sign(client, world, tid, "a_finance", version)
    assert stale.status_code == 409
    assert _get(client, world, tid)["signatures"] == []
    body = {
        "version": version + 1,
        "password": PASSWORD,
        "printed_name": "A Finance",
        "content_sha256": "0" * 64,
    }
    wrong_hash = client.post(
        f"{base(world)}/{tid}/signatures", headers=world["a_finance"].headers, json=body
    )
    assert wrong_hash.status_code == 409


def test_an_edit_invalidates_signatures_visibly_and_both_sign_again(
    client: TestClient, db: Session, world: World, tid: str
) -> None:
    """A signs; B withdraws... a dispute and edits a line: A's signature is shown as
    invalidated, no approval; approval once both sign the new version."""
    first = _get(client, world, tid)
    assert sign(client, world, tid, "a_finance", first["version"]).status_code == 201
    line = next(ln for ln in first["lines"] if ln["party_org_id"] == str(world.orgs["B"]))
    edited = client.patch(
        f"{base(world)}/{tid}/lines/{line['id']}",
        headers={**world["b_finance"].headers, "If-Match": f'"{line["version"]}"'},
        json={"amount": "650.00"},
    )
    assert edited.status_code == 200, edited.text
    now = _get(client, world, tid, "b_finance")
    assert now["version"] == first["version"] + 1
    assert [(s["party"], s["valid"]) for s in now["signatures"]] == [("Helix Test Bio", False)]
    assert now["signatures"][0]["invalidated_at"] is not None
    b_signed = sign(client, world, tid, "b_finance", now["version"])
    assert b_signed.json()["status"] == "draft"
    done = sign(client, world, tid, "a_finance", now["version"])
    assert done.json()["status"] == "approved"
    assert len(done.json()["signatures"]) == 3


def test_two_people_of_one_party_fill_one_slot(
    client: TestClient, db: Session, world: World, settings: Settings, tid: str
) -> None:
    """B's finance officer and a second B finance person: the second is refused (409)."""
    org_b = db.get(Organisation, world.orgs["B"])
    second = orgs.create_user(
        db,
        Actor.system("test"),
        org=org_b,
        data=PersonCreate(email="b_finance2@example.com", name="B Finance Two", password=PASSWORD),
    )
    view = open_alliance(db, world["b_manager"].principal, world.alliance_id)
    alliances.add_member(db, view, MemberCreate(user_id=second.id, role="finance"))
    user = db.get(User, second.id)
    assert user is not None
    raw, _ = create_token(db, settings, user=user, org_id=world.orgs["B"], name="t")
    db.commit()
    version = _get(client, world, tid)["version"]
    assert sign(client, world, tid, "b_finance", version).status_code == 201
    other = client.post(
        f"{base(world)}/{tid}/signatures",
        headers={"Authorization": f"Bearer {raw}"},
        json={"version": version, "password": PASSWORD, "printed_name": "B Finance Two"},
    )
    assert other.status_code == 409
    assert "already signed this version for your party" in other.text
    assert _get(client, world, tid)["status"] == "draft"


@pytest.mark.parametrize("who", ["a_viewer", "a_contributor", "a_manager", "a_admin"])
def test_only_finance_officers_sign_and_dispute(
    client: TestClient, world: World, tid: str, who: str
) -> None:
    """TEN-5: viewers, contributors, the alliance manager and the admin cannot sign (403)."""
    data = _get(client, world, tid)
    assert sign(client, world, tid, who, data["version"]).status_code == 403
    line = next(ln for ln in data["lines"] if ln["party_org_id"] == str(world.orgs["B"]))
    disputed = client.post(
        f"{base(world)}/{tid}/lines/{line['id']}/dispute",
        headers={**world[who].headers, "If-Match": "*"},
        json={"disputed": True, "reason": "no"},
    )
    assert disputed.status_code == 403
    assert _get(client, world, tid)["signatures"] == []


def test_viewers_and_contributors_cannot_write(client: TestClient, world: World, tid: str) -> None:
    """finance.write: adding lines or opening true-ups is for finance people and managers."""
    for who in ("a_viewer", "a_contributor"):
        response = client.post(
            f"{base(world)}/{tid}/lines",
            headers=world[who].headers,
            json={"work_package": "WP", "category": "c", "amount": "1.00", "currency": "EUR"},
        )
        assert response.status_code == 403


def test_a_party_edits_only_its_own_lines_and_disputes_only_the_others(
    client: TestClient, world: World, tid: str
) -> None:
    """B may not edit or remove A's line (403); A may not dispute its own line (409)."""
    data = _get(client, world, tid)
    a_line = next(ln for ln in data["lines"] if ln["party_org_id"] == str(world.orgs["A"]))
    url = f"{base(world)}/{tid}/lines/{a_line['id']}"
    b = {**world["b_finance"].headers, "If-Match": "*"}
    assert client.patch(url, headers=b, json={"amount": "1.00"}).status_code == 403
    assert client.delete(url, headers=b).status_code == 403
    own = client.post(
        f"{url}/dispute",
        headers={**world["a_finance"].headers, "If-Match": "*"},
        json={"disputed": True, "reason": "mine"},
    )
    assert own.status_code == 409


def test_disputes_are_withdrawn_and_stale_line_versions_refused(
    client: TestClient, world: World, tid: str
) -> None:
    """A dispute bumps the line and the true-up; a stale If-Match is 412; withdrawing
    brings the line back into the payment now."""
    data = _get(client, world, tid)
    line = next(ln for ln in data["lines"] if ln["party_org_id"] == str(world.orgs["B"]))
    disputed = dispute(client, world, tid, line, "a_finance")
    assert disputed["disputed"]
    assert disputed["version"] == line["version"] + 1
    assert _get(client, world, tid)["result"]["parties"]["licensee"]["disputed"] == "500.00"
    stale = client.post(
        f"{base(world)}/{tid}/lines/{line['id']}/dispute",
        headers={**world["a_finance"].headers, "If-Match": f'"{line["version"]}"'},
        json={"disputed": False},
    )
    assert stale.status_code == 412
    withdrawn = client.post(
        f"{base(world)}/{tid}/lines/{line['id']}/dispute",
        headers={**world["a_finance"].headers, "If-Match": f'"{disputed["version"]}"'},
        json={"disputed": False},
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["dispute_reason"] == ""
    assert _get(client, world, tid)["result"]["parties"]["licensee"]["disputed"] == "0.00"
    missing = client.post(
        f"{base(world)}/{tid}/lines/{line['id']}/dispute",
        headers={**world["a_finance"].headers, "If-Match": "*"},
        json={"disputed": True},
    )
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["field"] == "reason"


def test_removing_a_line_and_patching_budgets(client: TestClient, world: World, tid: str) -> None:
    """DELETE needs If-Match; a budget change recomputes the caps."""
    data = _get(client, world, tid)
    a_line = next(ln for ln in data["lines"] if ln["party_org_id"] == str(world.orgs["A"]))
    url = f"{base(world)}/{tid}/lines/{a_line['id']}"
    assert client.delete(url, headers=world["a_finance"].headers).status_code == 428
    gone = client.delete(
        url, headers={**world["a_finance"].headers, "If-Match": f'"{a_line["version"]}"'}
    )
    assert gone.status_code == 204
    after = _get(client, world, tid)
    assert after["result"]["parties"]["licensor"]["reported"] == "0.00"
    patched = client.patch(
        f"{base(world)}/{tid}",
        headers={**world["b_finance"].headers, "If-Match": f'"{after["version"]}"'},
        json={"licensee_budget": "100.00", "licensee_budget_decision": "JSC 2027-02, item 1"},
    )
    assert patched.status_code == 200, patched.text
    licensee = patched.json()["result"]["parties"]["licensee"]
    assert (licensee["cap"], licensee["shareable"], licensee["excess"]) == (
        "110.00",
        "110.00",
        "390.00",
    )


BAD_CREATES = [
    ({"quarter": 5}, "quarter"),
    ({"year": 2026, "quarter": 4}, "quarter"),
    ({"licensor_budget": "-1"}, "licensor_budget"),
    ({"licensor_budget": "1.001"}, "licensor_budget"),
    ({"licensor_budget_decision": ""}, "licensor_budget_decision"),
    ({"phase": "phase1"}, "phase"),
    ({"phase": None}, "licensor_share"),
    ({"licensor_share": "0.5"}, "phase"),
    ({"licensor_share": "1.5", "phase": None}, "licensor_share"),
    ({"colour": "blue"}, "colour"),
]


@pytest.mark.parametrize(("change", "field"), BAD_CREATES)
def test_bad_input_names_the_field_and_creates_nothing(
    client: TestClient, db: Session, world: World, change: dict[str, Any], field: str
) -> None:
    """422 naming the field; no true-up is stored."""
    agreement_id = agreement(db, world)
    body = {
        "agreement_id": str(agreement_id),
        "year": 2027,
        "quarter": 1,
        "licensor_budget": "1.00",
        "licensor_budget_decision": "JSC",
        "licensee_budget": "1.00",
        "licensee_budget_decision": "JSC",
        "phase": "phase2",
        **change,
    }
    response = client.post(base(world), headers=world["a_finance"].headers, json=body)
    assert response.status_code == 422, response.text
    assert field in {d["field"] for d in response.json()["detail"]}
    assert db.execute(system_scope(select(TrueUp))).scalars().all() == []


def test_bad_lines_and_a_duplicate_quarter(client: TestClient, world: World, tid: str) -> None:
    """Foreign currency, negative or sub-cent amounts: 422; the same quarter twice: 409."""
    url = f"{base(world)}/{tid}/lines"
    good = {"work_package": "WP", "category": "CRO", "amount": "1.00", "currency": "EUR"}
    for change, field in (
        ({"currency": "USD"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "0.001"}, "amount"),
        ({"work_package": ""}, "work_package"),
    ):
        response = client.post(url, headers=world["a_finance"].headers, json={**good, **change})
        assert response.status_code == 422, change
        assert response.json()["detail"][0]["field"] == field
    count = len(_get(client, world, tid)["lines"])
    assert count == 2
    again = client.post(
        base(world),
        headers=world["a_finance"].headers,
        json={
            "agreement_id": _get(client, world, tid)["agreement_id"],
            "year": 2027,
            "quarter": 1,
            "licensor_budget": "1.00",
            "licensor_budget_decision": "JSC",
            "licensee_budget": "1.00",
            "licensee_budget_decision": "JSC",
            "licensor_share": "0.5",
        },
    )
    assert again.status_code == 409


def test_import_is_all_or_nothing(client: TestClient, db: Session, world: World, tid: str) -> None:
    """One bad row: 422 listing each problem by row, nothing added; a good file adds all."""
    url = f"{base(world)}/{tid}/lines/import"
    bad = (
        "work_package,category,description,amount,currency\n"
        "WP1,CRO,Site fees,100.00,EUR\n"
        "WP1,,Lab,-3,USD\n"
    )
    rejected = client.post(url, headers=world["a_finance"].headers, content=bad.encode())
    assert rejected.status_code == 422
    fields = {d["field"] for d in rejected.json()["detail"]}
    assert fields == {"row 3: category", "row 3: amount", "row 3: currency"}
    before = db.execute(system_scope(select(CostLine))).scalars().all()
    assert len(before) == 2
    good = (
        "work_package,category,description,amount,currency\n"
        "WP1,CRO,,100.00,EUR\nWP2,CMC,x,2.5,EUR\n"
    )
    added = client.post(url, headers=world["a_finance"].headers, content=good.encode())
    assert added.status_code == 201, added.text
    assert [ln["amount"] for ln in added.json()] == ["100.00", "2.50"]
    assert [ln["submitted"] for ln in added.json()] == [False, False]
    # imported lines are drafts: the result counts them once the party submits them
    assert _get(client, world, tid)["result"]["parties"]["licensor"]["reported"] == "1000.00"
    submit_lines(client, world, tid, "a_finance")
    assert _get(client, world, tid)["result"]["parties"]["licensor"]["reported"] == "1102.50"


def test_signatures_are_shared_with_both_parties(
    client: TestClient, db: Session, world: World, tid: str
) -> None:
    """Both parties see the manifestation; outsiders get 404."""
    version = _get(client, world, tid)["version"]
    sign(client, world, tid, "a_finance", version)
    listed = client.get(f"{base(world)}/{tid}/signatures", headers=world["b_contributor"].headers)
    assert listed.status_code == 200
    assert listed.json()[0]["printed_name"] == "A Finance"
    assert listed.json()[0]["meaning"] == "approval"
    outside = client.get(f"{base(world)}/{tid}/signatures", headers=world["c_admin"].headers)
    assert outside.status_code == 404
    assert db.execute(system_scope(select(Signature))).scalars().one().visibility == "shared"
