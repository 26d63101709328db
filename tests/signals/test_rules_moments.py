"""The trade-in, return-visit and service-equity rules on an advancing clock (pure)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from signals.config import ReturnVisit, ServiceEquity, SignalsConfig, TradeInFinished
from signals.facts import Asked, LastMessage
from tests.signals.rules_feed import CUSTOMER, OUTBACK, START, Feed, hours

QUIET = LastMessage(at=START, channel="sms")


@pytest.mark.parametrize(
    "finished",
    [{"completed": True}, {"step": "completed"}, {"flow_outcome": "End"}, {"step": "finished"}],
)
def test_a_finished_trade_in_calculator_alerts(finished: dict[str, Any]) -> None:
    feed = Feed()
    [alert] = feed.send(
        "trade_in_calculator", after=hours(1), late=timedelta(minutes=3), **finished
    )
    assert alert.rule == "trade_in_finished" and alert.vehicle_id == OUTBACK.id
    assert alert.reason == (
        "Finished the trade-in calculator 3 min ago, looking at the 2026 Outback Wilderness (S6012)"
    )


def test_steps_of_the_calculator_before_the_end_do_not_alert() -> None:
    feed = Feed()
    assert feed.send("trade_in_calculator", step="started") == []
    assert feed.send("trade_in_calculator", completed="yes") == []
    assert feed.send("trade_in_calculator", after=hours(1)) == []
    [alert] = feed.send("trade_in_calculator", None, after=hours(1), completed=True)
    assert alert.vehicle_id is None and alert.dedupe_key == f"trade_in_finished:{CUSTOMER}:-"
    assert alert.reason == "Finished the trade-in calculator just now"
    assert feed.send("trade_in_calculator", None, after=hours(2), completed=True) == []  # deduped


def test_trade_in_rule_disabled_and_made_urgent() -> None:
    off = Feed(config=SignalsConfig(trade_in_finished=TradeInFinished(enabled=False)))
    assert off.send("trade_in_calculator", completed=True) == []
    urgent = Feed(config=SignalsConfig(trade_in_finished=TradeInFinished(urgent=True)))
    [alert] = urgent.send("trade_in_calculator", completed=True)
    assert alert.urgent is True


def test_the_trade_in_reason_adds_the_question_about_that_vehicle() -> None:
    feed = Feed()
    feed.asked.append(Asked(OUTBACK.id, "web", START - timedelta(days=2)))
    [alert] = feed.send("trade_in_calculator", completed=True)
    assert alert.reason.endswith("(S6012); asked about it in web chat on May 10")


def test_back_on_the_site_after_the_conversation_went_quiet() -> None:
    feed = Feed(last_message=QUIET)
    assert feed.send(after=hours(47, 59)) == []  # not quiet yet
    assert feed.send("srp_search", None, after=timedelta(minutes=1)) != []  # 48:00: quiet
    assert feed.fired[0].rule == "return_visit"
    assert feed.fired[0].reason == (
        "Back on the site just now, searching the inventory; "
        "last message by text 2 days before, on May 12"
    )
    # only the first return since the conversation went quiet
    assert feed.send(after=hours(30)) == []


def test_the_first_return_is_only_the_one_after_quiet_and_within_the_days() -> None:
    quiet_at = hours(48)
    feed = Feed(last_message=QUIET)
    [alert] = feed.send(after=quiet_at + timedelta(days=14))  # the last day counts
    assert alert.vehicle_id is None and alert.dedupe_key == f"return_visit:{CUSTOMER}:-"
    assert alert.reason == (
        "Back on the site just now, viewing the 2026 Outback Wilderness (S6012); "
        "last message by text 16 days before, on May 12"
    )
    late = Feed(last_message=QUIET)
    assert late.send(after=quiet_at + timedelta(days=14, minutes=1)) == []


def test_a_conversation_still_going_or_none_and_other_kinds_of_events_are_no_return() -> None:
    feed = Feed(last_message=QUIET)
    assert feed.send("chat_started", None, after=hours(50)) == []
    assert feed.send("service_visit", None) == []
    assert feed.send("asc_cta_interaction", None) == []
    [alert] = feed.send("payment_calculator", None)
    assert "on the payment calculator" in alert.reason
    nobody = Feed()
    assert nobody.send(after=hours(60)) == []
    resumed = Feed(last_message=QUIET)
    resumed.clock.advance(hours(60))
    resumed.last_message = LastMessage(at=resumed.clock.now(), channel="web")
    assert resumed.send(after=hours(1)) == []


def test_return_visit_tuned_and_disabled() -> None:
    tuned = SignalsConfig(return_visit=ReturnVisit(quiet_hours=4, within_days=1))
    feed = Feed(config=tuned, last_message=QUIET)
    [alert] = feed.send("price_watch", after=hours(4))
    assert alert.reason.startswith(
        "Back on the site just now, watching the price of the 2026 Outback Wilderness (S6012); "
        "last message by text 4 h before"
    )
    off = Feed(config=SignalsConfig(return_visit=ReturnVisit(enabled=False)), last_message=QUIET)
    assert off.send(after=hours(50)) == []


@pytest.mark.parametrize(("flag", "alerts"), [(True, 1), (False, 0), (None, 0)])
def test_service_visit_with_the_equity_flag(flag: bool | None, alerts: int) -> None:
    feed = Feed(equity=flag)
    fired = feed.send("service_visit", None, after=hours(1))
    assert len(fired) == alerts
    if fired:
        assert fired[0].rule == "service_equity"
        assert fired[0].reason == "A customer with an equity flag is in service at 10:00"


def test_service_equity_disabled() -> None:
    feed = Feed(config=SignalsConfig(service_equity=ServiceEquity(enabled=False)), equity=True)
    assert feed.send("service_visit", None) == []


def test_unknown_event_types_fire_nothing_whatever_their_properties() -> None:
    feed = Feed(last_message=QUIET, equity=True)
    feed.clock.advance(hours(50))
    for kind in ("asc_pageview", "newsletter_open", "trade_in", "service"):
        assert feed.send(kind, completed=True, step="completed") == []
