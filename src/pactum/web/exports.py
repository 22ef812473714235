"""Spreadsheet downloads of what a page shows: CSV and XLSX, built in memory."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from fastapi.responses import Response

from pactum.core.cells import safe_text, text_cell, workbook_cell

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_COLUMN_WIDTH = 60


def slug(text: str, fallback: str = "export") -> str:
    """A short ASCII file-name part for ``text`` (``Aurora Oncology`` -> ``aurora-oncology``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return cleaned or fallback


def _safe_filename(filename: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "export"


def _headers(filename: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{_safe_filename(filename)}"',
        "Cache-Control": "no-store",
    }


def _text(value: Any) -> str:
    """A cell as text; dates in ISO form, times in UTC, formulas defused, numbers kept."""
    return text_cell(value)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download (UTF-8 with a byte-order mark so spreadsheet programs read accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_text(h) for h in header])
    for row in rows:
        writer.writerow([_text(v) for v in row])
    body = "\ufeff" + buffer.getvalue()
    return Response(body.encode("utf-8"), media_type=CSV_TYPE, headers=_headers(filename))


def _cell_value(value: Any) -> Any:
    """A value openpyxl stores as data (never as a formula)."""
    return workbook_cell(value)


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Export"
) -> Response:
    """An Excel workbook download: one sheet, bold header row, fitted column widths."""
    from openpyxl import Workbook  # loaded when a spreadsheet is written
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Export"
    widths = [len(str(h)) for h in header]
    bold = Font(bold=True)
    for col, name in enumerate(header, start=1):
        sheet.cell(row=1, column=col, value=safe_text(str(name))).font = bold
    for row_index, row in enumerate(rows, start=2):
        for col, raw in enumerate(row, start=1):
            value = _cell_value(raw)
            cell = sheet.cell(row=row_index, column=col)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # a leading "=" stays text, never a formula
            elif isinstance(raw, Decimal) and isinstance(value, float):
                cell.number_format = "#,##0.00" if raw.as_tuple().exponent == -2 else "General"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            shown = len(_text(raw))
            if col > len(widths):
                widths.append(shown)
            else:
                widths[col - 1] = max(widths[col - 1], shown)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(MAX_COLUMN_WIDTH, width + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(buffer.getvalue(), media_type=XLSX_TYPE, headers=_headers(filename))


ExportFormat = Literal["csv", "xlsx"]


def table_response(
    fmt: ExportFormat,
    stem: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str,
) -> Response:
    """A table as a CSV or Excel download named ``<stem>.<fmt>``."""
    if fmt == "xlsx":
        return xlsx_response(f"{stem}.xlsx", header, rows, title=title)
    return csv_response(f"{stem}.csv", header, rows)
