"""The service-to-sales rule on an advancing clock (pure): a flagged customer's service
visit today alerts once a day with the why in words; an appointment on another day, a
visit yesterday or an unreadable appointment time does not."""

from __future__ import annotations

from datetime import timedelta

from signals.config import SignalsConfig
from signals.facts import Flagged
from tests.signals.rules_feed import CUSTOMER, Feed, hours

CRV = Flagged(
    "2021 Honda CR-V EX, 41,200 mi",
    ("about $4,200 equity (18%) by book value table", "lease ends in 3 months (Mar 1, 2027)"),
)


def flagged_jane() -> Feed:
    return Feed(equity=True, flagged=(CRV,), name="Jane Ortiz")  # 09:00 in Denver


def test_a_flagged_customer_in_service_today_alerts_once_with_the_why() -> None:
    feed = flagged_jane()
    [alert] = feed.send("service_visit", None, after=hours(1), late=timedelta(minutes=5))
    assert alert.rule == "service_equity" and alert.vehicle_id is None
    assert alert.dedupe_key == f"service_equity:{CUSTOMER}:-"
    assert alert.reason == (
        "Jane Ortiz is in service at 09:55; 2021 Honda CR-V EX, 41,200 mi; "
        "about $4,200 equity (18%) by book value table; lease ends in 3 months (Mar 1, 2027)"
    )
    assert feed.send("service_visit", None, after=hours(3)) == []  # the same day
    assert feed.send("service_visit", None, after=hours(20, 59)) == []  # 1 min short of 24 h
    [tomorrow] = feed.send("service_visit", None, after=hours(0, 1))  # 10:00, May 13
    assert tomorrow.reason.startswith("Jane Ortiz is in service at 10:00;")


def test_an_appointment_later_today_alerts_when_it_is_announced() -> None:
    feed = flagged_jane()
    [alert] = feed.send("service_visit", None, appointment_at="2026-05-12T15:30:00-06:00")
    assert alert.reason.startswith("Jane Ortiz has a service appointment at 15:30; 2021 Honda")


def test_an_appointment_on_another_day_does_not_alert() -> None:
    feed = flagged_jane()
    next_week = "2026-05-19T10:00:00-06:00"
    assert feed.send("service_visit", None, appointment_at=next_week) == []
    # 23:30 in Denver is 05:30 UTC the next day: the dealership's day is what counts
    late_tonight = "2026-05-13T05:30:00+00:00"
    [alert] = feed.send("service_visit", None, appointment_at=late_tonight)
    assert "appointment at 23:30" in alert.reason
    for unreadable in ("tomorrow at 10", "2026-05-12T15:30:00", 1747000000):
        assert flagged_jane().send("service_visit", None, appointment_at=unreadable) == []


def test_a_visit_from_yesterday_arriving_after_midnight_does_not_alert() -> None:
    feed = flagged_jane()
    feed.clock.advance(hours(15, 10))  # 00:10 in Denver, May 13
    assert feed.send("service_visit", None, late=timedelta(minutes=20)) == []  # 23:50, May 12
    [alert] = feed.send("service_visit", None, after=hours(1))
    assert "in service at 01:10" in alert.reason


def test_a_visit_event_older_than_max_event_age_does_not_alert() -> None:
    feed = flagged_jane()
    feed.config = SignalsConfig(max_event_age_hours=6)
    feed.clock.advance(hours(14))  # 23:00 in Denver
    assert feed.send("service_visit", None, late=hours(6, 1)) == []  # 16:59 today: too old
    [alert] = feed.send("service_visit", None, late=hours(6))
    assert "in service at 17:00" in alert.reason


def test_a_customer_without_a_counted_flag_does_not_alert() -> None:
    for equity in (False, None):
        assert Feed(equity=equity, name="Jane Ortiz").send("service_visit", None) == []
