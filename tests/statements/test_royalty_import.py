"""Importing a draft's sales lines through the API: CSV or XLSX as the request body, a
per-row report, nothing imported on any error."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.statements.money_support import royalty_draft

HEADER = "country,product,net_sales,currency\n"


def _import(
    client: TestClient, world: World, item: dict[str, Any], content: bytes, **params: str
) -> Any:
    return client.post(
        f"/api/v1/alliances/{world.alliance_id}/royalty-statements/{item['id']}/lines/import",
        headers={**world["b_finance"].headers, "If-Match": f'"{item["version"]}"'},
        params=params,
        content=content,
    )


def test_each_bad_file_is_reported_by_row_and_changes_nothing(
    client: TestClient, db: Session, world: World
) -> None:
    """A wrong column, a negative figure, an unknown country, an unknown currency and a
    currency without an agreed rate: 422 with the row and column; the draft is as before."""
    item = royalty_draft(client, db, world)
    cases = [
        ("country,product,sales,currency\nDE,X,1,EUR\n", "row[1].header"),
        (HEADER + "DE,HLX,-10.00,EUR\n", "row[2].net_sales"),
        (HEADER + "XX,HLX,10.00,EUR\n", "row[2].country"),
        (HEADER + "DE,HLX,10.00,ZZZ\n", "row[2].currency"),
        (HEADER + "US,HLX,1.00,USD\nGB,HLX,10.00,GBP\n", "row[3].currency"),
    ]
    for text, field in cases:
        response = _import(client, world, item, text.encode(), filename="q1.csv")
        assert response.status_code == 422, (text, response.text)
        assert [d["field"] for d in response.json()["detail"]] == [field], text
    after = client.get(
        f"/api/v1/alliances/{world.alliance_id}/royalty-statements/{item['id']}",
        headers=world["b_finance"].headers,
    ).json()
    assert (after["version"], after["inputs"]["lines"]) == (item["version"], [])


def test_a_workbook_replaces_the_lines_and_recomputes(
    client: TestClient, db: Session, world: World
) -> None:
    """An XLSX body (recognised by its content) with a USD and a EUR line: 1,000 + 1,000 x
    1.10 = 2,100 USD royalty-bearing sales, 5% = 105.00."""
    item = royalty_draft(client, db, world)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ("country", "product", "net_sales", "currency"),
        ("US", "HLX", 1000, "USD"),
        ("DE", "HLX", "1000.00", "EUR"),
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = _import(client, world, item, buffer.getvalue())
    assert response.status_code == 200, response.text
    assert Decimal(response.json()["total"]) == Decimal("105.00")
    assert len(response.json()["inputs"]["lines"]) == 2
    stale = _import(client, world, item, (HEADER + "US,HLX,1.00,USD\n").encode())
    assert stale.status_code == 412
    assert (
        client.post(
            f"/api/v1/alliances/{world.alliance_id}/royalty-statements/{item['id']}/lines/import",
            headers={**world["a_finance"].headers, "If-Match": "*"},
            content=b"",
        ).status_code
        == 404  # a draft is the licensee's working paper: the licensor does not see it
    )
