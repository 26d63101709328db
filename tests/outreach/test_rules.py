"""The outreach rules alone (no database): consent, the recipient's time zone and window,
the next allowed moment, the cap, the throttle and the disclosure."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from crm_store.outreach import AttemptReason, CampaignKind
from crm_store.records import VehicleRecord
from crm_store.types import Condition, Consent, VehicleStatus
from signals.outreach import (
    SendSchedule,
    about_vehicle,
    barred,
    next_allowed,
    over_cap,
    recipient_zone,
    render,
    template_fields,
    with_disclosure,
)
from signals.outreach_config import OutreachConfig
from signals.sms_segments import segments

LA = "America/Los_Angeles"
NY = "America/New_York"
CONFIG = OutreachConfig()


def at(zone: str, hour: int, minute: int = 0, second: int = 0, day: int = 6) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=ZoneInfo(zone))


def test_only_granted_consent_may_be_texted() -> None:
    assert barred(consent=Consent.GRANTED, phone="+18055550142") is None
    assert barred(consent=Consent.UNKNOWN, phone="+18055550142") is AttemptReason.NO_CONSENT
    assert barred(consent=Consent.REVOKED, phone="+18055550142") is AttemptReason.OPTED_OUT
    assert barred(consent=Consent.GRANTED, phone=None) is AttemptReason.NO_PHONE


def test_the_zone_is_the_customers_else_the_area_codes_else_the_dealerships() -> None:
    assert recipient_zone("America/Chicago", "+12125550100", LA) == "America/Chicago"
    assert recipient_zone(None, "+12125550100", LA) == NY  # 212: New York
    assert recipient_zone(None, "+18005550100", NY) == NY  # toll free: no single zone
    assert recipient_zone("Not/AZone", "+13125550100", LA) == "America/Chicago"
    assert recipient_zone(None, None, LA) == LA


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (at(NY, 7, 59, 59), at(NY, 8)),  # before 08:00: at 08:00 the same day
        (at(NY, 8), at(NY, 8)),
        (at(NY, 20, 59, 59), at(NY, 20, 59, 59)),
        (at(NY, 21), at(NY, 8, day=7)),  # at 21:00 it is already quiet: next morning
        (at(NY, 23, 30), at(NY, 8, day=7)),
    ],
)
def test_the_window_is_08_to_21_in_the_recipients_time(local: datetime, expected: datetime) -> None:
    assert next_allowed(local, NY, CONFIG) == expected


def test_the_window_crosses_a_dst_change_in_local_time() -> None:
    # 2026-03-08: clocks go forward in the US; the morning is still 08:00 local
    assert next_allowed(at(LA, 22, day=7), LA, CONFIG) == at(LA, 8, day=8)


def test_a_window_outside_the_legal_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="window_start/window_end"):
        OutreachConfig(window_start=time(7), window_end=time(20))
    with pytest.raises(ValidationError, match="window_start/window_end"):
        OutreachConfig(window_end=time(21, 30))


def test_the_cap_counts_outreach_across_campaigns_in_its_days() -> None:
    now = at(LA, 10)
    config = OutreachConfig(cap_count=2, cap_days=7)
    assert not over_cap([now - timedelta(days=2)], now, config)
    assert over_cap([now - timedelta(days=2), now - timedelta(days=6)], now, config)
    assert not over_cap([now - timedelta(days=2), now - timedelta(days=8)], now, config)


def test_the_disclosure_says_who_and_that_it_is_automated() -> None:
    text = with_disclosure("Your lease ends soon.", dealership="Harbor Point Honda", config=CONFIG)
    assert text.startswith("Your lease ends soon.\n")
    assert "Nightshift, Harbor Point Honda's AI assistant (automated)" in text
    assert text.endswith("Reply STOP to opt out.")


def test_sends_are_spaced_by_the_throttle_and_kept_inside_each_window() -> None:
    schedule = SendSchedule([], OutreachConfig(throttle_seconds=1))
    start = at(LA, 20, 59, 58)
    slots = [schedule.place(start, LA) for _ in range(4)]
    assert [s.at for s in slots] == [
        at(LA, 20, 59, 58),
        at(LA, 20, 59, 59),
        at(LA, 8, day=7),  # 21:00 is quiet
        at(LA, 8, 0, 1, day=7),
    ]
    assert [s.deferred for s in slots] == [False, False, True, True]
    # a New Yorker at the same moment waits for their own morning, between the others
    ny = schedule.place(start, NY)
    assert ny.at == at(NY, 8, day=7) and ny.deferred


def test_times_already_taken_by_another_campaign_are_kept_free() -> None:
    start = at(LA, 10)
    schedule = SendSchedule([start, start + timedelta(seconds=1)], OutreachConfig())
    assert schedule.place(start, LA).at == start + timedelta(seconds=2)


def test_a_longer_text_holds_the_number_for_each_of_its_segments() -> None:
    schedule = SendSchedule([], OutreachConfig(throttle_seconds=1))
    start = at(LA, 10)
    two = schedule.place(start, LA, segments=2)  # 10:00:00, holds the number 2 s
    one = schedule.place(start, LA)
    three = schedule.place(start, LA, segments=3)
    after = schedule.place(start, LA)
    assert [s.at for s in (two, one, three, after)] == [
        start,
        start + timedelta(seconds=2),
        start + timedelta(seconds=3),
        start + timedelta(seconds=6),
    ]


def test_segments_are_counted_as_carriers_count_them() -> None:
    assert [segments("a" * n) for n in (1, 160, 161, 306, 307)] == [1, 1, 2, 2, 3]
    assert segments("[" * 80) == 1 and segments("[" * 81) == 2  # GSM extension: two each
    assert segments("é" * 160) == 1  # in the GSM basic set
    assert segments("\u2019" * 70) == 1 and segments("\u2019" * 71) == 2  # a curly quote: UCS-2
    assert segments("\U0001f697" * 35) == 1 and segments("\U0001f697" * 36) == 2  # emoji: two units
    disclosed = with_disclosure(
        "Good news from Harbor Point Honda: the 2026 Honda Civic LX you looked at is now "
        "$24,895. Want to take a look?",
        dealership="Harbor Point Honda",
        config=CONFIG,
    )
    assert segments(disclosed) == 2  # the disclosure makes most outreach texts two


def test_a_template_is_filled_per_recipient_from_the_store() -> None:
    car = VehicleRecord(
        1, 1, "N26101", "1HGCY1F30TA000001", 2026, "Honda", "Civic", "LX",
        Condition.NEW, "sedan", "white", 5, Decimal("24895"), VehicleStatus.AVAILABLE, (),
    )  # fmt: skip
    text = "Hi {first_name}: the {vehicle} ({stock}) is {price} at {dealership} {{today}}"
    assert template_fields(text) == {"first_name", "vehicle", "stock", "price", "dealership"}
    filled = render(text, dealership="Harbor Point Honda", name="Dana Reyes", vehicle=car)
    assert filled == (
        "Hi Dana: the 2026 Honda Civic LX (N26101) is $24,895 at Harbor Point Honda {today}"
    )
    assert render("Hi {first_name}", dealership="H", name=None, vehicle=None) == "Hi there"
    # saved before fields were checked: sent as written, never a failing job
    assert render("Use code {SPRING}", dealership="H", name=None, vehicle=None) == (
        "Use code {SPRING}"
    )
    for bad, named in (("{price:.2f}", "{price:.2f}"), ("{vehicle!r}", "{vehicle!r}")):
        with pytest.raises(ValueError, match=re.escape(named)):
            template_fields(bad)
    with pytest.raises(ValueError, match="unpaired"):
        template_fields("50% off {")
    assert about_vehicle(CampaignKind.NO_SHOW, "{dealership}: we missed you") is False
    assert about_vehicle(CampaignKind.NO_SHOW, "the {vehicle} awaits") is True
    assert about_vehicle(CampaignKind.PRICE_DROP, "a car you liked is cheaper") is True
