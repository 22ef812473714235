"""Decisions over the API, with the clock frozen: a written decision deadlocks, escalates
to the executive officers when the JSC's 15 business days run out, deadlocks again, and
is decided by the final-say party; votes by outsiders and second votes are refused."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from pactum.core.time import frozen
from tests.conftest import World
from tests.governance.support import ok, setup_governance, written_decision

MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def test_deadlock_escalates_and_final_say_decides(client: TestClient, world: World) -> None:
    with frozen(MON):
        gov = setup_governance(client, world)
        d = written_decision(client, world, gov, date(2026, 11, 27))
        assert d["reference"].startswith("DEC-2026-")
        url = f"{gov.base}/decisions/{d['id']}"
        ok(
            client.post(f"{url}/votes", headers=world["a_manager"].headers, json={"choice": "yes"}),
            201,
        )
        # one vote per party: a second voter of A is refused
        r = client.post(
            f"{url}/votes", headers=world["a_contributor"].headers, json={"choice": "yes"}
        )
        assert r.status_code == 409, r.text
        # an officer is not a voting member of the JSC
        r = client.post(f"{url}/votes", headers=world["b_finance"].headers, json={"choice": "no"})
        assert r.status_code == 403, r.text
        d = ok(
            client.post(f"{url}/votes", headers=world["b_manager"].headers, json={"choice": "no"}),
            201,
        )
        assert d["status"] == "deadlocked"
        # Mon 23 Nov + 15 business days = Mon 14 Dec
        assert d["escalate_on"] == "2026-12-14"
    with frozen(at(date(2026, 12, 11))):
        assert ok(client.get(url, headers=world["b_manager"].headers))["status"] == "deadlocked"
    with frozen(at(date(2026, 12, 14))):
        d = ok(client.get(url, headers=world["b_manager"].headers))
        assert (d["status"], d["rung"], d["body_id"]) == ("open", 1, str(gov.execs))
        # 14 Dec + 30 business days
        assert d["deadline"] == "2027-01-25"
        r = client.post(f"{url}/votes", headers=world["a_manager"].headers, json={"choice": "yes"})
        assert r.status_code == 403, r.text
        ok(
            client.post(f"{url}/votes", headers=world["a_finance"].headers, json={"choice": "yes"}),
            201,
        )
        d = ok(
            client.post(f"{url}/votes", headers=world["b_finance"].headers, json={"choice": "no"}),
            201,
        )
        assert d["status"] == "deadlocked"
        assert d["escalate_on"] == "2027-01-25"
    with frozen(at(date(2027, 1, 25))):
        d = ok(client.get(url, headers=world["a_manager"].headers))
        assert d["status"] == "final_say"
        r = client.post(
            f"{url}/final-say",
            headers=world["b_manager"].headers,
            json={"choice": "no", "rationale": "B says no"},
        )
        assert r.status_code == 403, r.text
        d = ok(
            client.post(
                f"{url}/final-say",
                headers=world["a_manager"].headers,
                json={"choice": "yes", "rationale": "Development lead decides."},
            )
        )
        assert d["status"] == "approved"
        assert "final say" in d["outcome"]
        texts = [s["text"] for s in d["steps"]]
        assert any("Escalated to Executive officers" in t for t in texts), texts
        page = ok(
            client.get(
                f"{gov.base}/decisions",
                params={"status": "approved"},
                headers=world["b_manager"].headers,
            )
        )
        assert page["total"] == 1
        z = client.get(f"{url}/dossier.zip", headers=world["b_manager"].headers)
        assert z.status_code == 200, z.text
        assert z.content[:2] == b"PK"
