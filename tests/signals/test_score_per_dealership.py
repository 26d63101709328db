"""The handoff summary's lead score is weighed by the customer's dealership's own weights
(its world file's `signals: {score: ...}`): the same facts score differently at two
dealerships that weigh them differently (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from channels.log_sender import LogSmsSender
from crm_store import appointments, conversations, handoffs, messages
from crm_store.db import Store
from crm_store.types import Author, Channel, Direction
from handoff.config import HandoffConfig
from handoff.flow import HandoffFlow
from nightshift.infra.mail import LogMailer
from nightshift.runtime import _lead_score
from signals import alerting
from signals.config import SignalsConfig
from signals.score import Weights
from tests.factories import Lot, make_lot

CONFIG = HandoffConfig(
    signing_key=b"k" * 32,
    public_base_url="https://dealer.example",
    staff_link_hours=24,
    ack_minutes=5,
    on_call_manager=None,
    pagers=("sms",),
    mail_from="nightshift@dealer.example",
    adf_lead_email=None,
    webhook_url=None,
    webhook_secret=None,
)


def financing_handoff(store: Store, lot: Lot) -> int:
    """The shopper asked about payments: a financing handoff."""
    with store.unit_of_work() as uow:
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, channel=Channel.SMS
        )
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body="what would my payments be?",
        )
        return handoffs.create_handoff(
            uow,
            dealership_id=lot.dealer.id,
            conversation_id=convo.id,
            customer_id=lot.shopper.id,
            reasons=["financing"],
            confidence=0.9,
        ).id


def financing_handoff_with_a_test_drive(store: Store, lot: Lot) -> int:
    """A financing handoff of a shopper with a test drive booked for tomorrow."""
    with store.unit_of_work() as uow:
        appointments.create_appointment(
            uow,
            dealership_id=lot.dealer.id,
            customer_id=lot.shopper.id,
            vehicle_id=lot.car.id,
            staff_id=lot.rep.id,
            starts_at=uow.now() + timedelta(days=1),
            ends_at=uow.now() + timedelta(days=1, minutes=30),
            source="test",
        )
    return financing_handoff(store, lot)


def test_two_dealerships_weigh_the_same_facts_differently(store: Store) -> None:
    plain = make_lot(store, slug="plain-motors")
    tuned = make_lot(store, slug="tuned-motors")
    with store.unit_of_work() as uow:
        alerting.save(
            uow,
            dealership_id=tuned.dealer.id,
            config=SignalsConfig(score=Weights(test_drive_booked=50, financing=0)),
        )
    flow = HandoffFlow(
        store, CONFIG, LogSmsSender(), LogMailer(), slots_of=lambda _: {}, score_of=_lead_score
    )
    plain_score = flow.summarize(financing_handoff_with_a_test_drive(store, plain))["lead_score"]
    tuned_score = flow.summarize(financing_handoff_with_a_test_drive(store, tuned))["lead_score"]
    assert plain_score is not None and tuned_score is not None
    assert plain_score["text"] == (
        "50: booked test drive (+30), financing asked (+10), last active just now (+10)"
    )
    assert tuned_score["text"] == "60: booked test drive (+50), last active just now (+10)"
    assert [r["code"] for r in tuned_score["reasons"]] == ["test_drive_booked", "recency"]
    with store.reading() as uow:  # as stored, for the console and the pages
        stored = handoffs.list_handoffs(uow, dealership_id=tuned.dealer.id)[0].summary
    assert stored["lead_score"]["value"] == 60
