"""An outreach text the shopper answers is part of the conversation, in the real runtime:
a price drop fires an alert, the campaign's text names the vehicle and the store's price, and
the shopper's answer ("yes", "is it still there?") is answered about that vehicle; a vehicle
sold before the text goes is not offered; after a staff takeover, the staff's texts are in
the assistant's history when it takes the conversation back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableConfig

from agent.guardrails import GuardContext, check_reply
from channels.twilio import TwilioSender
from contracts.clock import FrozenClock
from crm_store import (
    appointments,
    conversations,
    customers,
    dealerships,
    handoffs,
    outreach,
    staff,
    vehicle_interest,
    vehicles,
)
from crm_store.outreach import AttemptReason, AttemptStatus, CampaignKind
from crm_store.records import DealershipRecord
from crm_store.types import Author, Channel, Consent, VehicleStatus
from handoff import takeover
from handoff.staff_messages import send_to_shopper
from nightshift.jobs.delivery import Dispatcher
from nightshift.runtime import Runtime
from signals.outreach_campaign import start_campaign
from signals.outreach_config import OutreachConfig
from signals.price_changes import price_changed
from tests.channels.conftest_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    DEALER_PHONE,
    SHOPPER,
    SLUG,
    SMS_PATH,
    SyncInbox,
    build_app,
    signed_post,
    sms_form,
    transcript,
)
from tests.outreach.world import EchoTwilio, local

CIVIC = "N26101"  # the demo's 2026 Civic LX, $25,895
DROPPED = Decimal("24895")


class Shop:
    """The demo dealership's runtime, its webhook, and Twilio faked at the SDK's seam."""

    def __init__(
        self, runtime: Runtime, client: TestClient, dealer: DealershipRecord, shopper_id: int
    ) -> None:
        self.runtime, self.client, self.dealer, self.shopper_id = (
            runtime,
            client,
            dealer,
            shopper_id,
        )
        self.twilio = EchoTwilio()
        sender = TwilioSender(
            ACCOUNT_SID, AUTH_TOKEN, from_number=DEALER_PHONE, http_client=self.twilio
        )
        self.dispatcher = Dispatcher(runtime.store, {Channel.SMS: sender}, runtime.store.clock)

    def deliver(self) -> list[str]:
        """Run what is due and hand the outbox to Twilio: the bodies it received since."""
        before = len(self.twilio.requests)
        self.runtime.jobs.run_due()
        while self.dispatcher.run_once():
            pass
        return [str(r.data["Body"]) for r in self.twilio.requests[before:]]

    def text(self, body: str, sid: str) -> list[str]:
        """The shopper texts `body`: what Twilio is then asked to send them."""
        assert signed_post(self.client, SMS_PATH, sms_form(body, sid)).status_code == 200
        return self.deliver()

    def campaign(self, **extra: object) -> int:
        with self.runtime.store.unit_of_work() as uow:
            started = start_campaign(
                uow,
                dealer=self.dealer,
                kind=CampaignKind.PRICE_DROP,
                created_by="manager",
                config=OutreachConfig(cap_count=5),
                **extra,  # type: ignore[arg-type]
            )
        return started.campaign.id

    def attempt(self, campaign: int) -> outreach.AttemptRecord:
        with self.runtime.store.reading() as uow:
            [found] = outreach.list_attempts(uow, campaign_id=campaign)
        return found


@pytest.fixture
def shop(runtime: Runtime, clock: FrozenClock) -> Iterator[Shop]:
    """Monday morning: the shopper (consent given) asked about the Civic LX by text two days
    ago; its price has just dropped $1,000, which fired their price-drop alert."""
    clock.set(local(10, 0, day=9))
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        shopper, _ = customers.get_or_create_by_phone(
            uow, dealership_id=dealer.id, phone=SHOPPER, source="showroom"
        )
        customers.record_consent(
            uow, customer_id=shopper.id, state=Consent.GRANTED, source="showroom_form"
        )
        vehicle_interest.record_asked(
            uow, dealership_id=dealer.id, customer_id=shopper.id, stocks=[CIVIC], channel="sms"
        )
        car = vehicles.get_vehicle(uow, dealership_id=dealer.id, stock=CIVIC)
        cheaper = vehicles.set_listing(uow, vehicle_id=car.id, price=DROPPED)
        assert [a.customer_id for a in price_changed(uow, vehicle=cheaper, old=car.price)] == [
            shopper.id
        ]
    with TestClient(build_app(runtime, inbox=SyncInbox(runtime.pipeline))) as client:
        yield Shop(runtime, client, dealer, shopper.id)


def test_the_price_drop_text_names_the_vehicle_and_the_stores_price(shop: Shop) -> None:
    campaign = shop.campaign()
    [text] = shop.deliver()
    assert text.startswith(
        "Good news from Harbor Point Honda: the 2026 Honda Civic LX you looked at is now "
        "$24,895. Want to take a look?"
    )
    assert text.endswith("(automated). Reply STOP to opt out.")  # the disclosure
    prices = frozenset({DROPPED})  # the inventory's price: no offer, discount or promise
    assert check_reply(text, GuardContext(allowed_amounts=prices)).violations == ()
    with shop.runtime.store.reading() as uow:
        car = vehicles.get_vehicle(uow, dealership_id=shop.dealer.id, stock=CIVIC)
        said = transcript(shop.runtime)
    attempt = shop.attempt(campaign)
    assert (attempt.status, attempt.vehicle_id) == (AttemptStatus.SENT, car.id)
    assert [(m.author, m.body) for m in said] == [(Author.SYSTEM, text)]  # automated


# Answers to "Want to take a look?" not looked at while the engine was checked (those were
# "is it still available?", "what's the price now?", "yes", "can I come see it saturday?").
ASKS = ["Is it still on the lot?", "how much is it going for now", "what are you asking for it"]
TAKES_UP = ["Yep!", "sounds good", "could I swing by thursday to look at it", "sure thing"]


@pytest.mark.parametrize("said", ASKS + TAKES_UP)
def test_the_shoppers_answer_is_about_the_vehicle_of_the_text(shop: Shop, said: str) -> None:
    shop.campaign()
    shop.deliver()
    [reply] = shop.text(said, "SM901")
    assert "2026 Honda Civic LX" in reply, reply  # that vehicle, without naming it back
    assert "automated assistant" not in reply, reply  # the outreach text said so already
    if said in ASKS:  # its availability and the store's price, now
        assert "$24,895" in reply and "$25,895" not in reply, reply
    else:  # taken up: times to come and see it
        assert re.search(r"\d:\d\d [AP]M", reply), reply


def test_a_vehicle_sold_before_the_text_goes_is_not_offered(shop: Shop) -> None:
    campaign = shop.campaign()
    with shop.runtime.store.unit_of_work() as uow:
        car = vehicles.get_vehicle(uow, dealership_id=shop.dealer.id, stock=CIVIC)
        vehicles.set_vehicle_status(uow, vehicle_id=car.id, status=VehicleStatus.SOLD)
    assert shop.deliver() == []  # nothing texted
    attempt = shop.attempt(campaign)
    assert (attempt.status, attempt.reason) == (
        AttemptStatus.SUPPRESSED,
        AttemptReason.VEHICLE_GONE,
    )
    again = shop.campaign(name="again")  # and sold when the campaign starts: not queued
    assert (shop.attempt(again).status, shop.attempt(again).reason) == (
        AttemptStatus.SUPPRESSED,
        AttemptReason.VEHICLE_GONE,
    )


def test_an_unknown_placeholder_is_refused_naming_it(shop: Shop) -> None:
    with pytest.raises(ValueError, match=r"unknown placeholder \{model\}"):
        shop.campaign(message="Hi {first_name}, the {model} is now {price}")
    no_vehicle = r"\{price\}: a custom campaign has no vehicle"
    with pytest.raises(ValueError, match=no_vehicle), shop.runtime.store.unit_of_work() as uow:
        start_campaign(
            uow,
            dealer=shop.dealer,
            kind=CampaignKind.CUSTOM,
            created_by="manager",
            message="Now {price}!",
            phones=[SHOPPER],
        )
    with shop.runtime.store.reading() as uow:
        assert outreach.counts(uow, campaign_id=1) == {}  # no campaign was started


def test_the_staffs_texts_are_in_the_assistants_history_after_a_hand_back(shop: Shop) -> None:
    shop.text("can I talk to a real person please", "SM910")
    words = "Sam here: the Civic LX can do a 3pm drive Tuesday, just ask the assistant to book"
    with shop.runtime.store.unit_of_work() as uow:
        [convo] = conversations.list_conversations(uow, customer_id=shop.shopper_id)
        live = handoffs.live_for_conversation(uow, conversation_id=convo.id)
        assert live is not None
        member = staff.list_staff(uow, dealership_id=shop.dealer.id)[0]
        takeover.take_over(uow, handoff_id=live.id, member=member, notice=lambda h, d: "Sam here.")
        sent = send_to_shopper(uow, convo.id, words, Author.STAFF, member.id)
        takeover.give_back(uow, handoff_id=live.id, member=member, notice=lambda h, d: "Back.")
    assert sent is not None
    shop.text("ok thanks", "SM911")
    config: RunnableConfig = {"configurable": {"thread_id": str(convo.id)}}
    history = shop.runtime.graph.get_state(config).values["messages"]
    staff_said = [m for m in history if m.id == f"ctx-{sent.id}"]
    assert [(type(m), m.content) for m in staff_said] == [(AIMessage, words)]
    said = [m.content for m in history]
    asked = said.index("ok thanks")
    assert said[asked - 3 : asked] == ["Sam here.", words, "Back."], said
    shop.text("and is it still there?", "SM912")  # answered: not added again
    again = shop.runtime.graph.get_state(config).values["messages"]
    assert [m.id for m in again].count(f"ctx-{sent.id}") == 1


def test_from_the_text_to_a_booked_test_drive_in_the_shoppers_words(shop: Shop) -> None:
    """Four turns as a shopper texts, none of them naming the car: the price, a day, a time."""
    shop.campaign()
    shop.deliver()
    [price] = shop.text("how much is it now", "SM911")
    assert "2026 Honda Civic LX" in price and "$24,895" in price, price
    [times] = shop.text("ok could i come look at it wednesday", "SM912")
    offered = re.findall(r"\d{1,2}:\d\d [AP]M", times)
    assert offered, times
    [booked] = shop.text(f"{offered[0].lower()} works", "SM913")
    with shop.runtime.store.reading() as uow:
        drives = appointments.upcoming_for_customer(uow, customer_id=shop.shopper_id)
        car = vehicles.get_vehicle(uow, dealership_id=shop.dealer.id, stock=CIVIC)
    assert [d.vehicle_id for d in drives] == [car.id], booked  # the Civic, booked from the store
