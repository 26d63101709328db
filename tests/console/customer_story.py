"""One customer's two days with a dealership, across channels and departments, for the
timeline tests (store, HTTP, CLI, Chromium): texts and a web chat, a staff note, five views
of one car and two of another on the same morning, an intent alert, a handoff paged to the
salesperson, a test drive booked for later and one that happened (showed), a consent change
and a service visit the next morning. Times are America/Los_Angeles (the test dealerships')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from contracts.clock import FrozenClock
from crm_store import (
    alerts,
    appointments,
    conversations,
    customers,
    handoffs,
    messages,
    notes,
    shopper_events,
)
from crm_store.alerts import NewAlert
from crm_store.db import Store
from crm_store.records import VehicleRecord
from crm_store.shopper_events import NewShopperEvent
from crm_store.types import AppointmentStatus, Author, Channel, Consent, Direction
from crm_store.uow import UnitOfWork

LOCAL = ZoneInfo("America/Los_Angeles")
PHONE = "+18055550142"
EMAIL = "dana.ruiz@example.com"


@dataclass(frozen=True)
class Story:
    customer_id: int
    sms: str  # the public ids of the customer's conversations
    web: str


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=LOCAL)


def tell(
    store: Store,
    clock: FrozenClock,
    *,
    dealer_id: int,
    rep_id: int,
    cars: tuple[VehicleRecord, VehicleRecord],
    days: int = 0,
) -> Story:
    """The story, told on `clock` (left where it was); `cars`: the one viewed five times and
    test-driven later, and the one viewed twice and test-driven on the day; with `days`, the
    same story so many days later."""
    back = clock.now()

    def on(day: int, hour: int, minute: int = 0) -> datetime:
        return at(day + days, hour, minute)

    first, second = cars

    def view(car: VehicleRecord, when: datetime) -> NewShopperEvent:
        return NewShopperEvent(type="vdp_view", at=when, customer_id=shopper.id, stock=car.stock)

    clock.set(on(5, 10))
    with store.unit_of_work() as uow:
        shopper = customers.upsert_customer(
            uow, dealership_id=dealer_id, phone=PHONE, name="Dana Ruiz", email=EMAIL
        )
        sms, _ = conversations.open_conversation(
            uow, dealership_id=dealer_id, customer_id=shopper.id, channel=Channel.SMS
        )
        _say(uow, sms.id, Author.SHOPPER, "Is the Civic still there?")
    clock.set(on(5, 10, 1))
    with store.unit_of_work() as uow:
        _say(uow, sms.id, Author.ASSISTANT, "Yes, it is on the lot today.")
        batch = [view(first, on(5, 10, m)) for m in (5, 15, 25, 35, 45)]
        batch += [view(second, on(5, 11, m)) for m in (0, 10)]
        shopper_events.record_batch(uow, dealership_id=dealer_id, events=batch)
    clock.set(on(5, 10, 30))
    with store.unit_of_work() as uow:  # a chat on the site between two views: not a break
        web, _ = conversations.open_conversation(
            uow, dealership_id=dealer_id, customer_id=shopper.id, channel=Channel.WEB
        )
        _say(uow, web.id, Author.SHOPPER, "Does it have CarPlay?")
    clock.set(on(5, 11, 20))
    with store.unit_of_work() as uow:
        notes.add_note(uow, conversation_id=sms.id, staff_id=rep_id, text="Call after 5.")
    clock.set(on(5, 11, 30))
    with store.unit_of_work() as uow:
        alerts.create_alert(
            uow,
            dealership_id=dealer_id,
            alert=NewAlert(
                customer_id=shopper.id,
                vehicle_id=first.id,
                rule="repeat_views",
                reason="5th view in 40 min",
                dedupe_key=f"repeat_views:{first.id}",
                fired_at=on(5, 11, 30),
            ),
        )
    clock.set(on(5, 11, 40))
    with store.unit_of_work() as uow:
        found = handoffs.create_handoff(
            uow,
            dealership_id=dealer_id,
            conversation_id=sms.id,
            customer_id=shopper.id,
            reasons=["purchase_intent"],
            confidence=0.9,
        )
        handoffs.page(uow, handoff_id=found.id, staff_id=rep_id, rule="owner")
    clock.set(on(5, 11, 45))
    _book(store, dealer_id, shopper.id, sms.id, rep_id, first.id, on(7, 11))
    clock.set(on(5, 11, 50))
    later = _book(store, dealer_id, shopper.id, sms.id, rep_id, second.id, on(5, 14))
    clock.set(on(5, 14, 40))
    with store.unit_of_work() as uow:
        appointments.set_status(
            uow, appointment_id=later, status=AppointmentStatus.SHOWED, staff_id=rep_id
        )
    clock.set(on(5, 18))
    with store.unit_of_work() as uow:
        customers.record_consent(
            uow, customer_id=shopper.id, state=Consent.REVOKED, source="sms_stop"
        )
    with store.unit_of_work() as uow:
        visit = NewShopperEvent(
            type="service_visit",
            at=on(6, 9),
            customer_id=shopper.id,
            properties={"ro": "R-1182", "work": "oil change", "mileage": 28900},
        )
        shopper_events.record_batch(uow, dealership_id=dealer_id, events=[visit])
    clock.set(back)
    return Story(shopper.id, sms.public_id, web.public_id)


def _say(uow: UnitOfWork, conversation_id: int, author: Author, text: str) -> None:
    inbound = author is Author.SHOPPER
    messages.record_message(
        uow,
        conversation_id=conversation_id,
        direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
        author=author,
        body=text,
    )


def _book(
    store: Store,
    dealer_id: int,
    customer_id: int,
    conversation_id: int,
    rep_id: int,
    car: int,
    starts: datetime,
) -> int:
    with store.unit_of_work() as uow:
        booked = appointments.create_appointment(
            uow,
            dealership_id=dealer_id,
            vehicle_id=car,
            customer_id=customer_id,
            staff_id=rep_id,
            conversation_id=conversation_id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            source="assistant",
        )
    return booked.id
