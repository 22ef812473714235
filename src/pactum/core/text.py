"""What stored text and dates may hold (IN-1): every page and export must be able to
show whatever is stored, so input is checked before it is stored.

Text refuses C0 and C1 control characters (line breaks, U+2028/U+2029 and tabs only in
multi-line text), bidirectional embedding, override and isolate characters (U+202A–U+202E,
U+2066–U+2069: they make text read differently from what it is), Unicode
non-characters (U+FDD0–U+FDEF and U+xxFFFE/U+xxFFFF, which spreadsheets refuse) and
lone surrogates. Dates and times lie between 1900-01-01 and 2200-12-31, also once a
time is moved to UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

FIRST_YEAR = 1900
LAST_YEAR = 2200
DATE_RULE = f"must be between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31"

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_ALWAYS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (but tab, LF, CR) and DEL, C1
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides, isolates
    "\ud800-\udfff" + _NONCHARACTERS
)
_MULTI_LINE = re.compile(f"[{_ALWAYS}]")
_ONE_LINE = re.compile(f"[{_ALWAYS}\t\n\r\u2028\u2029]")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """The rule ``value`` breaks (for a field error), or ``None``."""
    found = (_MULTI_LINE if multiline else _ONE_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        return "must not contain NUL characters"
    if char in "\t\n\r\u2028\u2029":
        return "must be on one line (no line breaks or tabs)"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return f"must not contain bidirectional control characters (found {code})"
    if "\ud800" <= char <= "\udfff":
        return "must not contain unpaired surrogates"
    if ord(char) < 0xA0:
        return f"must not contain control characters (found {code})"
    return f"must not contain Unicode non-characters (found {code})"


def date_problem(value: date) -> str | None:
    """The rule a date or time breaks (out of 1900–2200, also in UTC), or ``None``."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return DATE_RULE
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            moved = value.astimezone(UTC)
        except OverflowError:
            return DATE_RULE
        if not FIRST_YEAR <= moved.year <= LAST_YEAR:
            return DATE_RULE
    return None


def printable(value: str) -> str:
    """``value`` with everything :func:`text_problem` refuses in multi-line text replaced
    by U+FFFD (for writers of text stored before these rules, or by other means)."""
    return _MULTI_LINE.sub("\ufffd", value)
