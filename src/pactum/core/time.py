"""Time helpers: everything is stored and compared in UTC."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

_frozen: datetime | None = None


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (frozen in tests when set)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


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
