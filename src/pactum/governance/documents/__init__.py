"""Governance documents: signed minutes as PDF and the arbitration dossier (pure).

The service layer fills the frozen records of :mod:`.model`; the functions here render
them without a database or web framework. PDFs use DejaVu Sans (shipped with matplotlib)
so any name renders; they embed ``generated_at`` as their creation date, so the same
record always gives the same bytes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .dossier import dossier_files, dossier_pdf, dossier_zip, safe_cell
    from .minutes import minutes_pdf

# The renderers load fpdf2 and its fonts (about a second): imported when first used, so
# the web app and the command line start without them.
_RENDERERS = {
    "dossier_files": ".dossier",
    "dossier_pdf": ".dossier",
    "dossier_zip": ".dossier",
    "safe_cell": ".dossier",
    "minutes_pdf": ".minutes",
}


def __getattr__(name: str) -> Any:
    """A renderer, imported on first use."""
    if name not in _RENDERERS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_RENDERERS[name], __name__), name)
    globals()[name] = value
    return value


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
