"""The price-drop rule: an inventory update lowering a price, and who hears of it (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from contracts.clock import FrozenClock
from signals.config import PriceDrop, SignalsConfig
from signals.facts import Asked, Firing, Interest, PriceChange, Seen
from signals.price_drop import price_drop
from tests.signals.rules_feed import FORESTER, OUTBACK, ZONE

NOW = datetime(2026, 5, 12, 18, 0, tzinfo=UTC)
CUT = PriceChange(OUTBACK, old=Decimal("40495.00"), new=Decimal("38995.00"))


def view(at: datetime, vehicle: int = OUTBACK.id, kind: str = "vdp_view") -> Seen:
    return Seen(kind, at, vehicle, None)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def run(
    interested: list[Interest],
    change: PriceChange = CUT,
    config: SignalsConfig | None = None,
    now: datetime = NOW,
) -> list[Firing]:
    return price_drop(change, interested, config=config or SignalsConfig(), now=now, zone=ZONE)


def test_each_interested_customer_hears_of_the_drop_in_words() -> None:
    viewer = Interest(1, events=[view(NOW - days(5)), view(NOW - days(3)), view(NOW - days(2))])
    watcher = Interest(2, events=[view(NOW - days(9), kind="price_watch")])
    asker = Interest(3, asked=[Asked(OUTBACK.id, "sms", datetime(2026, 5, 10, 3, tzinfo=UTC))])
    firings = run([viewer, watcher, asker])
    assert [(f.rule, f.customer_id, f.vehicle_id) for f in firings] == [
        ("price_drop", 1, OUTBACK.id),
        ("price_drop", 2, OUTBACK.id),
        ("price_drop", 3, OUTBACK.id),
    ]
    head = "Price of the 2026 Outback Wilderness (S6012) dropped $1,500 to $38,995; "
    assert [f.reason for f in firings] == [
        head + "viewed 3 times, last on May 10",
        head + "watching its price since May 3",
        head + "asked about it by text on May 9",  # 21:00 in Denver
    ]
    assert {f.at for f in firings} == {NOW}
    assert firings[0].dedupe_key == f"price_drop:1:{OUTBACK.id}"


def test_all_the_interest_of_one_customer_in_one_reason() -> None:
    everything = Interest(
        4,
        events=[view(NOW - days(1)), view(NOW - days(6), kind="price_watch")],
        asked=[Asked(OUTBACK.id, "web", NOW - days(4)), Asked(FORESTER.id, "sms", NOW)],
    )
    [firing] = run([everything], PriceChange(OUTBACK, Decimal("39000"), Decimal("38499.50")))
    assert firing.reason == (
        "Price of the 2026 Outback Wilderness (S6012) dropped $500.50 to $38,499.50; "
        "watching its price since May 6; viewed once, on May 11; "
        "asked about it in web chat on May 8"
    )


def test_no_firing_without_interest_in_this_vehicle_within_the_lookback() -> None:
    elsewhere = Interest(5, events=[view(NOW - days(1), FORESTER.id)])
    searched = Interest(6, events=[view(NOW - days(1), kind="srp_search")])
    asked_other = Interest(7, asked=[Asked(FORESTER.id, "sms", NOW - days(1))])
    long_ago = Interest(8, events=[view(NOW - days(30) - timedelta(minutes=1))])
    edge = Interest(9, events=[view(NOW - days(30))])  # exactly 30 days: inclusive
    asked_long_ago = Interest(10, asked=[Asked(OUTBACK.id, "sms", NOW - days(31))])
    people = [elsewhere, searched, asked_other, long_ago, edge, asked_long_ago]
    assert [f.customer_id for f in run(people)] == [9]


def test_a_rise_an_unchanged_price_a_small_cut_or_a_disabled_rule_fire_nothing() -> None:
    viewer = [Interest(1, events=[view(NOW - days(1))])]
    up = PriceChange(OUTBACK, Decimal("38995"), Decimal("40495"))
    same = PriceChange(OUTBACK, Decimal("38995"), Decimal("38995"))
    assert run(viewer, up) == [] and run(viewer, same) == []
    at_least_500 = SignalsConfig(price_drop=PriceDrop(min_drop=500))
    assert run(viewer, PriceChange(OUTBACK, Decimal("39000"), Decimal("38501")), at_least_500) == []
    assert len(run(viewer, PriceChange(OUTBACK, Decimal("39000"), Decimal("38500")), at_least_500))
    assert run(viewer, config=SignalsConfig(price_drop=PriceDrop(enabled=False))) == []


def test_on_an_advancing_clock_interest_ages_out_of_the_lookback() -> None:
    clock = FrozenClock(NOW)
    viewer = [Interest(1, events=[view(NOW)])]
    short = SignalsConfig(price_drop=PriceDrop(lookback_days=7))
    assert len(run(viewer, config=short, now=clock.now())) == 1
    assert len(run(viewer, config=short, now=clock.advance(days(7)))) == 1
    assert run(viewer, config=short, now=clock.advance(timedelta(minutes=1))) == []
