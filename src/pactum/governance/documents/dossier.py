"""The arbitration dossier of a decision: one PDF, and a ZIP with CSVs and a manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pactum.core.cells import safe_text
from pactum.core.time import iso

from .minutes import VOTE_HEADINGS, VOTE_WIDTHS, minutes_pdf, render_minutes, vote_rows
from .model import DossierDoc, signoff_status
from .pdf import DocumentPdf, table_time, utc_text


def safe_cell(value: str) -> str:
    """A CSV cell that spreadsheet programs read as text, never as a formula."""
    return safe_text(value)


def slug(text: str, fallback: str = "minutes") -> str:
    """A short ASCII file-name part for ``text`` (``JSC Q1 review`` -> ``jsc-q1-review``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:50].strip("-")
    return cleaned or fallback


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    # A byte-order mark so spreadsheet programs read accents as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def dossier_pdf(doc: DossierDoc) -> bytes:
    """The dossier as one A4 PDF: summary, ladder, timeline, votes, positions, minutes."""
    pdf = DocumentPdf(
        identity=f"{doc.alliance} · Decision dossier {doc.reference}",
        footnote=f"Generated {utc_text(doc.generated_at)} · {doc.reference}",
        created=doc.generated_at,
    )
    pdf.set_title(pdf.clean(f"Decision dossier {doc.reference}"))
    pdf.set_subject(pdf.clean(doc.alliance))
    pdf.add_page()
    pdf.title_block(f"Decision dossier · {doc.reference}", doc.question)
    pdf.fields(
        [
            ("Alliance", doc.alliance),
            ("Reference", doc.reference),
            ("Domain", doc.domain),
            ("Status", doc.status),
            ("Outcome", doc.outcome),
            ("Generated", utc_text(doc.generated_at)),
        ]
    )
    pdf.heading("Escalation ladder")
    if doc.ladder:
        pdf.bullets(doc.ladder, numbered=True)
    else:
        pdf.paragraph("No escalation ladder was recorded.")
    pdf.heading("Timeline")
    if doc.timeline:
        rows = [(table_time(t.at), t.body, t.text) for t in doc.timeline]
        pdf.grid(("Time (UTC)", "Body", "Event"), rows, (22, 22, 56))
    else:
        pdf.paragraph("No events were recorded.")
    pdf.heading("Votes")
    if doc.votes:
        pdf.grid(VOTE_HEADINGS, vote_rows(doc.votes), VOTE_WIDTHS)
    else:
        pdf.paragraph("No votes were cast.")
    pdf.heading("Positions of the parties")
    if not doc.positions:
        pdf.paragraph("No positions were stated.")
    for position in doc.positions:
        pdf.paragraph(position.party, bold=True)
        pdf.paragraph(position.text)
        pdf.ln(1.5)
    pdf.heading("Minutes")
    if doc.minutes:
        listing = [
            (
                str(n),
                m.committee,
                m.title,
                table_time(m.starts_at),
                str(m.version),
                signoff_status(m),
            )
            for n, m in enumerate(doc.minutes, 1)
        ]
        headings = ("No.", "Committee", "Meeting", "Date (UTC)", "Version", "Sign-off")
        pdf.grid(headings, listing, (6, 20, 28, 20, 11, 25))
    else:
        pdf.paragraph("No minutes belong to this decision.")
    for n, minutes in enumerate(doc.minutes, 1):
        pdf.identity = f"{doc.alliance} · {doc.reference} · minutes {n}: {minutes.committee}"
        pdf.add_page()
        render_minutes(pdf, minutes)
    return bytes(pdf.output())


def dossier_files(doc: DossierDoc) -> list[tuple[str, bytes]]:
    """The files of the dossier ZIP, in their order, without the manifest."""
    files = [
        ("dossier.pdf", dossier_pdf(doc)),
        (
            "timeline.csv",
            _csv(
                ("at_utc", "body", "text"),
                ((table_time(t.at), t.body, t.text) for t in doc.timeline),
            ),
        ),
        (
            "votes.csv",
            _csv(
                ("body", "party", "member", "choice", "at_utc"),
                ((v.body, v.party, v.member, v.choice, table_time(v.at)) for v in doc.votes),
            ),
        ),
        ("positions.csv", _csv(("party", "position"), ((p.party, p.text) for p in doc.positions))),
    ]
    for n, minutes in enumerate(doc.minutes, 1):
        files.append((f"minutes/{n:02d}-{slug(minutes.title)}.pdf", minutes_pdf(minutes)))
    return files


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    moment = min(max(moment, datetime(1980, 1, 1, tzinfo=UTC)), datetime(2107, 12, 31, tzinfo=UTC))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def dossier_zip(doc: DossierDoc) -> bytes:
    """The dossier as a reproducible ZIP: PDFs, CSVs and a manifest of SHA-256 and sizes."""
    files = dossier_files(doc)
    manifest = {
        "reference": doc.reference,
        "generated_at": iso(doc.generated_at),
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in files
        },
    }
    files.append(("manifest.json", (json.dumps(manifest, indent=2) + "\n").encode("ascii")))
    stamp = _zip_time(doc.generated_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine writes it
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
