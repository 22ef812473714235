"""An iCalendar (RFC 5545) writer for all-day deadlines and timed meetings, by hand and
with the standard library only: CRLF line ends, lines folded at 75 octets without splitting a UTF-8
character, TEXT values escaped (backslash, semicolon, comma, line breaks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from pactum.core.time import day_after, ical_day, ical_stamp

CRLF = "\r\n"
LINE_OCTETS = 75
PRODID = "-//Pactum//Deadlines//EN"


@dataclass(frozen=True)
class Event:
    """One event: all-day (a deadline) or timed (a meeting)."""

    uid: str
    day: date
    summary: str
    description: str = ""
    categories: tuple[str, ...] = ()
    # A timed event (a meeting) has both, in UTC; ``day`` is then its first day.
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    location: str = ""


def escape(text: str) -> str:
    """A TEXT value: ``\\`` ``;`` ``,`` escaped, line breaks as ``\\n``, controls dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == ";":
            out.append("\\;")
        elif ch == ",":
            out.append("\\,")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t" or ch.isprintable():
            out.append(ch)
    return "".join(out)


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (continuations start with a
    space, which counts towards their 75), never inside a UTF-8 sequence."""
    chunks: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += ch
        size += width
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def _stamp(moment: datetime) -> str:
    return ical_stamp(moment)


def _day(value: date) -> str:
    return ical_day(value)


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape(event.uid)}",
        f"DTSTAMP:{stamp}",
    ]
    if event.starts_at is not None and event.ends_at is not None:
        lines += [f"DTSTART:{_stamp(event.starts_at)}", f"DTEND:{_stamp(event.ends_at)}"]
    else:
        lines += [
            f"DTSTART;VALUE=DATE:{_day(event.day)}",
            f"DTEND;VALUE=DATE:{_day(day_after(event.day))}",
        ]
    lines.append(f"SUMMARY:{escape(event.summary)}")
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape(c) for c in event.categories))
    timed = event.starts_at is not None
    lines += [f"TRANSP:{'OPAQUE' if timed else 'TRANSPARENT'}", "END:VEVENT"]
    return lines


def calendar(events: Iterable[Event], *, name: str, now: datetime) -> str:
    """A VCALENDAR with ``events`` (``now`` is every event's DTSTAMP)."""
    stamp = _stamp(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:UTC",
    ]
    for event in events:
        lines += _event_lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
