"""Time helpers: everything is stored and compared in UTC."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

_frozen: datetime | None = None
# A test instance's clock offset (seconds, read from a file another process may change),
# so a test can move a running server's clock forward; never set outside tests.
_offset_file: Path | None = None
_offset: tuple[float, float] = (0.0, 0.0)  # (read at monotonic time, seconds)
OFFSET_REREAD_SECONDS = 0.1


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (frozen in tests when set)."""
    if _frozen is not None:
        return _frozen
    now = datetime.now(UTC)
    if _offset_file is not None:
        now += timedelta(seconds=_current_offset())
    return now


def _current_offset() -> float:
    global _offset
    read_at, seconds = _offset
    if time.monotonic() - read_at > OFFSET_REREAD_SECONDS:
        try:
            seconds = float((_offset_file or Path()).read_text().strip() or 0)
        except (OSError, ValueError):
            seconds = 0.0
        _offset = (time.monotonic(), seconds)
    return seconds


def use_offset_file(path: Path | None) -> None:
    """Add the number of seconds a file holds to the clock (a test instance only)."""
    global _offset_file, _offset
    _offset_file = path
    _offset = (0.0, 0.0)


def freeze(moment: datetime | None) -> None:
    """Freeze (or with ``None`` unfreeze) the clock; for tests and reproducible demos."""
    global _frozen
    _frozen = moment.astimezone(UTC) if moment is not None else None


def iso(moment: datetime) -> str:
    """Format an aware datetime canonically as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Freeze the clock at ``moment`` for the duration of a ``with`` block."""
    before = _frozen
    freeze(moment)
    try:
        yield
    finally:
        freeze(before)


def quarter_of(day: date) -> tuple[int, int]:
    """(year, calendar quarter) of a date."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    """The first day of a calendar quarter."""
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a calendar quarter."""
    following = date(year + 1, 1, 1) if quarter == 4 else quarter_start(year, quarter + 1)
    return following - timedelta(days=1)


def ical_stamp(moment: datetime) -> str:
    """A UTC time for iCalendar (``YYYYMMDDTHHMMSSZ``, every year four digits)."""
    with suppress(OverflowError):
        moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"
    )


def ical_day(day: date) -> str:
    """A date for iCalendar (``YYYYMMDD``)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def day_after(day: date) -> date:
    """The next day (the last representable day has none: itself)."""
    return day if day == date.max else day + timedelta(days=1)
