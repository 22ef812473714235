"""The FX table: one party proposes, the other party's finance agrees; only agreed rates
convert; an agreed rate is corrected by a new proposal, never once a submitted or
approved statement used it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.models import AuditEntry
from pactum.settings import Settings
from tests.conftest import World
from tests.statements.money_support import make_agreement
from tests.support import sign_in

EUR_Q1 = {"year": 2027, "quarter": 1, "currency": "EUR", "target": "USD", "rate": "1.0850"}


def _url(world: World, *parts: str) -> str:
    return "/".join([f"/api/v1/alliances/{world.alliance_id}/fx-rates", *parts])


def _propose(client: TestClient, world: World, who: str, **body: Any) -> Any:
    return client.post(_url(world), headers=world[who].headers, json={**EUR_Q1, **body})


def _agree(client: TestClient, world: World, who: str, rate: dict[str, Any]) -> Any:
    headers = {**world[who].headers, "If-Match": f'"{rate["version"]}"'}
    return client.post(_url(world, rate["id"], "agree"), headers=headers)


def test_propose_counter_and_agree(client: TestClient, db: Session, world: World) -> None:
    """B proposes 1.0850; B cannot agree its own; A counter-proposes 1.0900 (A becomes the
    proposer); A cannot agree its own counter; B's finance agrees it. Audited in order."""
    made = _propose(client, world, "b_finance")
    assert made.status_code == 201, made.text
    rate = made.json()
    assert (rate["status"], rate["rate"], rate["proposed_by_org_id"]) == (
        "proposed",
        "1.085",
        str(world.orgs["B"]),
    )
    assert _agree(client, world, "b_finance", rate).status_code == 403
    assert _agree(client, world, "a_manager", rate).status_code == 403  # not finance
    counter = client.patch(
        _url(world, rate["id"]),
        headers={**world["a_finance"].headers, "If-Match": f'"{rate["version"]}"'},
        json={"rate": "1.09"},
    )
    assert counter.status_code == 200, counter.text
    assert counter.json()["proposed_by_org_id"] == str(world.orgs["A"])
    assert _agree(client, world, "a_finance", counter.json()).status_code == 403
    assert _agree(client, world, "b_finance", rate).status_code == 412  # stale version
    agreed = _agree(client, world, "b_finance", counter.json())
    assert agreed.status_code == 200, agreed.text
    assert (agreed.json()["status"], agreed.json()["rate"]) == ("agreed", "1.09")
    again = _agree(client, world, "b_finance", agreed.json())
    assert again.status_code == 409  # already agreed
    actions = [
        e.action
        for e in db.execute(
            select(AuditEntry).where(AuditEntry.object_id == rate["id"]).order_by(AuditEntry.seq)
        ).scalars()
    ]
    assert actions == ["fx_rate.propose", "fx_rate.counter", "fx_rate.agree"]


def test_bad_rates_are_refused_with_the_field(client: TestClient, world: World) -> None:
    """Zero, negative, too many decimals, an unknown currency, the same currency, a
    duplicate quarter, a viewer: refused, nothing added."""
    for body, field in (
        ({"rate": "0"}, "rate"),
        ({"rate": "-1.2"}, "rate"),
        ({"rate": "1.00000000001"}, "rate"),
        ({"currency": "ZZZ"}, "currency"),
        ({"currency": "USD"}, "currency"),
        ({"quarter": 5}, "quarter"),
    ):
        response = _propose(client, world, "b_finance", **body)
        assert response.status_code == 422, (body, response.text)
        fields = [d["field"] for d in response.json()["detail"]]
        assert fields[0].endswith(field), (body, fields)
    assert _propose(client, world, "a_viewer").status_code == 403
    assert _propose(client, world, "b_finance").status_code == 201
    duplicate = _propose(client, world, "a_finance", rate="1.2")
    assert duplicate.status_code == 409
    assert len(client.get(_url(world), headers=world["a_viewer"].headers).json()) == 1


def test_an_agreed_rate_is_corrected_until_a_submitted_statement_uses_it(
    client: TestClient, db: Session, world: World
) -> None:
    """A correction sends the rate back to proposed (statements cannot use it until agreed
    again); once a submitted statement converted with it, it is locked (409)."""
    agreement_id = make_agreement(db, world)
    rate = _propose(client, world, "b_finance").json()
    rate = _agree(client, world, "a_finance", rate).json()
    corrected = client.patch(
        _url(world, rate["id"]),
        headers={**world["b_finance"].headers, "If-Match": f'"{rate["version"]}"'},
        json={"rate": "1.0870"},
    )
    assert corrected.status_code == 200
    assert corrected.json()["status"] == "proposed"
    body = {
        "agreement_id": str(agreement_id),
        "year": 2027,
        "quarter": 1,
        "lines": [{"country": "DE", "product": "X", "net_sales": "100.00", "currency": "EUR"}],
    }
    statements = f"/api/v1/alliances/{world.alliance_id}/royalty-statements"
    refused = client.post(statements, headers=world["b_finance"].headers, json=body)
    assert refused.status_code == 422  # the corrected rate is not agreed yet
    rate = _agree(client, world, "a_finance", corrected.json()).json()
    draft = client.post(statements, headers=world["b_finance"].headers, json=body)
    assert draft.status_code == 201, draft.text
    assert draft.json()["inputs"]["fx"] == {"EUR": "1.087"}
    submitted = client.post(
        f"{statements}/{draft.json()['id']}/submit",
        headers={**world["b_finance"].headers, "If-Match": "*"},
    )
    assert submitted.status_code == 200
    locked = client.patch(
        _url(world, rate["id"]),
        headers={**world["b_finance"].headers, "If-Match": "*"},
        json={"rate": "1.0900"},
    )
    assert locked.status_code == 409
    assert "royalty statement 2027 Q1" in locked.text


def test_fx_page_proposes_agrees_and_exports(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The page shows the table, errors next to the field, an Agree button only for the
    other party's finance, and CSV/XLSX exports."""
    make_agreement(db, world)
    csrf = sign_in(client, db, settings, world["b_finance"])
    page = client.get(f"/alliances/{world.alliance_id}/fx-rates")
    assert page.status_code == 200
    assert "No rates yet" in page.text
    assert 'value="USD"' in page.text  # the agreement's currency is the default target
    form = {"csrf_token": csrf, "year": "2027", "quarter": "1", "currency": "EUR", "target": "USD"}
    bad = client.post(f"/alliances/{world.alliance_id}/fx-rates", data={**form, "rate": "abc"})
    assert bad.status_code == 422
    assert 'id="rate-error"' in bad.text
    made = client.post(
        f"/alliances/{world.alliance_id}/fx-rates",
        data={**form, "rate": "1.0850"},
        follow_redirects=True,
    )
    assert made.status_code == 200
    assert "Rate proposed" in made.text
    assert ">Agree<" not in made.text
    client.cookies.clear()
    csrf_a = sign_in(client, db, settings, world["a_finance"])
    page = client.get(f"/alliances/{world.alliance_id}/fx-rates")
    assert "Agree<span" in page.text
    rate_id = client.get(_url(world), headers=world["a_finance"].headers).json()[0]["id"]
    agreed = client.post(
        f"/alliances/{world.alliance_id}/fx-rates/{rate_id}/agree",
        data={"csrf_token": csrf_a, "version": "1"},
        follow_redirects=True,
    )
    assert "Rate agreed" in agreed.text
    export = client.get(f"/alliances/{world.alliance_id}/fx-rates.csv")
    assert "2027,1,EUR,USD,1.085,Agreed,Meridian Test Pharma" in export.text
    assert client.get(f"/alliances/{world.alliance_id}/fx-rates.xlsx").status_code == 200
    landing = client.get(f"/alliances/{world.alliance_id}/statements")
    assert "1 EUR in USD" in landing.text
    assert f"/alliances/{world.alliance_id}/true-ups" in landing.text
