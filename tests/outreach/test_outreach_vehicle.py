"""The vehicle an outreach text is about, on both backends: a price-drop campaign is about
each customer's latest dropped vehicle, its text filled in when it goes out (the price then,
not at the start); a vehicle sold by then is not offered; and the texts sent outside the
assistant since it last wrote are read back, with the vehicle while it is in stock."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import alerts, conversations, messages, outbox, outreach, vehicles
from crm_store.alerts import NewAlert
from crm_store.db import Store
from crm_store.models import Vehicle
from crm_store.outreach import AttemptReason, AttemptStatus, CampaignKind
from crm_store.records import VehicleRecord
from crm_store.types import Author, Channel, Consent, Direction, VehicleStatus
from signals.outreach_campaign import start_campaign
from signals.outreach_config import OutreachConfig
from tests.outreach.world import World, local, make_world

CONFIG = OutreachConfig(throttle_seconds=1, cap_count=5)


def _car(world: World, stock: str, price: str, status: VehicleStatus) -> VehicleRecord:
    with world.store.unit_of_work() as uow:
        civic = vehicles.get_vehicle(uow, dealership_id=world.dealer.id, stock="U2101")
        fields = {k: getattr(civic, k) for k in ("year", "make", "condition", "body", "color")}
        return vehicles.upsert_vehicle(
            uow,
            dealership_id=world.dealer.id,
            stock=stock,
            vin=f"5FNYF8H5{stock}".ljust(17, "0")[:17],
            model="Pilot",
            trim="EX-L",
            mileage=1200,
            price=Decimal(price),
            status=status,
            features=[],
            **fields,
        )


def _alert(world: World, customer_id: int, vehicle_id: int, days_ago: int) -> None:
    with world.store.unit_of_work() as uow:
        at = uow.now() - timedelta(days=days_ago)
        alerts.create_alert(
            uow,
            dealership_id=world.dealer.id,
            alert=NewAlert(customer_id, vehicle_id, "price_drop", "dropped", f"k{at}", at),
        )


def test_each_text_names_the_latest_dropped_vehicle_at_its_price_when_sent(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(10, 0))
    world = make_world(store, clock, CONFIG)
    pilot = _car(world, "P9001", "41500", VehicleStatus.AVAILABLE)
    gone = _car(world, "P9002", "39900", VehicleStatus.SOLD)
    dana, eli = world.shoppers({"+18052000001": Consent.GRANTED, "+18052000002": Consent.GRANTED})
    with store.unit_of_work() as uow:
        civic = vehicles.get_vehicle(uow, dealership_id=world.dealer.id, stock="U2101")
    _alert(world, dana, pilot.id, days_ago=3)
    _alert(world, dana, civic.id, days_ago=1)  # Dana's latest: the Civic
    _alert(world, eli, gone.id, days_ago=1)  # Eli's was sold since
    with store.unit_of_work() as uow:
        started = start_campaign(
            uow,
            dealer=world.dealer,
            kind=CampaignKind.PRICE_DROP,
            created_by="manager",
            config=CONFIG,
            message="Hi {first_name}, {stock}: the {vehicle} is {price} at {dealership}.",
        )
        # the price changes again before the text goes: the text says the price then
        vehicles.set_listing(uow, vehicle_id=civic.id, price=Decimal("22499.50"))
        attempts = {
            a.customer_id: a for a in outreach.list_attempts(uow, campaign_id=started.campaign.id)
        }
    assert (attempts[dana].vehicle_id, attempts[dana].status) == (civic.id, AttemptStatus.QUEUED)
    assert (attempts[eli].vehicle_id, attempts[eli].reason) == (
        gone.id,
        AttemptReason.VEHICLE_GONE,
    )
    assert started.suppressed == {AttemptReason.VEHICLE_GONE: 1}
    world.deliver()
    [(to, body)] = world.sent()
    assert to == "+18052000001"
    assert body.startswith(
        "Hi there, U2101: the 2021 Honda Civic EX is $22,499.50 at Harbor Point Honda.\n"
    )


def test_a_vehicle_sold_or_deleted_before_the_send_is_not_offered(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(10, 0))
    world = make_world(store, clock, CONFIG)
    sold = _car(world, "P9003", "41500", VehicleStatus.AVAILABLE)
    deleted = _car(world, "P9004", "40500", VehicleStatus.AVAILABLE)
    ann, bo = world.shoppers({"+18052000003": Consent.GRANTED, "+18052000004": Consent.GRANTED})
    _alert(world, ann, sold.id, days_ago=1)
    _alert(world, bo, deleted.id, days_ago=1)
    with store.unit_of_work() as uow:
        started = start_campaign(
            uow, dealer=world.dealer, kind=CampaignKind.PRICE_DROP, created_by="m", config=CONFIG
        )
        vehicles.set_vehicle_status(uow, vehicle_id=sold.id, status=VehicleStatus.SOLD)
        uow.session.execute(sa.delete(Vehicle).where(Vehicle.id == deleted.id))
    clock.advance(timedelta(minutes=1))  # both sends due
    world.deliver()
    assert world.sent() == []
    with store.reading() as uow:
        found = outreach.list_attempts(uow, campaign_id=started.campaign.id)
        assert outbox.total(uow) == 0
    assert [(a.status, a.reason) for a in found] == [
        (AttemptStatus.SUPPRESSED, AttemptReason.VEHICLE_GONE)
    ] * 2


def test_what_was_sent_since_the_assistant_wrote_is_read_back(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(10, 0))
    world = make_world(store, clock, CONFIG)
    [cid] = world.shoppers({"+18052000005": Consent.GRANTED})
    with store.unit_of_work() as uow:
        civic = vehicles.get_vehicle(uow, dealership_id=world.dealer.id, stock="U2101")
        convo, _ = conversations.open_conversation(
            uow, dealership_id=world.dealer.id, customer_id=cid, channel=Channel.SMS
        )

        def say(author: Author, body: str) -> int:
            direction = Direction.INBOUND if author is Author.SHOPPER else Direction.OUTBOUND
            return messages.record_message(
                uow, conversation_id=convo.id, direction=direction, author=author, body=body
            ).message.id

        say(Author.STAFF, "before the assistant's last reply")
        say(Author.ASSISTANT, "the assistant")
        staff_said = say(Author.STAFF, "staff, after it")
        say(Author.SHOPPER, "the shopper")
        campaign = outreach.create_campaign(
            uow,
            dealership_id=world.dealer.id,
            kind=CampaignKind.PRICE_DROP,
            name="drop",
            template="t",
            created_by="m",
        )
        attempt = outreach.add_attempt(
            uow,
            campaign_id=campaign.id,
            dealership_id=world.dealer.id,
            customer_id=cid,
            send_at=uow.now(),
            vehicle_id=civic.id,
        )
        texted = say(Author.SYSTEM, "the outreach text")
        outreach.mark_sent(uow, attempt_id=attempt.id, message_id=texted, conversation_id=convo.id)
    with store.reading() as uow:
        found = outreach.sent_meanwhile(uow, conversation_id=convo.id)
        [last] = outreach.sent_meanwhile(uow, conversation_id=convo.id, limit=1)
    assert [(m.message_id, m.author, m.outreach, m.stock) for m in found] == [
        (staff_said, Author.STAFF, False, None),
        (texted, Author.SYSTEM, True, "U2101"),
    ]
    assert last == found[-1]  # the latest ones, when bounded
    with store.unit_of_work() as uow:
        vehicles.set_vehicle_status(uow, vehicle_id=civic.id, status=VehicleStatus.SOLD)
    with store.reading() as uow:
        [*_, sold] = outreach.sent_meanwhile(uow, conversation_id=convo.id)
    assert sold == replace(found[-1], stock=None)  # still the text, no longer its vehicle
    with store.unit_of_work() as uow:
        say(Author.ASSISTANT, "answered")
    with store.reading() as uow:
        assert outreach.sent_meanwhile(uow, conversation_id=convo.id) == []
