"""Governance documents: signed minutes as PDF and the arbitration dossier (pure).

The service layer fills the frozen records of :mod:`.model`; the functions here render
them without a database or web framework. PDFs use DejaVu Sans (shipped with matplotlib)
so any name renders; they embed ``generated_at`` as their creation date, so the same
record always gives the same bytes.
"""

from .dossier import dossier_files, dossier_pdf, dossier_zip, safe_cell
from .minutes import minutes_pdf
from .model import (
    Attendee,
    DossierDoc,
    MinutesDoc,
    MinutesItem,
    Position,
    SignatureLine,
    TimelineEntry,
    VoteLine,
    awaiting_parties,
    counts,
    signoff_status,
)

__all__ = [
    "Attendee",
    "DossierDoc",
    "MinutesDoc",
    "MinutesItem",
    "Position",
    "SignatureLine",
    "TimelineEntry",
    "VoteLine",
    "awaiting_parties",
    "counts",
    "dossier_files",
    "dossier_pdf",
    "dossier_zip",
    "minutes_pdf",
    "safe_cell",
    "signoff_status",
]
