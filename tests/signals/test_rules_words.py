"""How alert reasons write numbers, spans, dates and money (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from signals.words import ago, day, money, ordinal, span
from tests.signals.rules_feed import ZONE


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
    ],
)
def test_ordinals(n: int, text: str) -> None:
    assert ordinal(n) == text


@pytest.mark.parametrize(
    ("length", "text"),
    [
        (timedelta(seconds=59), "under a minute"),
        (timedelta(minutes=2), "2 min"),
        (timedelta(minutes=59, seconds=59), "59 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=2, minutes=30), "2 h 30 min"),
        (timedelta(hours=10, minutes=30), "10 h"),
        (timedelta(hours=47, minutes=59), "47 h"),
        (timedelta(hours=48), "2 days"),
        (timedelta(days=16, minutes=-1), "15 days"),
    ],
)
def test_spans_in_whole_units_rounded_down(length: timedelta, text: str) -> None:
    assert span(length) == text


def test_recency_and_dates_in_the_dealership_time_zone() -> None:
    now = datetime(2026, 5, 12, 18, 0, tzinfo=UTC)
    assert ago(now - timedelta(seconds=30), now) == "just now"
    assert ago(now - timedelta(minutes=2), now) == "2 min ago"
    assert day(datetime(2026, 5, 11, 3, 0, tzinfo=UTC), ZONE, now) == "May 10"
    assert day(datetime(2025, 12, 30, 18, 0, tzinfo=UTC), ZONE, now) == "Dec 30, 2025"
    new_year = datetime(2026, 1, 1, 5, 0, tzinfo=UTC)  # still Dec 31 in Denver
    assert day(new_year - timedelta(hours=1), ZONE, new_year) == "Dec 31"


def test_money_in_dollars() -> None:
    assert money(Decimal("1500.00")) == "$1,500"
    assert money(Decimal("38995")) == "$38,995"
    assert money(Decimal("500.5")) == "$500.50"
