"""Governance documents: the minutes PDF shows each signature's manifestation and counts
only valid signatures on the current content; Unicode renders; long notes wrap with
"Page X of Y"; the dossier ZIP is complete, hashed, formula-safe and byte-reproducible."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from pactum.governance.documents import (
    Attendee,
    DossierDoc,
    MinutesDoc,
    MinutesItem,
    Position,
    SignatureLine,
    TimelineEntry,
    VoteLine,
    awaiting_parties,
    dossier_pdf,
    dossier_zip,
    minutes_pdf,
    safe_cell,
    signoff_status,
)

MEETING = datetime(2027, 1, 10, 9, 30, tzinfo=UTC)
SIGNED = datetime(2027, 1, 10, 14, 3, 22, tzinfo=UTC)
GENERATED = datetime(2027, 1, 12, 8, 0, tzinfo=UTC)
SHA = hashlib.sha256(b"minutes version 3").hexdigest()
OLD_SHA = hashlib.sha256(b"minutes version 2").hexdigest()


def signature(party: str = "Helix", **changes: object) -> SignatureLine:
    """A valid approval of the current content, for ``party``."""
    base = SignatureLine(
        printed_name="Maya Chen" if party == "Helix" else "Ольга Петрова",
        party=party,
        role="alliance_manager",
        meaning="approval",
        signed_at=SIGNED,
        object_version=3,
        content_sha256=SHA,
        valid=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


VOTES = (
    VoteLine("Joint Steering Committee", "Helix", "Zoë Łukasiewicz", "yes", MEETING),
    VoteLine("Joint Steering Committee", "Meridian", "Ольга Петрова", "no", MEETING),
)


def minutes(**changes: object) -> MinutesDoc:
    """Minutes of a JSC meeting, signed validly by both parties unless changed."""
    base = MinutesDoc(
        alliance="Helix–Meridian",
        committee="Joint Steering Committee",
        title="JSC Q1 2027 review",
        starts_at=MEETING,
        location="Basel and video",
        chair="Maya Chen",
        attendees=(
            Attendee("Maya Chen", "Helix", voting=True, present=True),
            Attendee("Zoë Łukasiewicz", "Helix", voting=True, present=True),
            Attendee("Ольга Петрова", "Meridian", voting=True, present=True),
            Attendee("Anders Ångström", "Meridian", voting=False, present=False),
        ),
        quorum="Quorum met: 2 voting members of each party present",
        items=(
            MinutesItem(1, "information", "Programme update", "Enrolment is on plan.\nNo SAEs."),
            MinutesItem(
                2,
                "decision",
                "Phase 2 protocol",
                "The parties discussed the dosing arm.",
                decisions=("Approve the Phase 2 protocol: deadlocked (Meridian: no)",),
                votes=VOTES,
                actions=("Maya Chen (Helix): send the CMC plan — due 2027-01-15",),
            ),
        ),
        version=3,
        content_sha256=SHA,
        signatures=(signature("Helix"), signature("Meridian")),
        required_parties=("Helix", "Meridian"),
        generated_at=GENERATED,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def pages(data: bytes) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(data: bytes) -> str:
    """All text of a PDF with runs of whitespace (line breaks too) made one space."""
    return " ".join(" ".join(pages(data)).split())


# --- Signature manifestations (SIG-1, SIG-2, Part 11 §11.50) ---


def test_manifestation_fields_are_shown() -> None:
    text = flat(minutes_pdf(minutes()))
    for expected in (
        "Maya Chen",
        "Ольга Петрова",
        "Party Helix",
        "Party Meridian",
        "Role alliance_manager",
        "Meaning approval",
        "Signed (UTC) 2027-01-10 14:03:22 UTC",
        "Version signed 3",
        f"SHA-256 signed {SHA}",
        "VALID — bound to the current content",
        f"Current SHA-256 {SHA}",
        "These minutes version 3",
        "Signed by all parties",
    ):
        assert expected in text, expected
    assert "Awaiting" not in text
    assert "INVALIDATED" not in text


def test_invalidated_signature_is_labelled_and_status_awaits() -> None:
    invalidated = signature(
        "Meridian",
        valid=False,
        object_version=2,
        content_sha256=OLD_SHA,
        invalidated_at=datetime(2027, 1, 11, 10, 15, 0, tzinfo=UTC),
    )
    text = flat(minutes_pdf(minutes(signatures=(signature("Helix"), invalidated))))
    assert "INVALIDATED 2027-01-11 10:15:00 UTC — the minutes were edited after signing" in text
    assert f"SHA-256 signed {OLD_SHA}" in text
    assert "Version signed 2" in text
    assert "Awaiting signature of: Meridian" in text
    assert "Signed by all parties" not in text


def test_valid_flag_on_old_content_does_not_count() -> None:
    stale = signature("Meridian", content_sha256=OLD_SHA, object_version=2)
    doc = minutes(signatures=(signature("Helix"), stale))
    assert signoff_status(doc) == "Awaiting signature of: Meridian"
    text = flat(minutes_pdf(doc))
    assert "Awaiting signature of: Meridian" in text
    assert "NOT CURRENT" in text
    assert "Signed by all parties" not in text


@pytest.mark.parametrize(
    ("signatures", "status"),
    [
        ((signature("Helix"), signature("Meridian")), "Signed by all parties"),
        ((signature("Meridian"), signature("Helix")), "Signed by all parties"),
        (
            (signature("Helix", content_sha256=SHA.upper()), signature("Meridian")),
            "Signed by all parties",
        ),
        ((), "Awaiting signature of: Helix, Meridian"),
        ((signature("Helix"),), "Awaiting signature of: Meridian"),
        # Two people of one party fill one slot; the other party still has to sign.
        (
            (signature("Helix"), signature("Helix", printed_name="Zoë")),
            "Awaiting signature of: Meridian",
        ),
        (
            (signature("Helix"), signature("Meridian", valid=False)),
            "Awaiting signature of: Meridian",
        ),
        (
            (signature("Helix"), signature("Meridian", invalidated_at=SIGNED)),
            "Awaiting signature of: Meridian",
        ),
        (
            (signature("Helix", content_sha256=OLD_SHA), signature("Meridian")),
            "Awaiting signature of: Helix",
        ),
        # A signature of a party that is not required does not fill a required slot.
        ((signature("Helix"), signature("Observer Inc")), "Awaiting signature of: Meridian"),
    ],
)
def test_signoff_status(signatures: tuple[SignatureLine, ...], status: str) -> None:
    doc = minutes(signatures=signatures)
    assert signoff_status(doc) == status
    assert status in flat(minutes_pdf(doc))


def test_no_required_parties_is_never_signed_off() -> None:
    doc = minutes(required_parties=())
    assert signoff_status(doc) != "Signed by all parties"
    assert awaiting_parties(doc) == ()


# --- Layout, Unicode, pages ---


def test_minutes_content_and_identity() -> None:
    data = minutes_pdf(minutes())
    text = flat(data)
    for expected in (
        "JSC Q1 2027 review",
        "Meeting (UTC) 2027-01-10 09:30:00 UTC",
        "Chair Maya Chen",
        "Quorum met: 2 voting members of each party present",
        "1. Programme update",
        "Enrolment is on plan. No SAEs.",
        "Approve the Phase 2 protocol: deadlocked (Meridian: no)",
        "Maya Chen (Helix): send the CMC plan — due 2027-01-15",
        "Zoë Łukasiewicz Helix yes present",
        "Anders Ångström Meridian no absent",
        "Joint Steering Committee Meridian Ольга Петрова no 2027-01-10 09:30:00",
    ):
        assert expected in text, expected
    for page in pages(data):
        assert "Helix–Meridian · Joint Steering Committee" in page


def test_unicode_renders_and_missing_glyphs_are_substituted() -> None:
    doc = minutes(
        title="Réunion Zoë Łukasiewicz — Ольга — Ångström 中",
        location="Zürich\x00\x07\u200b",
    )
    data = minutes_pdf(doc)
    text = flat(data)
    assert "Réunion Zoë Łukasiewicz — Ольга — Ångström \ufffd" in text
    assert "中" not in text  # DejaVu Sans has no CJK glyphs: shown as U+FFFD
    assert "Location Zürich Chair Maya Chen" in text  # controls and invisible marks removed
    resources = PdfReader(io.BytesIO(data)).pages[0]["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    fonts = resources["/Font"].get_object()
    assert isinstance(fonts, DictionaryObject)
    names = {str(fonts[key].get_object()["/BaseFont"]) for key in fonts}  # type: ignore[index]
    assert names
    assert all("DejaVuSans" in name for name in names)


def test_long_notes_wrap_across_pages_with_page_numbers() -> None:
    paragraph = " ".join(f"word{i}" for i in range(400))
    notes = "\n\n".join([paragraph] * 6) + "\nLAST-LINE-OF-NOTES"
    long_word = "x" * 300  # wider than the page: broken, not lost
    item = MinutesItem(3, "discussion", "Long discussion", long_word + "\n" + notes)
    data = minutes_pdf(minutes(items=(item,)))
    texts = pages(data)
    total = len(texts)
    assert total >= 3
    for number, text in enumerate(texts, 1):
        assert f"Page {number} of {total}" in text
    joined = "".join("".join(texts).split())
    assert "LAST-LINE-OF-NOTES" in joined
    assert long_word in joined
    # Wrapped: no extracted line is as long as the paragraph.
    assert max(len(line) for text in texts for line in text.splitlines()) < 200


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(title=st.text(), notes=st.text(), name=st.text(max_size=60), decision=st.text())
def test_any_text_renders(title: str, notes: str, name: str, decision: str) -> None:
    item = MinutesItem(1, "decision", title, notes, decisions=(decision,), actions=(notes,))
    doc = minutes(
        title=title,
        items=(item,),
        attendees=(Attendee(name, name, voting=True, present=True),),
        signatures=(signature("Helix", printed_name=name),),
    )
    texts = pages(minutes_pdf(doc))
    assert "Page 1 of" in texts[0]


# --- The dossier ---


def dossier(**changes: object) -> DossierDoc:
    """A deadlocked decision that went to arbitration, with two minutes."""
    second = minutes(
        title="Executive officers: Phase 2 protocol",
        committee="Executive officers",
        signatures=(signature("Helix"),),
    )
    base = DossierDoc(
        alliance="Helix–Meridian",
        reference="DEC-2027-0004",
        question="Approve the Phase 2 protocol with the high-dose arm?",
        domain="development",
        status="arbitration",
        outcome="Referred to arbitration after the executive officers deadlocked",
        generated_at=GENERATED,
        ladder=(
            "Joint Steering Committee (15 business days)",
            "Executive officers (30 business days)",
            "Arbitration",
        ),
        timeline=(
            TimelineEntry(MEETING, "Joint Steering Committee", "Put to the vote"),
            TimelineEntry(MEETING + timedelta(days=1), "", "=cmd|'/c calc'!A1"),
        ),
        votes=VOTES,
        positions=(
            Position("Helix", "The high-dose arm is needed for the label.\nSee the CMC plan."),
            Position("Meridian", '=HYPERLINK("http://example.invalid","x")'),
            Position("+Others", "-1 +1 @SUM(A1)"),
            Position("Tab", "\tstarts with a tab"),
            Position("CR", "\rstarts with a carriage return"),
        ),
        minutes=(minutes(), second),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


EXPECTED_FILES = [
    "dossier.pdf",
    "timeline.csv",
    "votes.csv",
    "positions.csv",
    "minutes/01-jsc-q1-2027-review.pdf",
    "minutes/02-executive-officers-phase-2-protocol.pdf",
    "manifest.json",
]


def test_dossier_pdf_sections() -> None:
    data = dossier_pdf(dossier())
    text = flat(data)
    for expected in (
        "DEC-2027-0004",
        "Approve the Phase 2 protocol with the high-dose arm?",
        "Domain development",
        "Status arbitration",
        "1. Joint Steering Committee (15 business days)",
        "3. Arbitration",
        "Put to the vote",
        "The high-dose arm is needed for the label. See the CMC plan.",
        "Ольга Петрова",
        "Executive officers: Phase 2 protocol",
        "Signed by all parties",
        "Awaiting signature of: Meridian",
    ):
        assert expected in text, expected
    texts = pages(data)
    for number, page in enumerate(texts, 1):
        assert f"Page {number} of {len(texts)}" in page
        assert "DEC-2027-0004" in page


def test_zip_files_and_manifest() -> None:
    doc = dossier()
    with zipfile.ZipFile(io.BytesIO(dossier_zip(doc))) as archive:
        assert archive.namelist() == EXPECTED_FILES
        assert archive.testzip() is None
        contents = {name: archive.read(name) for name in archive.namelist()}
        stamps = {info.date_time for info in archive.infolist()}
    assert stamps == {(2027, 1, 12, 8, 0, 0)}
    manifest = json.loads(contents.pop("manifest.json"))
    assert manifest["reference"] == "DEC-2027-0004"
    assert manifest["generated_at"] == "2027-01-12T08:00:00.000000Z"
    assert set(manifest["files"]) == set(contents)
    for name, data in contents.items():
        assert manifest["files"][name] == {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
    assert contents["minutes/01-jsc-q1-2027-review.pdf"] == minutes_pdf(doc.minutes[0])
    assert contents["dossier.pdf"] == dossier_pdf(doc)
    for name in EXPECTED_FILES:
        if name.endswith(".pdf"):
            assert pages(contents[name])


def read_csv(data: bytes) -> list[dict[str, str]]:
    """A CSV file of the ZIP, parsed back (UTF-8, maybe with a byte-order mark)."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csvs_parse_back_and_formulas_are_defused() -> None:
    with zipfile.ZipFile(io.BytesIO(dossier_zip(dossier()))) as archive:
        timeline = read_csv(archive.read("timeline.csv"))
        votes = read_csv(archive.read("votes.csv"))
        positions = read_csv(archive.read("positions.csv"))
    assert timeline == [
        {
            "at_utc": "2027-01-10 09:30:00",
            "body": "Joint Steering Committee",
            "text": "Put to the vote",
        },
        {"at_utc": "2027-01-11 09:30:00", "body": "", "text": "'=cmd|'/c calc'!A1"},
    ]
    assert votes[1] == {
        "body": "Joint Steering Committee",
        "party": "Meridian",
        "member": "Ольга Петрова",
        "choice": "no",
        "at_utc": "2027-01-10 09:30:00",
    }
    assert [row["party"] for row in positions] == ["Helix", "Meridian", "'+Others", "Tab", "CR"]
    assert [row["position"] for row in positions] == [
        "The high-dose arm is needed for the label.\nSee the CMC plan.",
        '\'=HYPERLINK("http://example.invalid","x")',
        "'-1 +1 @SUM(A1)",
        "'\tstarts with a tab",
        "'\rstarts with a carriage return",
    ]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("Zoë", "Zoë"),
        ("", ""),
    ],
)
def test_safe_cell(cell: str, safe: str) -> None:
    assert safe_cell(cell) == safe


# --- Reproducibility ---


def test_renders_are_byte_identical() -> None:
    assert minutes_pdf(minutes()) == minutes_pdf(minutes())
    assert dossier_pdf(dossier()) == dossier_pdf(dossier())
    assert dossier_zip(dossier()) == dossier_zip(dossier())


def test_generation_time_is_what_is_embedded() -> None:
    later = GENERATED + timedelta(days=1)
    assert minutes_pdf(minutes()) != minutes_pdf(minutes(generated_at=later))
    meta = PdfReader(io.BytesIO(minutes_pdf(minutes()))).metadata
    assert meta is not None
    assert meta.creation_date is not None
    assert meta.creation_date.astimezone(UTC) == GENERATED
