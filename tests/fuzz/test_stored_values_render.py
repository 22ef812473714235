"""Every stored value renders (DATA-4): whatever a text column holds, every page, every
API read and every export (CSV, XLSX, PDF, ICS, ZIP) answers and parses.

Input rules now refuse control, bidirectional and non-characters, but a database may
hold them anyway (rows written before the rules, an import by other means, an operator's
fix by hand). So these tests write the worst values straight into every free-text column
of every row and then read everything a party's people can reach: the pages found by
following links from the home page, each export those pages offer, and every GET route
of the API with ids to fill.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from hypothesis import given, settings
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from pactum.access.policy import system_scope
from pactum.audit import service as audit
from pactum.audit.service import Actor, shared_chain
from pactum.core.db import Base
from pactum.models import Alliance
from pactum.obligations.calendar import Event, calendar
from pactum.web.exports import csv_response, xlsx_response
from tests.conftest import World
from tests.fuzz.crawl import Findings, api_reads, crawl, web_client
from tests.fuzz.hostile import PIECES, WORST, stored_text
from tests.matrix import build_ids

# Columns people write (names, titles, notes...): codes, hashes and states are not text.
FREE_TEXT = {
    "actor_name",
    "background",
    "body",
    "category",
    "comment",
    "description",
    "dispute_reason",
    "evidence",
    "filename",
    "invited_by_name",
    "location",
    "measure",
    "milestone",
    "name",
    "note",
    "notes",
    "outcome",
    "printed_name",
    "purpose",
    "question",
    "rationale",
    "reason",
    "resolution",
    "summary",
    "text",
    "therapeutic_area",
    "title",
    "work_package",
}


def _unique(table: sa.Table, names: set[str]) -> bool:
    """Whether a unique constraint or index covers one of the columns."""
    groups = [c.columns for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    groups += [i.columns for i in table.indexes if i.unique]
    return any(col.unique for col in table.columns if col.name in names) or any(
        names & {c.name for c in group} for group in groups
    )


def _poison(db: Session, value: str) -> int:
    """Write ``value`` (cut to each column's length) into every free-text column of every
    row; the number of columns written."""
    written = 0
    for table in Base.metadata.sorted_tables:
        if table.name == "audit_entries":
            continue  # append-only (a trigger): entries are appended below instead
        values = {}
        for column in table.columns:
            if column.name in FREE_TEXT and isinstance(column.type, sa.String | sa.Text):
                length = getattr(column.type, "length", None)
                values[column.name] = value[:length] if length else value
        if not values:
            continue
        written += len(values)
        if not _unique(table, set(values)):
            db.execute(system_scope(table.update().values(**values)))
            continue
        key = next(iter(table.primary_key.columns))
        for n, row_id in enumerate(db.scalars(system_scope(sa.select(key))).all()):
            distinct = {k: f"{n} {v}"[: len(v)] for k, v in values.items()}
            db.execute(system_scope(table.update().where(key == row_id).values(**distinct)))
    for alliance_id in db.scalars(system_scope(sa.select(Alliance.id))).all():
        actor = Actor(user_id=None, org_id=None, name=value[:200])
        for chain in (shared_chain(alliance_id),):
            audit.record(
                db,
                actor=actor,
                action="alliance.updated",
                object_type="alliance",
                object_id=alliance_id,
                chain=chain,
                alliance_id=alliance_id,
                old={"description": value},
                new={"description": value, "name": value},
                reason=value,
            )
            written += 1
    db.flush()
    return written


def _read_everything(db: Session, world: World, app: FastAPI) -> Findings:
    ids = build_ids(db, world)
    written = _poison(db, WORST)
    assert written > 40
    db.commit()
    found = Findings()
    values = {name: [str(value)] for name, value in ids.values.items()}
    values["alliance_id"] = [str(ids.values["alliance_id"]), str(world.alliance_id)]
    for name, value in ids.private.items():
        values.setdefault(name, []).append(str(value))
    for who in ("a_manager", "a_admin", "b_manager"):
        person = world[who]
        client = web_client(app, db, person.user_id)
        starts = ["/", f"/alliances/{world.alliance_id}", f"/alliances/{ids.values['alliance_id']}"]
        pages = crawl(client, starts)
        found.failures += pages.failures
        found.pages += pages.pages
        found.exports += pages.exports
        reads = api_reads(client, app, person.headers, values)
        found.failures += reads.failures
        found.pages += reads.pages
    return found


@pytest.mark.slow
def test_the_worst_stored_text_renders_everywhere(db: Session, world: World, app: FastAPI) -> None:
    """Control, bidirectional, non-characters, formula starts, markup, very long text in
    every free-text column: no page, read or export answers 5xx, every export parses."""
    found = _read_everything(db, world, app)
    assert found.failures == [], "\n".join(found.failures[:40])
    # The crawl reached the product, not a login page: many pages and exports were read.
    assert found.pages > 100, found.pages
    assert found.exports > 10, found.exports


def _moment() -> datetime:
    return datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


@settings(max_examples=60, deadline=None)
@given(text=stored_text)
def test_every_writer_takes_any_stored_text(text: str) -> None:
    """The CSV, XLSX and ICS writers, the PDF grid and the dossier archive, fed any mix
    of hostile pieces beside numbers and dates, produce what their readers parse; numbers
    stay numbers (a negative amount is not guarded as a formula)."""
    row = [text, Decimal("-12.50"), -3, date(2027, 1, 31), _moment(), None]
    header = ["Text", "Amount", "Count", "Day", "At", "Empty"]

    body = csv_response("x.csv", header, [row]).body
    read = list(csv.reader(io.StringIO(bytes(body).decode("utf-8-sig"))))
    assert read[1][1] == "-12.50"
    assert read[1][2] == "-3"

    book = load_workbook(io.BytesIO(bytes(xlsx_response("x.xlsx", header, [row]).body)))
    cells = [c.value for c in next(book.active.iter_rows(min_row=2, max_row=2))]
    assert cells[1] == -12.5
    assert cells[2] == -3

    ics = calendar(
        [Event(uid=str(uuid.uuid4()), day=date(2027, 1, 31), summary=text, description=text)],
        name=text,
        now=_moment(),
    )
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    assert ics.startswith("BEGIN:VCALENDAR")
    assert ics.rstrip().endswith("END:VCALENDAR")


@pytest.mark.slow
def test_every_piece_alone_renders_in_a_pdf_and_a_zip() -> None:
    """Each hostile piece on its own through the minutes PDF grid and the dossier ZIP."""
    from pactum.governance.documents.dossier import _csv, _zip_time
    from pactum.governance.documents.pdf import DocumentPdf

    for piece in PIECES:
        pdf = DocumentPdf(identity=piece, footnote=piece, created=_moment())
        pdf.add_page()
        pdf.title_block(piece, piece)
        pdf.paragraph(piece)
        pdf.fields([(piece, piece)])
        pdf.grid(["Text", "Other"], [[piece, "x"], [WORST, piece]], [120, 40])
        PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
        data = _csv(["Text"], [[piece]])
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr(zipfile.ZipInfo(f"{piece[:40]!r}.csv", _zip_time(_moment())), data)
        with zipfile.ZipFile(archive) as z:
            assert z.testzip() is None
