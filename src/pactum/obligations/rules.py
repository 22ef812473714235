"""Due dates from an obligation's rule: pure date arithmetic, no database.

Three rules (stored as JSON on the obligation):

- ``fixed``: one due date.
- ``after_event``: ``days`` after an event (``event_date``); no due date until the event
  is recorded.
- ``recurring``: ``days_after`` the end of each calendar ``period`` (month, quarter, year)
  that overlaps ``start`` .. ``end`` (partial periods at either end count: a licence signed
  on 15 February owes a report for the quarter ending 31 March). Without ``end`` it recurs
  for ever.

An occurrence (one due date) is ``done`` when its date is in the obligation's ``done``
list; otherwise ``overdue`` after its date, ``due_soon`` from ``remind_days`` before it
(the day itself included) and ``upcoming`` before that.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

PERIODS = ("month", "quarter", "year")
RULE_TYPES = ("fixed", "after_event", "recurring")
STATES = ("done", "upcoming", "due_soon", "overdue")
Period = Literal["month", "quarter", "year"]
State = Literal["done", "upcoming", "due_soon", "overdue"]
# Dates are kept within these bounds so adding days never leaves the calendar.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
MAX_DAYS = 3650


@dataclass(frozen=True)
class Fixed:
    """Due on one date."""

    on: date


@dataclass(frozen=True)
class AfterEvent:
    """Due ``days`` after an event; undetermined until ``event_date`` is known."""

    event: str
    days: int
    event_date: date | None = None


@dataclass(frozen=True)
class Recurring:
    """Due ``days_after`` the end of each period overlapping ``start`` .. ``end``."""

    period: Period
    days_after: int
    start: date
    end: date | None = None


Rule = Fixed | AfterEvent | Recurring


@dataclass(frozen=True)
class Occurrence:
    """One due date of an obligation and its state on a given day."""

    due: date
    state: State


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def parse_rule(data: Mapping[str, Any]) -> Rule:
    """The rule stored as JSON (dates as ISO text), already validated on the way in."""
    kind = data.get("type")
    if kind == "fixed":
        return Fixed(_date(data["date"]))
    if kind == "after_event":
        event_date = data.get("event_date")
        return AfterEvent(
            str(data.get("event", "")),
            int(data["days"]),
            _date(event_date) if event_date else None,
        )
    if kind == "recurring":
        period = str(data["period"])
        if period not in PERIODS:
            raise ValueError(f"unknown period {period!r}")
        end = data.get("end")
        return Recurring(
            period,  # type: ignore[arg-type]
            int(data["days_after"]),
            _date(data["start"]),
            _date(end) if end else None,
        )
    raise ValueError(f"unknown rule type {kind!r}")


def rule_json(rule: Rule) -> dict[str, Any]:
    """The rule as it is stored (JSON-safe, dates as ISO text)."""
    if isinstance(rule, Fixed):
        return {"type": "fixed", "date": rule.on.isoformat()}
    if isinstance(rule, AfterEvent):
        return {
            "type": "after_event",
            "event": rule.event,
            "days": rule.days,
            "event_date": rule.event_date.isoformat() if rule.event_date else None,
        }
    return {
        "type": "recurring",
        "period": rule.period,
        "days_after": rule.days_after,
        "start": rule.start.isoformat(),
        "end": rule.end.isoformat() if rule.end else None,
    }


# --- calendar periods ----------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_end(period: Period, day: date) -> date:
    """The last day of the ``period`` containing ``day`` (the first period end >= ``day``)."""
    if period == "month":
        return _month_end(day.year, day.month)
    if period == "quarter":
        return _month_end(day.year, (day.month - 1) // 3 * 3 + 3)
    return date(day.year, 12, 31)


def period_start(period: Period, end: date) -> date:
    """The first day of the period that ends on ``end``."""
    if period == "month":
        return end.replace(day=1)
    if period == "quarter":
        return date(end.year, end.month - 2, 1)
    return date(end.year, 1, 1)


def is_period_end(period: Period, day: date) -> bool:
    """Whether ``day`` is the last day of a ``period``."""
    return period_end(period, day) == day


def _period_ends(period: Period, first: date) -> Iterator[date]:
    """Period ends from the one containing ``first`` on (stops at the calendar's end)."""
    end = period_end(period, first)
    while end <= LATEST:
        yield end
        end = period_end(period, end + timedelta(days=1))


# --- due dates -----------------------------------------------------------------------------


def _recurring(rule: Recurring, start: date) -> Iterator[date]:
    """Due dates of a recurring rule, from the first on or after ``start``, ascending."""
    lead = timedelta(days=rule.days_after)
    first = max(rule.start, start - lead) if start - lead >= EARLIEST else rule.start
    for end in _period_ends(rule.period, first):
        if rule.end is not None and period_start(rule.period, end) > rule.end:
            return
        yield end + lead


def _single(rule: Fixed | AfterEvent) -> date | None:
    if isinstance(rule, Fixed):
        return rule.on
    if rule.event_date is None:
        return None
    return rule.event_date + timedelta(days=rule.days)


def due_dates(rule: Rule, start: date, end: date) -> list[date]:
    """Due dates from ``start`` to ``end`` (both included), ascending."""
    if end < start:
        return []
    if isinstance(rule, Recurring):
        found = []
        for due in _recurring(rule, start):
            if due > end:
                break
            if due >= start:
                found.append(due)
        return found
    single = _single(rule)
    return [single] if single is not None and start <= single <= end else []


def is_due_date(rule: Rule, day: date) -> bool:
    """Whether ``day`` is one of the rule's due dates."""
    return due_dates(rule, day, day) == [day]


def all_due_dates(rule: Rule) -> list[date] | None:
    """Every due date when there are finitely many (``None`` for an endless recurrence)."""
    if isinstance(rule, Recurring):
        if rule.end is None:
            return None
        return due_dates(rule, EARLIEST, LATEST + timedelta(days=MAX_DAYS))
    single = _single(rule)
    return [single] if single is not None else []


def _done_set(done: Collection[str | date]) -> set[date]:
    return {_date(d) for d in done}


def next_open(rule: Rule, done: Collection[str | date], start: date = EARLIEST) -> date | None:
    """The earliest due date on or after ``start`` not yet done (``None`` if there is none)."""
    fulfilled = _done_set(done)
    if isinstance(rule, Recurring):
        return next((due for due in _recurring(rule, start) if due not in fulfilled), None)
    single = _single(rule)
    if single is None or single < start or single in fulfilled:
        return None
    return single


def all_done(rule: Rule, done: Collection[str | date]) -> bool:
    """Whether a rule with finitely many due dates has every one of them done."""
    dates = all_due_dates(rule)
    if not dates:
        return False
    fulfilled = _done_set(done)
    return all(d in fulfilled for d in dates)


def state(due: date, done: Collection[str | date], today: date, remind_days: int) -> State:
    """The state of one occurrence on ``today``."""
    if due in _done_set(done):
        return "done"
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=remind_days):
        return "due_soon"
    return "upcoming"


def occurrences(
    rule: Rule,
    done: Collection[str | date],
    today: date,
    remind_days: int,
    start: date,
    end: date,
) -> list[Occurrence]:
    """Each due date from ``start`` to ``end`` with its state on ``today``."""
    fulfilled = _done_set(done)
    return [
        Occurrence(due, state(due, fulfilled, today, remind_days))
        for due in due_dates(rule, start, end)
    ]


def open_until(
    rule: Rule, done: Collection[str | date], until: date, start: date = EARLIEST
) -> list[date]:
    """Due dates from ``start`` to ``until`` that are not done (overdue and due soon)."""
    fulfilled = _done_set(done)
    return [d for d in due_dates(rule, start, until) if d not in fulfilled]
