"""P&L-share statements through the API and the pages: the booking party drafts, the
partner approves, the balancing-payment invoice goes in the right direction."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.models import Invoice
from pactum.settings import Settings
from tests.conftest import World
from tests.statements.money_support import PROFIT_TERMS, agreed_rate, frozen, make_agreement
from tests.support import sign_in

D = Decimal
FIGURES = {
    "net_sales": "1000000.00",
    "cogs": "200000.00",
    "licensor_expenses": "50000.00",
    "licensee_expenses": "150000.00",
}


def _url(world: World, *parts: str) -> str:
    return "/".join([f"/api/v1/alliances/{world.alliance_id}/pnl-statements", *parts])


def _act(client: TestClient, world: World, who: str, item: dict[str, Any], action: str) -> Any:
    headers = {**world[who].headers, "If-Match": f'"{item["version"]}"'}
    return client.post(_url(world, item["id"], action), headers=headers)


def _invoice(db: Session, statement_id: str) -> Invoice:
    return db.execute(
        system_scope(select(Invoice).where(Invoice.source_id == uuid.UUID(statement_id)))
    ).scalar_one()


def test_minority_booking_party_pays_the_licensor_on_approval(
    client: TestClient, db: Session, world: World
) -> None:
    """The worked example of test_pnl_share (licensee books, keeps 40%): the licensee pays
    the licensor 410,000.00; approved 2027-04-20 with 45 payment days: due 2027-06-04. The
    split comes from the terms (profit_split 0.6)."""
    agreement_id = make_agreement(db, world, terms=PROFIT_TERMS, payment_days=45)
    body = {"agreement_id": str(agreement_id), "year": 2027, "quarter": 1, **FIGURES}
    created = client.post(_url(world), headers=world["b_finance"].headers, json=body)
    assert created.status_code == 201, created.text
    item = created.json()
    assert (item["booking"], D(item["total"])) == ("licensee", D(410000))
    assert item["inputs"]["split"] == {"licensor": "0.6", "licensee": "0.4"}
    assert item["inputs"]["split_source"] == "terms"
    submitted = _act(client, world, "b_finance", item, "submit")
    assert submitted.status_code == 200, submitted.text
    assert _act(client, world, "b_finance", submitted.json(), "approve").status_code == 403
    assert _act(client, world, "a_manager", submitted.json(), "approve").status_code == 403
    with frozen(date(2027, 4, 20)):
        approved = _act(client, world, "a_finance", submitted.json(), "approve")
    assert approved.status_code == 200, approved.text
    invoice = _invoice(db, item["id"])
    assert (invoice.payer_org_id, invoice.payee_org_id) == (world.orgs["B"], world.orgs["A"])
    assert (invoice.amount, invoice.currency, invoice.source_type) == (D(410000), "USD", "pnl")
    assert invoice.due_on == date(2027, 6, 4)
    assert approved.json()["invoice_id"] == str(invoice.id)
    assert approved.json()["reproducible"] is True


def test_a_loss_is_invoiced_from_the_partner_to_the_booking_party(
    client: TestClient, db: Session, world: World
) -> None:
    """The loss example of test_pnl_share, with figures in EUR at an agreed 1.00 (so the
    numbers stay those of the example): the licensor pays the licensee 38,000.00."""
    agreement_id = make_agreement(db, world, terms=PROFIT_TERMS)
    agreed_rate(db, world, 2027, 2, "EUR", "1.00")
    body = {
        "agreement_id": str(agreement_id),
        "year": 2027,
        "quarter": 2,
        "currency": "EUR",
        "net_sales": "100000.00",
        "cogs": "20000.00",
        "licensor_expenses": "10000.00",
        "licensee_expenses": "150000.00",
    }
    created = client.post(_url(world), headers=world["b_finance"].headers, json=body)
    assert created.status_code == 201, created.text
    assert D(created.json()["total"]) == D(-38000)
    submitted = _act(client, world, "b_finance", created.json(), "submit")
    approved = _act(client, world, "a_finance", submitted.json(), "approve")
    assert approved.status_code == 200, approved.text
    invoice = _invoice(db, created.json()["id"])
    assert (invoice.payer_org_id, invoice.payee_org_id, invoice.amount) == (
        world.orgs["A"],
        world.orgs["B"],
        D(38000),
    )


def test_who_books_prepares_and_bad_input_changes_nothing(
    client: TestClient, db: Session, world: World
) -> None:
    """A cannot draft as the (default) licensee-booked statement; A may as the booking
    licensor, and then B approves. No split in the terms and none given: 422 on split. No
    agreed rate: 422 on currency. Negative figures: 422. A rejected statement is corrected
    and goes back to draft."""
    agreement_id = make_agreement(db, world, terms=PROFIT_TERMS)
    base = {"agreement_id": str(agreement_id), "year": 2027, "quarter": 1, **FIGURES}
    assert (
        client.post(_url(world), headers=world["a_finance"].headers, json=base).status_code == 403
    )
    negative = client.post(
        _url(world), headers=world["b_finance"].headers, json={**base, "cogs": "-1.00"}
    )
    assert negative.status_code == 422
    assert negative.json()["detail"][0]["field"] == "cogs"
    no_rate = client.post(
        _url(world), headers=world["b_finance"].headers, json={**base, "currency": "CHF"}
    )
    assert no_rate.status_code == 422
    assert no_rate.json()["detail"][0]["field"] == "currency"
    no_split_agreement = make_agreement(db, world, terms={}, title="No split")
    no_split = client.post(
        _url(world),
        headers=world["b_finance"].headers,
        json={**base, "agreement_id": str(no_split_agreement)},
    )
    assert no_split.status_code == 422
    assert no_split.json()["detail"][0]["field"] == "split"
    assert client.get(_url(world), headers=world["a_finance"].headers).json() == []

    by_licensor = client.post(
        _url(world),
        headers=world["a_finance"].headers,
        json={**base, "booking": "licensor", "split": "0.25"},
    )
    assert by_licensor.status_code == 201, by_licensor.text
    item = _act(client, world, "a_finance", by_licensor.json(), "submit").json()
    assert _act(client, world, "a_finance", item, "approve").status_code == 403
    rejected = client.post(
        _url(world, item["id"], "reject"),
        headers={**world["b_finance"].headers, "If-Match": f'"{item["version"]}"'},
        json={"reason": "COGS include launch stock"},
    )
    assert rejected.status_code == 200
    fixed = client.patch(
        _url(world, item["id"]),
        headers={**world["a_finance"].headers, "If-Match": f'"{rejected.json()["version"]}"'},
        json={"cogs": "150000.00"},
    )
    assert fixed.status_code == 200, fixed.text
    # 1,000,000 - 150,000 - 200,000 = 650,000; licensee 75% = 487,500 + 150,000 expenses.
    assert (fixed.json()["status"], D(fixed.json()["total"])) == ("draft", D(637500))


def test_pnl_pages_create_show_positions_and_export(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """The form takes a split as a percentage; the page names who pays whom and each
    party's position; the partner's finance sees Approve; the working exports."""
    agreement = str(make_agreement(db, world, terms=PROFIT_TERMS))
    csrf = sign_in(client, db, settings, world["b_finance"])
    assert client.get(f"/alliances/{world.alliance_id}/pnl-statements/new").status_code == 200
    form = {
        "csrf_token": csrf,
        "agreement_id": agreement,
        "year": "2027",
        "quarter": "1",
        "booking": "licensee",
        "split": "60%",
        **FIGURES,
    }
    bad = client.post(
        f"/alliances/{world.alliance_id}/pnl-statements/new", data={**form, "net_sales": "-3"}
    )
    assert bad.status_code == 422
    assert 'id="net_sales-error"' in bad.text
    made = client.post(
        f"/alliances/{world.alliance_id}/pnl-statements/new", data=form, follow_redirects=False
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"].split("?")[0]
    page = client.get(url)
    assert "Meridian Test Pharma pays Helix Test Bio 410,000.00 USD" in page.text
    assert "given in this statement" in page.text
    assert "Submit to the partner" in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    client.post(f"{url}/submit", data={"csrf_token": csrf, "version": version.group(1)})
    client.cookies.clear()
    sign_in(client, db, settings, world["a_finance"])
    page = client.get(url)
    assert "Approve and issue the invoice" in page.text
    assert "360,000.00" in page.text
    assert "240,000.00" in page.text
    working = client.get(f"{url}/working.csv")
    assert "Position of the licensee after the payment,240000.00" in working.text
    listing = client.get(f"/alliances/{world.alliance_id}/pnl-statements.csv")
    assert "licensee,licensor,410000.00,USD" in listing.text
    landing = client.get(f"/alliances/{world.alliance_id}/statements")
    assert "Licensee pays licensor" in landing.text
