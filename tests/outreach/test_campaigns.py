"""Outreach campaigns end to end on the advancing clock, on SQLite and PostgreSQL: sends
leave through the outbox and the real TwilioSender, and what Twilio received is asserted,
not only our own records.

Harbor Point Honda is in Ventura, CA (America/Los_Angeles); 805 numbers are Californian,
212 New York, 312 Chicago, 800 toll free (no single zone: the dealership's).
"""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

from contracts.clock import FrozenClock
from crm_store import customers, messages, outbox, outreach
from crm_store.db import Store
from crm_store.outreach import AttemptReason, AttemptStatus, CampaignKind
from crm_store.types import Author, Consent
from nightshift.conversation import compliance
from signals.outreach_campaign import start_campaign
from signals.outreach_config import OutreachConfig
from tests.outreach.world import World, local, make_world

CONFIG = OutreachConfig()  # 1 text a second, 08:00-21:00, 1 outreach a week each


def _start(world: World, phones: list[str], config: OutreachConfig = CONFIG) -> int:
    with world.store.unit_of_work() as uow:
        started = start_campaign(
            uow,
            dealer=world.dealer,
            kind=CampaignKind.CUSTOM,
            created_by="manager",
            config=config,
            message="The 2026 Civic you asked about is back in stock.",
            phones=phones,
        )
    return started.campaign.id


def test_a_campaign_started_at_2055_sends_what_fits_and_the_rest_at_0800(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(20, 55))
    world = make_world(store, clock, CONFIG)
    phones = [f"+1805200{i:04d}" for i in range(305)]
    world.shoppers(dict.fromkeys(phones, Consent.GRANTED))
    campaign = _start(world, phones)

    clock.set(local(20, 56))
    world.deliver()
    assert len(world.sent()) == 61  # 20:55:00 .. 20:56:00, one a second
    clock.set(local(20, 59, 59))
    world.deliver()
    assert len(world.sent()) == 300
    for moment in (local(21, 0), local(23, 30), local(7, 59, 59, day=7)):
        clock.set(moment)
        world.deliver()
        assert len(world.sent()) == 300  # quiet hours: nothing more
    clock.set(local(8, 0, 4, day=7))
    world.deliver()
    sent = world.sent()
    assert sorted(to for to, _ in sent) == phones  # everyone once, the last five in the morning
    assert all("Harbor Point Honda's AI assistant" in body for _, body in sent)
    assert all(body.endswith("Reply STOP to opt out.") for _, body in sent)

    with store.reading() as uow:
        attempts = outreach.list_attempts(uow, campaign_id=campaign)
        counted = outreach.counts(uow, campaign_id=campaign)
    times = sorted(a.send_at for a in attempts if a.send_at)
    assert min(b - a for a, b in itertools.pairwise(times)) >= timedelta(seconds=1)
    assert times[299] < local(21, 0) and times[300] == local(8, 0, day=7)
    assert counted == {("sent", ""): 300, ("sent", "quiet_hours"): 5}


def test_a_customer_in_another_time_zone_gets_their_own_window(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(20, 55))  # 23:55 in New York, 22:55 in Chicago
    world = make_world(store, clock, CONFIG)
    ventura, new_york, toll_free = "+18052000001", "+12122000002", "+18002000003"
    moved_to_chicago = "+18052000004"  # a Ventura number, but the customer lives in Chicago
    for phone in (ventura, new_york, toll_free):
        world.shopper(phone, Consent.GRANTED)
    world.shopper(moved_to_chicago, Consent.GRANTED, timezone="America/Chicago")
    _start(world, [ventura, new_york, toll_free, moved_to_chicago])

    world.deliver()
    clock.advance(timedelta(seconds=5))
    world.deliver()
    assert sorted(to for to, _ in world.sent()) == sorted([ventura, toll_free])
    clock.set(local(7, 59, 59, day=7, zone="America/New_York"))
    world.deliver()
    assert len(world.sent()) == 2
    clock.set(local(8, 0, day=7, zone="America/New_York"))  # 05:00 in Ventura
    world.deliver()
    assert [to for to, _ in world.sent()][2:] == [new_york]
    clock.set(local(8, 0, day=7, zone="America/Chicago"))
    world.deliver()
    assert [to for to, _ in world.sent()][3:] == [moved_to_chicago]


def test_an_opt_out_in_plain_words_stops_every_campaign(store: Store, clock: FrozenClock) -> None:
    clock.set(local(10, 0))
    world = make_world(store, clock, OutreachConfig(cap_count=5))
    phone = "+18052000009"
    shopper_id = world.shopper(phone, Consent.GRANTED)
    first = _start(world, [phone], OutreachConfig(cap_count=5))
    world.deliver()
    assert [to for to, _ in world.sent()] == [phone]  # the first campaign reached them
    second = _start(world, [phone], OutreachConfig(cap_count=5))
    clock.advance(timedelta(minutes=1))
    third = _start(world, [phone], OutreachConfig(cap_count=5))

    # the shopper answers the first text in their own words, before the others go out
    text = "please don't text me anymore"
    assert compliance.keyword(text) == "stop"
    with store.reading() as uow:
        shopper = customers.get_customer(uow, customer_id=shopper_id)
    confirmation = compliance.apply(store, world.dealer, shopper, "stop")
    assert confirmation is not None and "unsubscribed" in confirmation

    clock.advance(timedelta(hours=1))
    world.deliver()
    assert len(world.sent()) == 1  # nothing after the opt-out, from either campaign
    with store.reading() as uow:
        for campaign in (second, third):
            [attempt] = outreach.list_attempts(uow, campaign_id=campaign)
            assert (attempt.status, attempt.reason) == (
                AttemptStatus.SUPPRESSED,
                AttemptReason.OPTED_OUT,
            )
        [sent] = outreach.list_attempts(uow, campaign_id=first)
        assert sent.status is AttemptStatus.SENT and sent.conversation_id is not None
        # the outreach is in the shopper's SMS conversation: a reply continues there
        history = messages.list_messages(uow, conversation_id=sent.conversation_id)
        assert [m.author for m in history] == [Author.SYSTEM]  # automated
        assert history[0].body.startswith("The 2026 Civic you asked about")
    # a campaign started after the opt-out suppresses them at once
    fourth = _start(world, [phone], OutreachConfig(cap_count=5))
    with store.reading() as uow:
        assert outreach.counts(uow, campaign_id=fourth) == {("suppressed", "opted_out"): 1}


def test_no_text_to_a_customer_without_consent_over_1000_customers(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(10, 0))
    world = make_world(store, clock, CONFIG)
    draw = random.Random(19)
    phones, granted, known = [], set(), {}
    for i in range(1000):
        phone = f"+1{draw.choice(['805', '212', '312'])}3{i:06d}"
        consent = draw.choice([Consent.GRANTED, Consent.UNKNOWN, Consent.REVOKED])
        if consent is not Consent.UNKNOWN or draw.random() < 0.5:  # some never seen before
            known[phone] = consent
        phones.append(phone)
        if consent is Consent.GRANTED:
            granted.add(phone)
    world.shoppers(known)
    campaign = _start(world, phones)

    clock.advance(timedelta(hours=1))  # ~340 sends at one a second: all due
    world.deliver()
    sent = [to for to, _ in world.sent()]
    assert len(sent) == len(set(sent)) == len(granted)
    assert set(sent) == granted
    with store.reading() as uow:
        assert outbox.total(uow) == len(granted)
        counted = outreach.counts(uow, campaign_id=campaign)
    assert counted[("sent", "")] == len(granted)
    assert counted[("suppressed", "no_consent")] + counted[
        ("suppressed", "opted_out")
    ] == 1000 - len(granted)


def test_a_send_the_worker_reaches_late_at_night_waits_for_the_morning(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(20, 59, 59))
    world = make_world(store, clock, CONFIG)
    phone = "+18052000010"
    world.shopper(phone, Consent.GRANTED)
    campaign = _start(world, [phone])
    clock.set(local(21, 5))  # the worker was down until after 21:00
    world.deliver()
    assert world.sent() == []
    with store.reading() as uow:
        [attempt] = outreach.list_attempts(uow, campaign_id=campaign)
    assert (attempt.status, attempt.reason) == (AttemptStatus.QUEUED, AttemptReason.QUIET_HOURS)
    assert attempt.send_at == local(8, 0, day=7)
    clock.set(local(8, 0, day=7))
    world.deliver()
    assert [to for to, _ in world.sent()] == [phone]


def test_a_campaign_is_named_by_its_kind_and_the_dealerships_time(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(20, 55))  # 04:55 UTC the next day
    world = make_world(store, clock, CONFIG)
    campaign = _start(world, ["+18052000001"])
    with store.reading() as uow:
        assert outreach.get_campaign(uow, campaign_id=campaign).name == "custom 2026-03-06 20:55"
