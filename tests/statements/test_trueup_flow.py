"""A quarter's cost-sharing true-up end to end: the worked example, sign-off, invoice."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.models import AuditEntry, Invoice
from tests.conftest import World
from tests.statements.trueup_setup import add_line, agreement, base, dispute, open_true_up, sign


def test_worked_example_overrun_above_the_cap_and_a_disputed_line(
    client: TestClient, db: Session, world: World
) -> None:
    """Helix (A, licensor) and Meridian (B, licensee), 2027 Q1, EUR. The agreement permits a
    10% overrun; for phase 2 the licensor bears 60% of shareable costs (licensee 40%).
    Committee budgets: Helix 40,000.00, Meridian 60,000.00.

    Helix reports WP1 CRO 30,000.00 + WP1 Lab 16,500.00 = 46,500.00. Its cap is
    40,000 x 1.10 = 44,000.00, so 44,000.00 is shareable and 2,500.00 stays with Helix.
    Meridian reports WP2 CMC 50,000.00 + WP2 Consultants 5,000.00 = 55,000.00 (cap
    66,000.00: all shareable); Helix disputes the 5,000.00 consultants line.

    All costs: shareable 44,000 + 55,000 = 99,000.00; Helix's 60% share is 59,400.00,
    Meridian's 40% is 39,600.00. Helix carried 44,000 and owes 59,400: it pays 15,400.00.
    Undisputed only: 44,000 + 50,000 = 94,000.00; Helix 56,400.00, Meridian 37,600.00;
    Helix pays 56,400 - 44,000 = 12,400.00 now. Held: 15,400 - 12,400 = 3,000.00
    (= 60% of the disputed 5,000), paid by Helix only if the line is accepted.
    Positions: Helix 44,000 + 15,400 = 59,400 = its share; Meridian 55,000 - 15,400 =
    39,600 = its share; 59,400 + 39,600 = 99,000 = the shareable total.
    """
    true_up = open_true_up(client, world, agreement(db, world))
    tid = true_up["id"]
    assert true_up["inputs"]["licensor_share"] == "0.6"
    assert true_up["inputs"]["overrun"] == "0.10"
    add_line(client, world, tid, "a_finance", "WP1", "CRO", "30000.00")
    add_line(client, world, tid, "a_finance", "WP1", "Lab", "16500.00")
    add_line(client, world, tid, "b_finance", "WP2", "CMC", "50000.00")
    consultants = add_line(client, world, tid, "b_finance", "WP2", "Consultants", "5000.00")
    dispute(client, world, tid, consultants, "a_finance")

    found = client.get(f"{base(world)}/{tid}", headers=world["b_finance"].headers).json()
    result = found["result"]
    helix, meridian = result["parties"]["licensor"], result["parties"]["licensee"]
    assert (helix["reported"], helix["cap"], helix["shareable"], helix["excess"]) == (
        "46500.00",
        "44000.00",
        "44000.00",
        "2500.00",
    )
    assert (meridian["reported"], meridian["shareable"], meridian["excess"]) == (
        "55000.00",
        "55000.00",
        "0.00",
    )
    assert meridian["disputed"] == "5000.00"
    assert result["shareable_total"] == "99000.00"
    assert result["shareable_undisputed"] == "94000.00"
    assert (helix["share"], meridian["share"]) == ("59400.00", "39600.00")
    assert (helix["balance_now"], helix["balance_held"]) == ("12400.00", "3000.00")
    assert (meridian["balance_now"], meridian["balance_held"]) == ("-12400.00", "-3000.00")
    assert result["payment_now"]["payer"] == "licensor"
    assert result["payment_now"]["amount"] == "12400.00"
    assert result["payment_held"]["amount"] == "3000.00"
    assert found["total"] == "99000.00"
    disputed = [ln for ln in found["lines"] if ln["disputed"]]
    assert [ln["category"] for ln in disputed] == ["Consultants"]


def test_both_finance_officers_sign_then_the_payment_now_is_invoiced(
    client: TestClient, db: Session, world: World
) -> None:
    """Approval needs both parties (SIG-2); then one invoice for the payment now: payer
    Helix, payee Meridian, 12,400.00, due after the agreement's 45 payment days; the held
    3,000.00 stays shown as held and the true-up no longer changes."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    add_line(client, world, tid, "a_finance", "WP1", "CRO", "46500.00")
    add_line(client, world, tid, "b_finance", "WP2", "CMC", "50000.00")
    line = add_line(client, world, tid, "b_finance", "WP2", "Consultants", "5000.00")
    dispute(client, world, tid, line, "a_finance")
    version = client.get(f"{base(world)}/{tid}", headers=world["a_finance"].headers).json()[
        "version"
    ]

    first = sign(client, world, tid, "a_finance", version)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "draft"
    assert first.json()["invoice_id"] is None
    second = sign(client, world, tid, "b_finance", version)
    assert second.status_code == 201, second.text
    approved = second.json()
    assert approved["status"] == "approved"
    assert [s["valid"] for s in approved["signatures"]] == [True, True]
    assert approved["result"]["payment_held"]["amount"] == "3000.00"
    invoice = db.execute(
        system_scope(select(Invoice).where(Invoice.id == uuid.UUID(approved["invoice_id"])))
    ).scalar_one()
    assert (invoice.payer_org_id, invoice.payee_org_id) == (world.orgs["A"], world.orgs["B"])
    assert str(invoice.amount) == "12400.00"
    assert invoice.source_type == "true_up"
    assert invoice.due_on == invoice.issued_on + timedelta(days=45)

    # Approved: no further change (409), and nobody signs again.
    late = client.post(
        f"{base(world)}/{tid}/lines/{line['id']}/dispute",
        headers={**world["a_finance"].headers, "If-Match": "*"},
        json={"disputed": False},
    )
    assert late.status_code == 409
    actions = db.execute(
        system_scope(select(AuditEntry.action).where(AuditEntry.object_id == tid))
    ).scalars()
    assert "true_up.approve" in set(actions)


def test_nothing_is_invoiced_when_the_balance_is_zero(
    client: TestClient, db: Session, world: World
) -> None:
    """Costs exactly in the split's proportion (60/40 of 1,000.00): no payment, no invoice."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    add_line(client, world, tid, "a_finance", "WP1", "CRO", "600.00")
    last = add_line(client, world, tid, "b_finance", "WP1", "CRO", "400.00")
    version = last["true_up_version"]
    assert sign(client, world, tid, "a_finance", version).status_code == 201
    done = sign(client, world, tid, "b_finance", version).json()
    assert done["status"] == "approved"
    assert done["result"]["payment_now"] is None
    assert done["invoice_id"] is None


def test_recomputing_the_stored_inputs_gives_the_stored_result(
    client: TestClient, db: Session, world: World
) -> None:
    """An awkward split to the cent; the stored result is exactly what the inputs give.

    Licensor share 33.33%. Helix 1,000.01, Meridian 2,000.03 (disputed by Helix).
    All: 300,004 cents x 0.3333 = 99,991.33 -> 99,991; x 0.6667 = 200,012.67 -> 200,012;
    the cent left goes to the larger remainder (Meridian): 999.91 / 2,000.13.
    Undisputed: 100,001 cents -> 33,330.33 -> 33,330 and 66,670.67 -> 66,670, plus the
    cent to Meridian: 333.30 / 666.71. Now: Helix 333.30 - 1,000.01 = -666.71 (Meridian
    pays 666.71). All: Helix 999.91 - 1,000.01 = -0.10; held = -0.10 + 666.71 = 666.61.
    """
    from pactum.statements.trueup.calc import compute

    tid = open_true_up(client, world, agreement(db, world), phase=None, licensor_share="0.3333")[
        "id"
    ]
    add_line(client, world, tid, "a_finance", "WP1", "CRO", "1000.01")
    line = add_line(client, world, tid, "b_finance", "WP1", "CRO", "2000.03")
    dispute(client, world, tid, line, "a_finance")
    found = client.get(f"{base(world)}/{tid}", headers=world["a_finance"].headers).json()
    assert compute(found["inputs"]) == found["result"]
    helix, meridian = found["result"]["parties"]["licensor"], found["result"]["parties"]["licensee"]
    assert (helix["share"], meridian["share"]) == ("999.91", "2000.13")
    assert (helix["balance_now"], meridian["balance_now"]) == ("-666.71", "666.71")
    assert (helix["balance_held"], meridian["balance_held"]) == ("666.61", "-666.61")
    assert found["result"]["payment_now"]["payer"] == "licensee"
