"""CSV and Excel exports of every table hold exactly what the caller may see."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from pactum.settings import Settings
from tests.conftest import World
from tests.support import private_objective, shared_objective, sign_in


def _rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:300]
    if response.headers["content-type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(response.text)))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_objective_exports_keep_private_records_private(
    client: TestClient, db: Session, settings: Settings, world: World, fmt: str
) -> None:
    """B's export has the shared objective and not A's private one (in both formats)."""
    private_objective(db, world, "a_manager", "=HYPERLINK(secret)")
    shared_objective(db, world, "a_manager", "Shared milestone")
    sign_in(client, db, settings, world["b_manager"])
    response = client.get(f"/alliances/{world.alliance_id}/objectives.{fmt}")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    text = "\n".join(",".join(r) for r in _rows(response))
    assert "Shared milestone" in text
    assert "HYPERLINK" not in text
    client.cookies.clear()
    sign_in(client, db, settings, world["a_manager"])
    mine = client.get(f"/alliances/{world.alliance_id}/objectives.{fmt}")
    cells = [c for r in _rows(mine) for c in r]
    assert any("HYPERLINK(secret)" in c for c in cells)
    if fmt == "csv":
        assert "=HYPERLINK(secret)" not in cells  # prefixed, so no spreadsheet runs it
    else:
        sheet = load_workbook(io.BytesIO(mine.content)).active
        assert sheet is not None
        types = {c.data_type for row in sheet.iter_rows() for c in row if c.value}
        assert "f" not in types  # stored as text, never as a formula


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/alliances.{fmt}", "Test co-development"),
        ("/people.{fmt}", "a_contributor@example.com"),
        ("/alliances/{alliance}/members.{fmt}", "b_manager@example.com"),
        ("/alliances/{alliance}/activity.{fmt}", "alliance.create"),
    ],
)
def test_every_table_exports(
    client: TestClient, db: Session, settings: Settings, world: World, path: str, expected: str
) -> None:
    """Alliances, people, members and activity download as CSV and Excel."""
    sign_in(client, db, settings, world["a_admin"])
    for fmt in ("csv", "xlsx"):
        url = path.format(fmt=fmt, alliance=world.alliance_id)
        rows = _rows(client.get(url))
        assert len(rows) >= 2
        assert any(expected in cell for row in rows for cell in row), (url, rows[:3])


def test_unknown_export_format_is_not_found(
    client: TestClient, db: Session, settings: Settings, world: World
) -> None:
    """Only csv and xlsx exist."""
    sign_in(client, db, settings, world["a_admin"])
    assert client.get("/people.pdf").status_code == 404
