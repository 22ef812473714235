"""Due-date rules: hand-derived examples and Hypothesis properties."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactum.obligations import rules
from pactum.obligations.rules import AfterEvent, Fixed, Recurring

D = date


def test_45_days_after_each_quarter_end() -> None:
    """31 Mar + 45 = 15 May (30 days of April, 15 of May); 30 Jun + 45 = 14 Aug (31 of July,
    14 of August); 30 Sep + 45 = 14 Nov; 31 Dec + 45 = 14 Feb."""
    rule = Recurring("quarter", 45, D(2027, 1, 1))
    assert rules.due_dates(rule, D(2027, 1, 1), D(2028, 3, 1)) == [
        D(2027, 5, 15),
        D(2027, 8, 14),
        D(2027, 11, 14),
        D(2028, 2, 14),
    ]


def test_partial_periods_at_both_ends_count() -> None:
    """Signed 15 Feb, ending 10 Apr: the months ending 28 Feb, 31 Mar and 30 Apr overlap."""
    rule = Recurring("month", 10, D(2027, 2, 15), D(2027, 4, 10))
    assert rules.all_due_dates(rule) == [D(2027, 3, 10), D(2027, 4, 10), D(2027, 5, 10)]


def test_leap_years_and_yearly_periods() -> None:
    """Month ends follow the calendar (29 Feb 2028); a year ends on 31 December."""
    monthly = Recurring("month", 0, D(2028, 1, 20))
    assert rules.due_dates(monthly, D(2028, 1, 1), D(2028, 3, 31)) == [
        D(2028, 1, 31),
        D(2028, 2, 29),
        D(2028, 3, 31),
    ]
    yearly = Recurring("year", 90, D(2027, 6, 1))
    # 31 Dec 2027 + 90 days: 31 (Jan) + 29 (Feb 2028) + 30 = 30 March 2028.
    assert rules.next_open(yearly, []) == D(2028, 3, 30)


def test_fixed_and_after_event() -> None:
    """A fixed rule has one due date; an event rule has none until the event is known."""
    assert rules.all_due_dates(Fixed(D(2027, 9, 30))) == [D(2027, 9, 30)]
    waiting = AfterEvent("First commercial sale", 30, None)
    assert rules.all_due_dates(waiting) == []
    assert rules.next_open(waiting, []) is None
    happened = AfterEvent("First commercial sale", 30, D(2027, 1, 15))
    assert rules.next_open(happened, []) == D(2027, 2, 14)
    assert rules.next_open(happened, ["2027-02-14"]) is None
    assert rules.all_done(happened, ["2027-02-14"])


def test_states_of_an_occurrence() -> None:
    """Overdue the day after; due soon from ``remind_days`` before, the day itself included."""
    due = D(2027, 5, 15)
    assert rules.state(due, [], D(2027, 5, 7), 7) == "upcoming"
    assert rules.state(due, [], D(2027, 5, 8), 7) == "due_soon"
    assert rules.state(due, [], D(2027, 5, 15), 7) == "due_soon"
    assert rules.state(due, [], D(2027, 5, 16), 7) == "overdue"
    assert rules.state(due, ["2027-05-15"], D(2027, 6, 1), 7) == "done"


def test_next_open_skips_done_dates() -> None:
    """The next open due date is the earliest not done, even an overdue one."""
    rule = Recurring("quarter", 45, D(2027, 1, 1))
    assert rules.next_open(rule, ["2027-05-15"]) == D(2027, 8, 14)
    assert rules.next_open(rule, ["2027-08-14"]) == D(2027, 5, 15)
    assert rules.next_open(rule, [], D(2027, 5, 16)) == D(2027, 8, 14)


def test_round_trip_through_json() -> None:
    """A rule survives being stored."""
    for rule in (
        Fixed(D(2027, 1, 2)),
        AfterEvent("Approval", 60, D(2027, 3, 4)),
        AfterEvent("Approval", 60),
        Recurring("year", 0, D(2027, 1, 1), D(2030, 12, 31)),
    ):
        assert rules.parse_rule(rules.rule_json(rule)) == rule
    with pytest.raises(ValueError, match="unknown rule type"):
        rules.parse_rule({"type": "weekly"})


periods = st.sampled_from(rules.PERIODS)
days = st.integers(min_value=0, max_value=400)
starts = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))


@st.composite
def recurring(draw: st.DrawFn) -> Recurring:
    start = draw(starts)
    end = draw(st.none() | st.dates(min_value=start, max_value=start + timedelta(days=3000)))
    return Recurring(draw(periods), draw(days), start, end)


@settings(max_examples=200, deadline=None)
@given(recurring(), st.integers(min_value=0, max_value=4000))
def test_recurring_due_dates_increase_and_follow_period_ends(rule: Recurring, span: int) -> None:
    """Strictly increasing; each minus ``days_after`` is a period end whose period overlaps
    ``start``..``end``."""
    found = rules.due_dates(rule, rule.start, rule.start + timedelta(days=span))
    assert all(a < b for a, b in itertools.pairwise(found))
    for due in found:
        end = due - timedelta(days=rule.days_after)
        assert rules.is_period_end(rule.period, end)
        assert end >= rule.start
        assert rule.end is None or rules.period_start(rule.period, end) <= rule.end


@settings(max_examples=200, deadline=None)
@given(recurring(), st.integers(min_value=0, max_value=3000), st.integers(0, 3000))
def test_window_queries_agree(rule: Recurring, first: int, second: int) -> None:
    """Splitting a window in two gives the same due dates; every date found is a due date."""
    a = rule.start - timedelta(days=200)
    m = a + timedelta(days=first)
    c = m + timedelta(days=second)
    whole = rules.due_dates(rule, a, c)
    assert whole == rules.due_dates(rule, a, m) + rules.due_dates(rule, m + timedelta(days=1), c)
    assert all(rules.is_due_date(rule, d) for d in whole)


@settings(max_examples=200, deadline=None)
@given(recurring(), st.sets(st.integers(0, 12), max_size=6))
def test_next_open_is_the_first_due_date_not_done(rule: Recurring, skipped: set[int]) -> None:
    """``next_open`` equals the first entry of the full list that is not done."""
    listed = rules.due_dates(rule, rules.EARLIEST, rule.start + timedelta(days=6000))
    done = [listed[i].isoformat() for i in skipped if i < len(listed)]
    expected = next((d for d in listed if d.isoformat() not in done), None)
    found = rules.next_open(rule, done)
    if expected is not None:
        assert found == expected
    else:
        # Every listed date is done: the next open one lies beyond the listed window.
        assert found is None or found > listed[-1]


@settings(max_examples=200, deadline=None)
@given(recurring(), st.dates(min_value=D(1990, 1, 1), max_value=D(2110, 1, 1)), days)
def test_states_partition_the_open_dates(rule: Recurring, today: date, remind: int) -> None:
    """Overdue exactly when before today; due soon exactly within the reminder window."""
    window = rules.occurrences(
        rule, [], today, remind, today - timedelta(days=400), today + timedelta(days=400)
    )
    for occ in window:
        if occ.due < today:
            assert occ.state == "overdue"
        elif occ.due <= today + timedelta(days=remind):
            assert occ.state == "due_soon"
        else:
            assert occ.state == "upcoming"
