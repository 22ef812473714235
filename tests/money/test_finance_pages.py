"""The finance page and invoice pages: the same ledger for both parties, partial payments,
double-submitted forms paying once, exports, empty state."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.conftest import World
from tests.money.conftest import api, claim
from tests.support import sign_in


def _invoiced(client: TestClient, world: World, agreement: dict[str, Any]) -> dict[str, Any]:
    made = claim(client, world, agreement)
    etag = client.get(
        api(world, f"/milestones/{made['id']}"), headers=world["b_finance"].headers
    ).headers["ETag"]
    client.post(
        api(world, f"/milestones/{made['id']}/confirm"),
        headers={**world["b_finance"].headers, "If-Match": etag},
    )
    issued = client.post(
        api(world, f"/milestones/{made['id']}/invoice"), headers=world["a_finance"].headers
    )
    assert issued.status_code == 201
    return dict(issued.json())


def test_empty_finance_page(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """No invoices: an explanation, not an empty table."""
    sign_in(client, db, settings, world["a_manager"])
    got = client.get(f"/alliances/{world.alliance_id}/finance")
    assert got.status_code == 200
    assert "No invoices yet" in got.text


def test_payment_form_pays_once_and_both_parties_see_the_same_ledger(
    client: TestClient, db: Session, settings: Settings, world: World, agreement: dict[str, Any]
) -> None:
    """A partial payment through the page; resubmitting the same form records nothing more."""
    invoice = _invoiced(client, world, agreement)
    url = f"/alliances/{world.alliance_id}/finance/invoices/{invoice['id']}"
    csrf = sign_in(client, db, settings, world["b_finance"])
    page = client.get(url)
    key = re.search(r'name="form_key" value="([^"]+)"', page.text)
    assert key is not None
    data = {
        "csrf_token": csrf,
        "form_key": key.group(1),
        "amount": "5,000,000.00",
        "currency": "USD",
        "paid_on": invoice["issued_on"],
    }
    bad = client.post(f"{url}/payments", data={**data, "amount": "99999999999"})
    assert bad.status_code == 422
    assert 'id="amount-error"' in bad.text
    first = client.post(f"{url}/payments", data=data, follow_redirects=False)
    again = client.post(f"{url}/payments", data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    paid = client.get(
        api(world, f"/invoices/{invoice['id']}"), headers=world["a_finance"].headers
    ).json()
    assert paid["paid"] == "5000000.00"
    assert paid["status"] == "part_paid"
    b_view = client.get(f"/alliances/{world.alliance_id}/finance").text
    client.cookies.clear()
    sign_in(client, db, settings, world["a_manager"])
    a_view = client.get(f"/alliances/{world.alliance_id}/finance").text

    def ledger_rows(html: str) -> list[str]:
        start = html.index('id="ledger-heading"')
        return re.findall(r"<tr>.*?</tr>", html[start:], flags=re.S)

    assert ledger_rows(a_view) == ledger_rows(b_view)
    assert "5,000,000.00" in a_view
    assert "Cumulative payments" in a_view
    csv = client.get(f"/alliances/{world.alliance_id}/finance/invoices.csv")
    assert invoice["number"] in csv.text
    assert client.get(f"/alliances/{world.alliance_id}/finance/payments.xlsx").status_code == 200
    positions = client.get(f"/alliances/{world.alliance_id}/finance/positions.csv")
    assert "Meridian Test Pharma,USD,15000000.00,5000000.00,10000000.00" in positions.text
    schedule = client.get(f"/alliances/{world.alliance_id}/finance/schedule.csv")
    assert invoice["number"] in schedule.text
    filtered = client.get(f"/alliances/{world.alliance_id}/finance", params={"state": "paid"})
    assert "No invoice matches this filter" in filtered.text
