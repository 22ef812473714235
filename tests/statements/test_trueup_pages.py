"""True-up pages: empty states, forms with errors next to fields, import report, disputes,
sign-off with signature manifestations (and their invalidation), and exports."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from pactum.access import system_scope
from pactum.models import AuditEntry, CostLine, TrueUp
from pactum.settings import Settings
from tests.conftest import PASSWORD, World
from tests.statements.trueup_setup import add_line, agreement, dispute, open_true_up
from tests.support import page_text, sign_in


def _pages(world: World) -> str:
    return f"/alliances/{world.alliance_id}/true-ups"


def test_empty_states(client: TestClient, db: Session, world: World, settings: Settings) -> None:
    """No agreement: say so; an agreement but no true-up: offer to open one."""
    sign_in(client, db, settings, world["a_finance"])
    first = client.get(_pages(world))
    assert first.status_code == 200
    assert "Record the agreement first" in first.text
    assert "Open a true-up" not in first.text
    agreement(db, world)
    second = client.get(_pages(world))
    assert "No true-ups yet" in second.text
    assert f'href="{_pages(world)}/new"' in second.text


def test_opening_a_true_up_with_errors_next_to_fields(
    client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """Bad budget and no split: 422 with messages beside the fields; nothing stored; a
    good form opens the true-up."""
    agreement_id = agreement(db, world)
    csrf = sign_in(client, db, settings, world["a_finance"])
    form = {
        "csrf_token": csrf,
        "agreement_id": str(agreement_id),
        "year": "2027",
        "quarter": "1",
        "licensor_budget": "lots",
        "licensor_budget_decision": "JSC 2026-12, item 4",
        "licensee_budget": "60,000.00",
        "licensee_budget_decision": "JSC 2026-12, item 5",
        "phase": "",
        "licensor_share": "",
    }
    bad = client.post(f"{_pages(world)}/new", data=form)
    assert bad.status_code == 422
    assert 'id="licensor_budget-error"' in bad.text
    assert db.execute(system_scope(select(TrueUp))).scalars().all() == []
    good = client.post(
        f"{_pages(world)}/new",
        data={**form, "licensor_budget": "40,000", "phase": "phase2"},
        follow_redirects=False,
    )
    assert good.status_code == 303, good.text
    page = client.get(good.headers["location"])
    assert page.status_code == 200
    text = page_text(page.text)
    assert "True-up opened" in text
    assert "Helix Test Bio (licensor) 60%; Meridian Test Pharma (licensee) 40%" in text
    assert "No submitted cost lines yet" in text


def test_lines_disputes_and_the_result_on_the_page(
    client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """B adds a line through the form; A disputes it with a reason; the page shows the
    dispute, the payment now and the held amount."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    add_line(client, world, tid, "a_finance", "WP1", "CRO", "46500.00")
    url = f"{_pages(world)}/{tid}"
    csrf = sign_in(client, db, settings, world["b_finance"])
    missing = client.post(
        f"{url}/lines",
        data={"csrf_token": csrf, "work_package": "WP2", "category": "", "amount": "5000"},
    )
    assert missing.status_code == 422
    assert 'id="add-category-error"' in missing.text
    added = client.post(
        f"{url}/lines",
        data={
            "csrf_token": csrf,
            "work_package": "WP2",
            "category": "Consultants",
            "amount": "5,000.00",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    add_line(client, world, tid, "b_finance", "WP2", "CMC", "50000.00")
    line = db.execute(
        system_scope(select(CostLine).where(CostLine.category == "Consultants"))
    ).scalar_one()
    client.cookies.clear()
    csrf = sign_in(client, db, settings, world["a_finance"])
    no_reason = client.post(
        f"{url}/lines/{line.id}/dispute",
        data={"csrf_token": csrf, "disputed": "yes", "reason": "", "version": str(line.version)},
    )
    assert no_reason.status_code == 422
    assert f'id="reason-{line.id}-error"' in no_reason.text
    disputed = client.post(
        f"{url}/lines/{line.id}/dispute",
        data={
            "csrf_token": csrf,
            "disputed": "yes",
            "reason": "Not in the plan",
            "version": str(line.version),
        },
        follow_redirects=False,
    )
    assert disputed.status_code == 303
    text = page_text(client.get(url).text)
    assert "Disputed Not in the plan" in text
    assert "Helix Test Bio pays Meridian Test Pharma 12,400.00 EUR on undisputed costs" in text
    assert "3,000.00 EUR, which Helix Test Bio pays Meridian Test Pharma" in text
    assert "Withdraw dispute" in text
    assert "<svg" in client.get(url).text


def test_import_report_and_all_or_nothing(
    client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """A file with a bad row: 422, each problem listed by row, nothing imported; a good
    file imports every row."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    csrf = sign_in(client, db, settings, world["a_finance"])
    url = f"{_pages(world)}/{tid}/lines/import"
    bad = b"work_package,category,description,amount,currency\nWP1,CRO,,1.00,EUR\nWP1,,,x,USD\n"
    response = client.post(
        url, data={"csrf_token": csrf}, files={"file": ("q1.csv", bad, "text/csv")}
    )
    assert response.status_code == 422
    text = page_text(response.text)
    assert "Row 3, category: is required" in text
    assert "Row 3, amount: 'x' is not a number" in text
    assert "Row 3, currency: must be EUR, got USD" in text
    assert db.execute(system_scope(select(CostLine))).scalars().all() == []
    nofile = client.post(url, data={"csrf_token": csrf})
    assert nofile.status_code == 422
    assert 'id="import-file-error"' in nofile.text
    forged = client.post(url, data={"csrf_token": "nope"}, files={"file": ("q1.csv", bad)})
    assert forged.status_code == 403
    good = b"work_package,category,description,amount,currency\nWP1,CRO,,1.00,EUR\nWP1,Lab,,2,EUR\n"
    done = client.post(
        url,
        data={"csrf_token": csrf},
        files={"file": ("q1.csv", good, "text/csv")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    imported = db.execute(system_scope(select(CostLine))).scalars().all()
    assert [ln.visibility for ln in imported] == ["private", "private"]
    page = client.get(f"{_pages(world)}/{tid}")
    text = page_text(page.text)
    assert "Draft cost lines (2, 3.00 EUR), not yet submitted" in text
    assert "No submitted cost lines yet" in text
    version = re.search(
        r'action="[^"]*/lines/submit"[^>]*>\s*<input[^>]*>\s*<input[^>]*value="(\d+)"', page.text
    )
    assert version is not None
    seen = re.search(r'name="drafts_sha256" value="([0-9a-f]{64})"', page.text)
    assert seen is not None
    submitted = client.post(
        f"{_pages(world)}/{tid}/lines/submit",
        data={"csrf_token": csrf, "version": version.group(1), "drafts_sha256": seen.group(1)},
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    text = page_text(client.get(submitted.headers["location"]).text)
    assert "Lines submitted: the other party sees them now" in text
    assert "Submitted cost lines (2)" in text
    stale = client.post(
        f"{_pages(world)}/{tid}/lines/submit",
        data={"csrf_token": csrf, "version": version.group(1)},
    )
    assert stale.status_code == 412


def test_signing_on_the_page_and_invalidation_shown(
    client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """Wrong password: error beside the password field, audited, nothing signed. Right
    password: the manifestation shows name, party, meaning and UTC time; a later edit
    shows it as invalidated."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    line = add_line(client, world, tid, "b_finance", "WP1", "CRO", "100.00")
    url = f"{_pages(world)}/{tid}"
    csrf = sign_in(client, db, settings, world["a_finance"])
    page = client.get(url).text
    assert 'type="password"' in page
    digest = re.search(r'name="content_sha256" value="([0-9a-f]{64})"', page)
    assert digest is not None
    form = {
        "csrf_token": csrf,
        "version": str(line["true_up_version"]),
        "content_sha256": digest.group(1),
        "printed_name": "A Finance",
        "password": "wrong password here",
    }
    wrong = client.post(f"{url}/sign", data=form)
    assert wrong.status_code == 422
    assert 'id="sign-password-error"' in wrong.text
    assert "No signatures yet" in wrong.text
    audited = db.execute(
        system_scope(select(AuditEntry.action).where(AuditEntry.object_id == tid))
    ).scalars()
    assert "signature.refused" in set(audited)
    signed = client.post(f"{url}/sign", data={**form, "password": PASSWORD}, follow_redirects=False)
    assert signed.status_code == 303
    text = page_text(client.get(url).text)
    assert "A Finance Helix Test Bio Finance Approval" in text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text)
    assert "Valid" in text
    assert "waiting for the other party" in text
    edit = client.patch(
        f"/api/v1/alliances/{world.alliance_id}/true-ups/{tid}/lines/{line['id']}",
        headers={**world["b_finance"].headers, "If-Match": f'"{line["version"]}"'},
        json={"amount": "120.00"},
    )
    assert edit.status_code == 200
    after = page_text(client.get(url).text)
    assert "Invalidated by a later edit" in after
    assert f"Sign version {line['true_up_version'] + 1}" in after


def test_read_only_people_see_no_forms_and_cannot_post(
    client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """A viewer sees the result but no forms; a contributor's sign attempt is 403."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    add_line(client, world, tid, "a_finance", "WP1", "CRO", "10.00")
    url = f"{_pages(world)}/{tid}"
    sign_in(client, db, settings, world["a_viewer"])
    page = client.get(url).text
    assert "Positions per party" in page
    assert "Sign as approval" not in page
    assert "Add line" not in page
    client.cookies.clear()
    csrf = sign_in(client, db, settings, world["a_contributor"])
    refused = client.post(
        f"{url}/sign",
        data={
            "csrf_token": csrf,
            "version": "2",
            "printed_name": "A Contributor",
            "password": PASSWORD,
        },
    )
    assert refused.status_code == 403


def test_exports_of_every_table(
    client: TestClient, db: Session, world: World, settings: Settings
) -> None:
    """List, lines, result and signatures as CSV and Excel."""
    tid = open_true_up(client, world, agreement(db, world))["id"]
    line = add_line(client, world, tid, "b_finance", "WP1", "=CMD()", "10.00")
    dispute(client, world, tid, line, "a_finance")
    sign_in(client, db, settings, world["a_finance"])
    listing = client.get(f"{_pages(world)}.csv")
    assert listing.status_code == 200
    assert "2027,Q1,draft,EUR,10.00" in listing.text
    lines = client.get(f"{_pages(world)}/{tid}/lines.csv")
    assert "'=CMD()" in lines.text
    assert "yes,Consultants were not in the approved plan" in lines.text
    result = client.get(f"{_pages(world)}/{tid}/result.xlsx")
    assert result.status_code == 200
    sheet = load_workbook(io.BytesIO(result.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Party"
    # Amounts are numbers in a workbook (summable), shown with two decimals.
    assert rows[2][1:5] == ("Licensee", 60000, 66000, 10)
    assert sheet.cell(row=3, column=3).number_format == "#,##0.00"
    signatures = client.get(f"{_pages(world)}/{tid}/signatures.csv")
    assert signatures.status_code == 200
    assert signatures.text.startswith("\ufeffPrinted name")
