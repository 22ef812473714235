"""Royalty statement pages: the form with typed lines or an upload, the per-row report,
the working, approve/reject for the right people only, and the exports."""

from __future__ import annotations

import io
import re
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.conftest import World
from tests.statements.money_support import agreed_rate, make_agreement
from tests.support import sign_in

BAD_FILE = (
    "country,product,net_sales,currency\n"
    "US,HLX-204,-5.00,USD\n"
    "XX,HLX-204,10.00,USD\n"
    "DE,HLX-204,10.00,ZZZ\n"
    "FR,HLX-204,10.00,GBP\n"
)


def _xlsx(rows: list[tuple[Any, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _new(client: TestClient, world: World, csrf: str, agreement: str, **extra: Any) -> Any:
    data = {"csrf_token": csrf, "agreement_id": agreement, "year": "2027", "quarter": "1"}
    files = extra.pop("files", None)
    data.update({k: str(v) for k, v in extra.items()})
    return client.post(
        f"/alliances/{world.alliance_id}/royalty-statements/new",
        data=data,
        files=files,
        follow_redirects=False,
    )


def test_an_upload_with_bad_rows_lists_every_problem_and_imports_nothing(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """A negative figure, an unknown country, an unknown currency and one without an agreed
    rate are each listed by row; no statement is created."""
    agreement = str(make_agreement(db, world))
    agreed_rate(db, world, 2027, 1, "EUR", "1.10")
    csrf = sign_in(client, db, settings, world["b_finance"])
    response = _new(
        client, world, csrf, agreement, files={"file": ("q1.csv", BAD_FILE.encode(), "text/csv")}
    )
    assert response.status_code == 422
    text = response.text
    assert "Problems found, nothing imported" in text
    assert "must not be negative, got -5.00" in text
    assert "&#39;XX&#39; is not an ISO 3166 code" in text
    assert "&#39;ZZZ&#39; is not an ISO 4217 code" in text
    assert "GBP has no agreed rate into USD for 2027 Q1" in text
    assert 'aria-invalid="true"' in text
    wrong_column = _new(
        client,
        world,
        csrf,
        agreement,
        files={"file": ("q1.xlsx", _xlsx([("country", "product", "sales", "currency")]), "x")},
    )
    assert wrong_column.status_code == 422
    assert "must be country, product, net_sales, currency" in wrong_column.text
    listing = client.get(f"/alliances/{world.alliance_id}/statements")
    assert "No royalty statements yet" in listing.text


def test_draft_from_a_workbook_then_submit_approve_with_the_right_buttons(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """B's finance person imports an XLSX; the page shows the working and by-country table;
    A's finance person sees approve/reject, B's does not; approval links the invoice."""
    agreement = str(make_agreement(db, world))
    agreed_rate(db, world, 2027, 1, "EUR", "1.10")
    csrf = sign_in(client, db, settings, world["b_finance"])
    workbook = _xlsx(
        [
            ("country", "product", "net_sales", "currency"),
            ("US", "HLX-204", 500000, "USD"),
            ("DE", "HLX-204", 200000, "EUR"),
            ("FR", "HLX-204", 100000, "EUR"),
        ]
    )
    made = _new(
        client,
        world,
        csrf,
        agreement,
        third_party_royalties="10,000.00",
        files={"file": ("q1.xlsx", workbook, "application/octet-stream")},
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"].split("?")[0]
    page = client.get(url)
    assert page.status_code == 200
    assert "Royalty due: 36,500.00 USD" in page.text
    assert "Third-party offset" in page.text
    for allocated in ("21,987.95", "9,674.70", "4,837.35"):
        assert allocated in page.text
    assert "1 EUR = 1.1 USD" in page.text
    assert "identical result" in page.text
    assert "Submit to the licensor" in page.text
    assert "Approve and issue" not in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    submitted = client.post(
        f"{url}/submit",
        data={"csrf_token": csrf, "version": version.group(1)},
        follow_redirects=False,
    )
    assert submitted.status_code == 303
    client.cookies.clear()
    csrf_a = sign_in(client, db, settings, world["a_finance"])
    page = client.get(url)
    assert "Approve and issue the invoice" in page.text
    assert "Submit to the licensor" not in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    empty_reason = client.post(
        f"{url}/reject", data={"csrf_token": csrf_a, "version": version.group(1), "reason": ""}
    )
    assert empty_reason.status_code == 422
    assert "Reason is required" in empty_reason.text
    approved = client.post(
        f"{url}/approve",
        data={"csrf_token": csrf_a, "version": version.group(1)},
        follow_redirects=True,
    )
    assert approved.status_code == 200
    assert "The invoice was issued to the licensee" in approved.text
    assert "INV-" in approved.text
    client.cookies.clear()
    sign_in(client, db, settings, world["a_manager"])
    page = client.get(url)
    assert "Approve and issue" not in page.text  # decided, and not a finance person
    steps = client.get(f"{url}/steps.xlsx")
    assert steps.status_code == 200
    sheet = load_workbook(io.BytesIO(steps.content)).active
    assert sheet is not None
    assert sheet["A1"].value == "Step"
    assert sheet.cell(row=sheet.max_row, column=2).value == "36500.00"
    lines = client.get(f"{url}/lines.csv")
    assert "DE,HLX-204,200000.00,EUR,1.1,220000.000" in lines.text
    countries = client.get(f"{url}/countries.csv")
    assert "US,500000.00,yes,no,21987.95" in countries.text
    listing = client.get(f"/alliances/{world.alliance_id}/royalty-statements.csv")
    assert "2027,1,HLX-204 licence,Approved,36500.00,USD" in listing.text


def test_typed_lines_without_a_header_and_inline_field_errors(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Typed lines may omit the header; a bad year and a missing agreement are shown next
    to their fields; a viewer of A sees no form."""
    agreement = str(make_agreement(db, world))
    csrf = sign_in(client, db, settings, world["b_finance"])
    form = client.get(f"/alliances/{world.alliance_id}/royalty-statements/new")
    assert 'enctype="multipart/form-data"' in form.text
    bad = _new(client, world, csrf, "", year="twenty")
    assert bad.status_code == 422
    assert 'id="agreement_id-error"' in bad.text
    assert 'id="year-error"' in bad.text
    made = _new(client, world, csrf, agreement, lines="US,HLX-204,1000.00,USD\n")
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"])
    assert "Royalty due: 50.00 USD" in page.text
    edit = client.get(made.headers["location"].split("?")[0] + "/edit")
    assert "US,HLX-204,1000.00,USD" in edit.text
    client.cookies.clear()
    sign_in(client, db, settings, world["a_viewer"])
    assert (
        "Only the licensee"
        in client.get(f"/alliances/{world.alliance_id}/royalty-statements/new").text
    )


def test_a_submitted_statement_offers_no_edit_form(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Once submitted, the edit page explains why it cannot be corrected; posting anyway
    is refused with the rule and changes nothing."""
    agreement = str(make_agreement(db, world))
    csrf = sign_in(client, db, settings, world["b_finance"])
    made = _new(client, world, csrf, agreement, lines="US,HLX-204,1000.00,USD\n")
    url = made.headers["location"].split("?")[0]
    client.post(f"{url}/submit", data={"csrf_token": csrf, "version": "1"})
    edit = client.get(f"{url}/edit")
    assert "This statement is submitted" in edit.text
    assert 'name="lines"' not in edit.text
    posted = client.post(
        f"{url}/edit", data={"csrf_token": csrf, "version": "2", "lines": "US,HLX-204,1.00,USD"}
    )
    assert posted.status_code == 409
    assert "a submitted statement cannot be changed" in posted.text
    assert "Royalty due: 50.00 USD" in client.get(url).text
