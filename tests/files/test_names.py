"""File names: sanitised for display (Hypothesis over any text), media types from the
allow-list by extension only, header-safe download names."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactum.files.names import (
    MAX_NAME,
    OCTET_STREAM,
    content_disposition,
    human_size,
    media_type_for,
    sanitize_filename,
)


@given(st.text())
def test_any_name_becomes_a_safe_display_name(name: str) -> None:
    """Never empty, never a path, no control or invisible characters, bounded, stable."""
    clean = sanitize_filename(name)
    assert clean
    assert len(clean) <= MAX_NAME
    assert "/" not in clean
    assert "\\" not in clean
    assert all(not unicodedata.category(ch).startswith("C") for ch in clean)
    assert all(unicodedata.category(ch) not in {"Zl", "Zp"} for ch in clean)
    assert clean == clean.strip(" .")
    assert "  " not in clean
    assert all(not ch.isspace() or ch == " " for ch in clean)
    assert clean == unicodedata.normalize("NFC", clean)
    assert sanitize_filename(clean) == clean


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=50))
def test_ordinary_names_are_kept(stem: str) -> None:
    """A plain name passes unchanged."""
    assert sanitize_filename(f"{stem}.pdf") == f"{stem}.pdf"


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\amara\\JSC paper.docx", "JSC paper.docx"),
        ("minutes\x00\x07\r\nfinal.pdf", "minutes final.pdf"),
        ("\u202eexe.pdf", "exe.pdf"),
        ("  report  2026 .pdf ", "report 2026 .pdf"),
        ("", "file"),
        ("...", "file"),
        ("/", "file"),
        ("Übersicht é.pdf", "Übersicht é.pdf"),
    ],
)
def test_examples(given_name: str, expected: str) -> None:
    """Path separators, controls, bidi overrides and blanks are handled."""
    assert sanitize_filename(given_name) == expected


def test_long_names_keep_their_extension() -> None:
    """Cut to 200 characters, the extension kept."""
    clean = sanitize_filename("a" * 500 + ".xlsx")
    assert len(clean) == MAX_NAME
    assert clean.endswith("a.xlsx")


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("paper.pdf", "application/pdf"),
        ("PAPER.PDF", "application/pdf"),
        ("plan.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("deck.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("chart.png", "image/png"),
        ("photo.jpg", "image/jpeg"),
        ("photo.jpeg", "image/jpeg"),
        ("notes.txt", "text/plain"),
        ("sales.csv", "text/csv"),
        ("page.html", OCTET_STREAM),
        ("image.svg", OCTET_STREAM),
        ("run.exe", OCTET_STREAM),
        ("pdf", OCTET_STREAM),
        (".pdf", OCTET_STREAM),
        ("archive.tar.gz", OCTET_STREAM),
    ],
)
def test_media_types_come_from_the_allow_list_by_extension(name: str, media_type: str) -> None:
    """Only the allow-list's types are ever declared; nothing is sniffed."""
    assert media_type_for(name) == media_type


@given(st.text())
def test_content_disposition_is_an_ascii_header_that_round_trips(name: str) -> None:
    """Always an attachment, ASCII only, the exact name in filename*."""
    clean = sanitize_filename(name)
    header = content_disposition(clean)
    assert header.isascii()
    assert header.startswith('attachment; filename="')
    fallback = header.split('filename="', 1)[1].split('"; filename*=', 1)[0]
    assert '"' not in fallback
    assert "\\" not in fallback
    assert unquote(header.rsplit("filename*=UTF-8''", 1)[1]) == clean


def test_human_sizes() -> None:
    """Sizes for people."""
    assert human_size(1) == "1 byte"
    assert human_size(812) == "812 bytes"
    assert human_size(12_600) == "12.3 KB"
    assert human_size(5 * 1024 * 1024) == "5.0 MB"
