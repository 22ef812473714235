"""Hostile values: what a careless import, an old version or someone editing the database
directly may leave in a text or date column, and what an attacker types into a form."""

from __future__ import annotations

from hypothesis import strategies as st

PIECES = (
    "\x01",
    "\x0b",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9f",
    "\u202e",
    "\u2066",
    "\u200f",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
    "\u2028",
    "\u2029",
    "\r\n",
    "\n" * 70,
    "\t",
    '=HYPERLINK("http://x","y")',
    "+1",
    "-12.50",
    "@SUM(A1)",
    "$^$\\",
    "</script><b>",
    "{{ 7*7 }}",
    "😀",
    "漢字",
    "W" * 900,
    "word " * 400,
)
# The worst of them at once, for an explicit first example.
WORST = "".join(PIECES)

stored_text = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join)

# What a form or a JSON body may carry in a text or date field.
TYPED_TEXT = (
    "a\x01b",
    "x\u202ey",
    "bad\ufffe",
    "line\nbreak",
    "=cmd|' /C calc'!A0",
    "W" * 25000,
    "",
)
TYPED_DATES = ("2026-02-30", "9999-12-31", "0001-01-01", "9999-12-31T22:00:00-05:00")
