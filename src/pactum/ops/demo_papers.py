"""A demo agenda paper: a one-page PDF briefing, generated (fpdf2) and uploaded through
the same storage and service as a real upload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fpdf import FPDF
from sqlalchemy.orm import Session

from pactum.access import AllianceView
from pactum.files import service as files
from pactum.governance.service import papers
from pactum.settings import Settings

BRIEFING_NAME = "HLX-204 pancreatic expansion briefing.pdf"
BRIEFING_LINES = (
    "Proposal: open a 30-patient pancreatic expansion cohort at the 400 mg dose.",
    "Rationale: 3 partial responses among 7 pancreatic patients dosed at 400 mg.",
    "Cost: USD 6.2M over 18 months, within the approved 2026 development budget.",
    "Risks: CRO capacity in Q1; the cohort delays the RP2D read-out by about 6 weeks.",
    "Ask of the JSC: approve the cohort; Helix to amend the protocol within 30 days.",
)


def briefing_pdf() -> bytes:
    """The briefing as PDF bytes (the same bytes on every run)."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.set_creator("Pactum demo")
    pdf.set_title("HLX-204 pancreatic expansion cohort: briefing for the JSC")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.multi_cell(0, 8, "HLX-204 pancreatic expansion cohort", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    pdf.multi_cell(0, 6, "Briefing paper for the JSC Q3 review", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for line in BRIEFING_LINES:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def attach_briefing(
    session: Session,
    view: AllianceView,
    settings: Settings,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
) -> None:
    """Store the briefing and add it to the agenda item's papers."""
    blob = files.storage(settings).put([briefing_pdf()])
    upload = files.Upload(blob, BRIEFING_NAME)
    papers.add_file_paper(session, view, meeting_id, item_id, "Expansion cohort briefing", upload)
