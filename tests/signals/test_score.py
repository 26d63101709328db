"""The lead score as a pure function: each reason in words and points, the decay on an
advancing clock, the window's edge, the cap, the order and the text a salesperson reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from contracts.clock import FrozenClock
from signals.facts import Seen
from signals.score import Drive, LeadFacts, Question, Said, Score, Weights, score

NOW = datetime(2026, 5, 12, 21, 0, tzinfo=UTC)
H = timedelta(hours=1)
DAY = timedelta(days=1)


def view(age: timedelta, stock: str = "S6012", kind: str = "vdp_view") -> Seen:
    return Seen(type=kind, at=NOW - age, stock=stock)


def reasons(found: Score) -> list[tuple[str, str, int]]:
    return [(r.code, r.words, r.points) for r in found.reasons]


def test_the_salespersons_line() -> None:
    facts = LeadFacts(
        events=[view(3 * DAY), view(2 * DAY), view(DAY), view(12 * H)],
        test_drives=[Drive(NOW + 2 * DAY, "booked")],
        said=[Said("financing", NOW - 6 * H)],
    )
    found = score(facts, NOW)

    assert found.text() == (
        "64: booked test drive (+30), 4 views of S6012 this week (+17),"
        " financing asked (+9), last active 6 h ago (+8)"
    )
    assert found.value == 64 == sum(r.points for r in found.reasons)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (LeadFacts(test_drives=[Drive(NOW + 5 * DAY, "confirmed")]), "booked test drive"),
        (LeadFacts(test_drives=[Drive(NOW, "showed")]), "came in for a test drive"),
        (LeadFacts(said=[Said("purchase_intent", NOW)]), "ready to buy"),
        (LeadFacts(said=[Said("trade_in", NOW)]), "trade-in mentioned"),
        (LeadFacts(said=[Said("budget", NOW)]), "budget given"),
        (LeadFacts(events=[view(0 * H, kind="price_watch")]), "watching the price of S6012"),
        (LeadFacts(events=[view(0 * H, kind="trade_in_calculator")]), "used the trade-in calc"),
        (LeadFacts(events=[view(0 * H, kind="payment_calculator")]), "used the payment calc"),
        (LeadFacts(events=[view(0 * H, kind="form_submission")]), "sent a form on the website"),
        (LeadFacts(events=[view(0 * H, kind="srp_search")]), "searched the inventory"),
        (LeadFacts(questions=[Question("S6012", "sms", NOW)]), "asked about S6012 by text"),
        (LeadFacts(last_activity=NOW - 2 * H), "last active 2 h ago"),
    ],
)
def test_each_reason_in_words(facts: LeadFacts, expected: str) -> None:
    found = score(facts, NOW)

    assert any(r.words.startswith(expected) for r in found.reasons), found.text()


def test_fresh_points_are_the_weights() -> None:
    facts = LeadFacts(
        events=[view(0 * H, kind="form_submission")],
        said=[Said("purchase_intent", NOW), Said("trade_in", NOW), Said("budget", NOW)],
        questions=[Question("N3302", "web", NOW)],
    )

    assert reasons(score(facts, NOW)) == [
        ("purchase_intent", "ready to buy", 25),
        ("form_submission", "sent a form on the website", 12),
        ("recency", "last active just now", 10),
        ("trade_in", "trade-in mentioned", 10),
        ("asked_about", "asked about N3302 in web chat", 8),
        ("budget", "budget given", 8),
    ]


def test_every_signal_halves_every_three_days_on_an_advancing_clock() -> None:
    clock = FrozenClock(NOW)
    facts = LeadFacts(said=[Said("financing", NOW), Said("purchase_intent", NOW)])
    seen = []
    for _ in range(4):
        found = score(facts, clock.now())
        seen.append({r.code: r.points for r in found.reasons if r.code != "recency"})
        clock.advance(timedelta(hours=72))

    assert seen == [
        {"purchase_intent": 25, "financing": 10},
        {"purchase_intent": 12, "financing": 5},  # 12.5 rounds to even
        {"purchase_intent": 6, "financing": 2},
        {"purchase_intent": 3, "financing": 1},
    ]
    clock.advance(timedelta(days=30))
    assert score(facts, clock.now()).text() == "0: no signals"


def test_recency_halves_every_day() -> None:
    facts = LeadFacts(last_activity=NOW)

    assert [score(facts, NOW + n * DAY).reasons[0].points for n in range(3)] == [10, 5, 2]


def test_a_standing_test_drive_does_not_fade_until_it_starts() -> None:
    booked_for = NOW + 6 * DAY
    drive = LeadFacts(test_drives=[Drive(booked_for, "booked")])

    assert score(drive, NOW).value == 30
    assert score(drive, booked_for).value == 30
    assert score(drive, booked_for + 3 * DAY).value == 15  # nobody marked it: it fades
    missed = LeadFacts(test_drives=[Drive(NOW - 3 * DAY, "no_show")])
    assert reasons(score(missed, NOW)) == [("test_drive_missed", "missed a test drive", -5)]
    assert score(missed, NOW).value == 0  # never below 0


def test_views_add_up_per_vehicle_and_are_capped() -> None:
    facts = LeadFacts(
        events=[*(view(n * H) for n in range(10)), view(8 * DAY, stock="N3302")],
        last_activity=NOW - 30 * DAY,
    )
    found = reasons(score(facts, NOW))

    assert ("vdp_view", "10 views of S6012 in the last 24 h", 24) in found
    assert ("vdp_view", "1 view of N3302 in the last 9 days", 1) in found


def test_the_window_edge() -> None:
    w = Weights(purchase_intent=100, half_life_hours=24 * 365)  # 30 days: still 94
    inside = LeadFacts(said=[Said("purchase_intent", NOW - w.window)])
    outside = LeadFacts(said=[Said("purchase_intent", NOW - w.window - timedelta(minutes=1))])
    later = LeadFacts(said=[Said("purchase_intent", NOW + H)])  # not yet, at NOW

    assert reasons(score(inside, NOW, w))[0] == ("purchase_intent", "ready to buy", 94)
    assert score(outside, NOW, w).reasons == []
    assert score(later, NOW, w).reasons == []


def test_capped_at_100_and_sorted_by_points() -> None:
    facts = LeadFacts(
        events=[view(0 * H)] * 5 + [view(0 * H, kind="form_submission")],
        test_drives=[Drive(NOW + DAY, "booked"), Drive(NOW - 3 * DAY, "no_show")],
        said=[Said("purchase_intent", NOW), Said("financing", NOW), Said("trade_in", NOW)],
    )
    found = score(facts, NOW)
    points = [r.points for r in found.reasons]

    assert found.value == 100 and sum(points) > 100
    assert points == sorted(points, reverse=True) and points[-1] == -5
    assert found.text().startswith("100: booked test drive (+30), ready to buy (+25),")


def test_the_latest_mention_counts_once() -> None:
    facts = LeadFacts(said=[Said("financing", NOW - 6 * DAY), Said("financing", NOW)])

    assert [r.points for r in score(facts, NOW).reasons if r.code == "financing"] == [10]


def test_weights_are_a_frozen_config_with_checked_values() -> None:
    facts = LeadFacts(said=[Said("financing", NOW)])

    assert score(facts, NOW, Weights(financing=20, recency=0)).text() == "20: financing asked (+20)"
    with pytest.raises(ValidationError, match="financing"):
        Weights(financing=500)
    with pytest.raises(ValidationError, match="half_life_hours"):
        Weights(half_life_hours=0)
    with pytest.raises(ValidationError):
        Weights().financing = 1  # type: ignore[misc]
