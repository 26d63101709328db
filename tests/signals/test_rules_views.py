"""The repeat-view rule and the dedupe, on an advancing clock (pure: no store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signals.config import RepeatViews, SignalsConfig
from signals.facts import Asked, Firing, Seen, Shopper
from signals.rules import deduped, repeat_views
from tests.signals.rules_feed import CUSTOMER, FORESTER, OUTBACK, START, ZONE, Feed, hours

ZERO = timedelta(0)


def test_the_fourth_view_in_48_hours_alerts_once_with_its_reason() -> None:
    feed = Feed()
    written = feed.views(ZERO, hours(12), hours(12))
    assert written == [[], [], []]
    [alert] = feed.send(after=hours(11, 59), late=timedelta(minutes=2))
    assert alert.rule == "repeat_views" and alert.customer_id == CUSTOMER
    assert alert.vehicle_id == OUTBACK.id and alert.dedupe_key == f"repeat_views:{CUSTOMER}:11"
    assert alert.reason == "4th view of the 2026 Outback Wilderness (S6012) in 35 h, last 2 min ago"
    assert alert.at == feed.clock.now() and alert.urgent is False


def test_window_edges_the_fourth_view_at_47_59_fires_at_48_01_does_not() -> None:
    inside = Feed()
    inside.views(ZERO, hours(1), hours(1))
    assert inside.send(after=hours(45, 59)) != []  # 47:59 after the first

    exactly = Feed()
    exactly.views(ZERO, hours(1), hours(1))
    assert exactly.send(after=hours(46)) != []  # 48:00 after the first: inclusive

    outside = Feed()
    outside.views(ZERO, hours(1), hours(1))
    assert outside.send(after=hours(46, 1)) == []  # 48:01: the first view has left the window
    # ... until four views fall in one 48 h window again
    [alert] = outside.send(after=timedelta(minutes=58))  # views 2, 3, 4 and this in 47:59
    assert alert.reason.startswith("4th view of the 2026 Outback Wilderness (S6012) in 47 h")


def test_a_fifth_view_the_same_day_is_deduped_views_going_on_alert_again_after_24_hours() -> None:
    feed = Feed()
    feed.views(ZERO, hours(1), hours(1), hours(1))
    assert len(feed.fired) == 1
    assert feed.send(after=hours(1)) == []  # the 5th, an hour later
    assert feed.send(after=hours(22, 59)) == []  # 23:59 after the alert: still inside
    [again] = feed.send(after=timedelta(minutes=1))  # 24:00 after the alert
    assert again.reason.startswith("7th view of the 2026 Outback Wilderness (S6012) in 27 h")
    assert [f.rule for f in feed.fired] == ["repeat_views", "repeat_views"]


def test_views_stop_no_alert_after_the_window() -> None:
    feed = Feed()
    feed.views(ZERO, hours(1), hours(1), hours(1))
    assert feed.send(after=hours(72)) == []  # one view days later: 1 in its window


def test_each_vehicle_of_a_customer_is_counted_on_its_own() -> None:
    feed = Feed()
    for _ in range(3):
        assert feed.send(vehicle=OUTBACK, after=hours(1)) == []
        assert feed.send(vehicle=FORESTER, after=hours(1)) == []
    [alert] = feed.send(vehicle=FORESTER, after=hours(1))
    assert alert.vehicle_id == FORESTER.id
    assert alert.reason.startswith("4th view of the 2025 Forester (F2201) in 5 h")
    [other] = feed.send(vehicle=OUTBACK, after=hours(1))  # its own key: not deduped
    assert other.dedupe_key == f"repeat_views:{CUSTOMER}:{OUTBACK.id}"


def test_the_reason_says_when_the_customer_asked_about_it_in_their_time_zone() -> None:
    feed = Feed()
    # 03:00 UTC on May 11 is 21:00 on May 10 in Denver
    feed.asked.append(Asked(OUTBACK.id, "sms", datetime(2026, 5, 11, 3, 0, tzinfo=UTC)))
    feed.asked.append(Asked(FORESTER.id, "web", datetime(2026, 5, 11, 20, 0, tzinfo=UTC)))
    feed.views(ZERO, hours(1), hours(1))
    [alert] = feed.send(after=hours(1))
    assert alert.reason == (
        "4th view of the 2026 Outback Wilderness (S6012) in 3 h, last just now; "
        "asked about it by text on May 10"
    )


def test_disabled_or_retuned_by_the_dealership() -> None:
    off = Feed(config=SignalsConfig(repeat_views=RepeatViews(enabled=False)))
    assert off.views(*[hours(1)] * 8) == [[]] * 8
    two = Feed(config=SignalsConfig(repeat_views=RepeatViews(count=2, within_hours=3)))
    assert two.send() == []
    assert two.send(after=hours(3, 1)) == []
    [alert] = two.send(after=hours(3))
    assert alert.reason.startswith("2nd view of the 2026 Outback Wilderness (S6012) in 3 h")


def test_views_of_one_instant_stored_in_a_batch_fire_once_at_the_fourth() -> None:
    batch = [Seen("vdp_view", START, OUTBACK.id, OUTBACK.stock, id=n) for n in (41, 42, 43, 44)]
    shopper = Shopper(CUSTOMER, tuple(batch), {OUTBACK.id: OUTBACK})
    fired = [
        [f.reason for f in repeat_views(e, shopper, SignalsConfig(), now=START, zone=ZONE)]
        for e in batch
    ]
    assert fired == [
        [],
        [],
        [],
        ["4th view of the 2026 Outback Wilderness (S6012) in under a minute, last just now"],
    ]


def test_other_events_and_views_of_unknown_vehicles_are_not_views() -> None:
    feed = Feed()
    for kind in ("srp_search", "asc_pageview", "payment_calculator"):
        feed.send(kind, after=hours(1))
    assert feed.send(after=hours(1)) == []  # 1 view, not the 4th event
    unknown = Feed()
    assert unknown.views(*[hours(1)] * 5, vehicle=None) == [[]] * 5


def test_an_old_view_arriving_late_is_history_not_intent() -> None:
    feed = Feed()
    feed.views(ZERO, hours(1), hours(1))
    assert feed.send(after=hours(25, 1), late=hours(24, 1)) == []  # happened 24:01 ago
    fresh = Feed()
    fresh.views(ZERO, hours(1), hours(1))
    assert fresh.send(after=hours(25), late=hours(24)) != []  # 24:00 ago: still fresh


def _firing(at: datetime, vehicle: int = OUTBACK.id) -> Firing:
    return Firing("repeat_views", CUSTOMER, vehicle, "4th view", at)


@pytest.mark.parametrize(
    ("since_alert", "kept"),
    [(hours(0), False), (hours(23, 59), False), (hours(24), True), (hours(30), True)],
)
def test_dedupe_against_written_alerts(since_alert: timedelta, kept: bool) -> None:
    firing = _firing(START + since_alert)
    recent = {firing.dedupe_key: START}
    assert deduped([firing], recent, SignalsConfig()) == ([firing] if kept else [])


def test_dedupe_within_one_call_and_by_key_with_a_dealership_window() -> None:
    config = SignalsConfig(dedupe_hours=2)
    first, second, later = _firing(START), _firing(START + hours(1)), _firing(START + hours(2))
    forester = _firing(START + hours(1), FORESTER.id)
    assert deduped([later, second, first, forester], {}, config) == [first, forester, later]
