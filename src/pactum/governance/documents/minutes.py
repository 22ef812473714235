"""Signed minutes as PDF, with each signature's manifestation (Part 11 §11.50, SIG-1/2)."""

from __future__ import annotations

from .model import MinutesDoc, MinutesItem, SignatureLine, VoteLine, counts, signoff_status
from .pdf import (
    BODY,
    FAMILY,
    GREEN,
    GREY,
    INK,
    LINE,
    RED,
    SMALL,
    DocumentPdf,
    table_time,
    utc_text,
)

VOTE_HEADINGS = ("Body", "Party", "Member", "Vote", "Time (UTC)")
VOTE_WIDTHS = (25, 18, 23, 12, 22)


def vote_rows(votes: tuple[VoteLine, ...]) -> list[tuple[str, str, str, str, str]]:
    """Votes as table rows."""
    return [(v.body, v.party, v.member, v.choice, table_time(v.at)) for v in votes]


def _item(pdf: DocumentPdf, item: MinutesItem) -> None:
    pdf.heading(f"{item.number}. {item.title}", size=10.5)
    pdf.set_text_color(*GREY)
    pdf.paragraph(f"{item.kind.capitalize()} item", size=SMALL)
    pdf.set_text_color(*INK)
    if item.notes.strip():
        pdf.paragraph(item.notes)
    if item.decisions:
        pdf.paragraph("Decisions", bold=True)
        pdf.bullets(item.decisions)
    if item.votes:
        pdf.paragraph("Votes", bold=True)
        pdf.grid(VOTE_HEADINGS, vote_rows(item.votes), VOTE_WIDTHS)
    if item.actions:
        pdf.paragraph("Action items", bold=True)
        pdf.bullets(item.actions)


def _standing(signature: SignatureLine, doc: MinutesDoc) -> tuple[str, tuple[int, int, int]]:
    if signature.invalidated_at is not None:
        when = utc_text(signature.invalidated_at)
        return f"INVALIDATED {when} — the minutes were edited after signing", RED
    if not signature.valid:
        return "NOT VALID — this signature does not count", RED
    if not counts(signature, doc):
        return (
            f"NOT CURRENT — signed other content (version {signature.object_version}); "
            "it does not count for these minutes",
            RED,
        )
    return "VALID — bound to the current content of these minutes", GREEN


def _signature(pdf: DocumentPdf, signature: SignatureLine, doc: MinutesDoc) -> None:
    if pdf.will_page_break(36):
        pdf.add_page()
    pdf.ln(1.5)
    standing, colour = _standing(signature, doc)
    struck = not counts(signature, doc)
    pdf.set_font(FAMILY, "BS" if struck else "B", BODY + 0.5)
    if struck:
        pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        LINE + 0.6,
        pdf.clean(signature.printed_name) or "—",
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.set_text_color(*INK)
    pdf.fields(
        [
            ("Party", signature.party),
            ("Role", signature.role),
            ("Meaning", signature.meaning),
            ("Signed (UTC)", utc_text(signature.signed_at)),
            ("Version signed", str(signature.object_version)),
        ]
    )
    pdf.fields([("SHA-256 signed", signature.content_sha256)], size=SMALL)
    pdf.set_font(FAMILY, "B", BODY)
    pdf.cell(42, LINE, "Status")
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, LINE, pdf.clean(standing), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(*INK)
    pdf.set_draw_color(210, 210, 210)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(1.5)


def render_minutes(pdf: DocumentPdf, doc: MinutesDoc) -> None:
    """Write one minutes document from the current position of ``pdf``."""
    status = signoff_status(doc)
    pdf.title_block(f"Minutes · {doc.committee}", doc.title)
    pdf.fields(
        [
            ("Alliance", doc.alliance),
            ("Committee", doc.committee),
            ("Meeting (UTC)", utc_text(doc.starts_at)),
            ("Location", doc.location),
            ("Chair", doc.chair),
            ("Minutes version", str(doc.version)),
        ]
    )
    pdf.fields([("Content SHA-256", doc.content_sha256)], size=SMALL)
    pdf.fields([("Sign-off", status)])

    pdf.heading("Attendance")
    if doc.attendees:
        rows = [
            (a.name, a.party, "yes" if a.voting else "no", "present" if a.present else "absent")
            for a in doc.attendees
        ]
        pdf.grid(("Name", "Party", "Voting member", "Attendance"), rows, (40, 30, 15, 15))
    else:
        pdf.paragraph("No attendance was recorded.")
    if doc.quorum.strip():
        pdf.paragraph(doc.quorum)

    pdf.heading("Agenda and record")
    if not doc.items:
        pdf.paragraph("No agenda items were recorded.")
    for item in doc.items:
        _item(pdf, item)

    pdf.heading("Electronic signatures", keep=75)  # with the status and a first signature
    pdf.set_text_color(*GREY)
    pdf.paragraph(
        "Manifestations under 21 CFR Part 11 §11.50. Each signature binds to the SHA-256 of "
        "the exact version signed; it counts only while valid and bound to the current "
        "content shown here. An edit after signing invalidates it.",
        size=SMALL,
    )
    pdf.set_text_color(*INK)
    pdf.fields([("These minutes", f"version {doc.version}")])
    pdf.fields([("Current SHA-256", doc.content_sha256)], size=SMALL)
    pdf.fields([("Required parties", ", ".join(doc.required_parties) or "none named")])
    pdf.set_text_color(*(GREEN if status == "Signed by all parties" else RED))
    pdf.paragraph(status, bold=True)
    pdf.set_text_color(*INK)
    if not doc.signatures:
        pdf.paragraph("No signatures yet.")
    for signature in doc.signatures:
        _signature(pdf, signature, doc)


def minutes_pdf(doc: MinutesDoc) -> bytes:
    """The minutes of a meeting as an A4 PDF, with signature manifestations and status."""
    pdf = DocumentPdf(
        identity=f"{doc.alliance} · {doc.committee} · Minutes: {doc.title} · version {doc.version}",
        footnote=f"Generated {utc_text(doc.generated_at)} · SHA-256 {doc.content_sha256[:16]}",
        created=doc.generated_at,
    )
    pdf.set_title(pdf.clean(f"Minutes: {doc.title}"))
    pdf.set_subject(pdf.clean(f"{doc.alliance} · {doc.committee}"))
    pdf.add_page()
    render_minutes(pdf, doc)
    return bytes(pdf.output())
