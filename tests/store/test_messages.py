"""Messages: persisted idempotently by channel message id; delivery status only moves forward."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta

from contracts.clock import FrozenClock
from crm_store import conversations, messages, timeline
from crm_store.db import Store
from crm_store.records import Media
from crm_store.types import Author, Channel, ConversationMode, DeliveryStatus, Direction
from tests.factories import make_lot


def _conversation(store: Store) -> int:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        convo, created = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, channel=Channel.SMS
        )
        again, created_again = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, channel=Channel.SMS
        )
    assert created and not created_again and again.id == convo.id
    assert convo.mode is ConversationMode.BOT and len(convo.public_id) >= 20
    return convo.id


def test_duplicate_channel_id_returns_the_stored_message(store: Store, clock: FrozenClock) -> None:
    convo = _conversation(store)
    with store.unit_of_work() as uow:
        first = messages.record_message(
            uow,
            conversation_id=convo,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body="hi do you have any used civics?",
            channel_message_id="SM0001",
        )
    clock.advance(timedelta(seconds=15))
    with store.unit_of_work() as uow:
        retry = messages.record_message(
            uow,
            conversation_id=convo,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body="(a retried webhook with different text)",
            channel_message_id="SM0001",
        )
        stored = messages.list_messages(uow, conversation_id=convo)
    assert first.created and not retry.created
    assert retry.message == first.message
    assert [m.body for m in stored] == ["hi do you have any used civics?"]


def test_concurrent_duplicates_store_one_message(store: Store) -> None:
    convo = _conversation(store)

    def deliver(_: int) -> bool:
        with store.unit_of_work() as uow:
            return messages.record_message(
                uow,
                conversation_id=convo,
                direction=Direction.INBOUND,
                author=Author.SHOPPER,
                body="same webhook, many workers",
                channel_message_id="SM-RACE",
            ).created

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(deliver, range(12)))
    assert outcomes.count(True) == 1
    with store.unit_of_work() as uow:
        assert len(messages.list_messages(uow, conversation_id=convo)) == 1


def test_media_times_and_status_round_trip(store: Store, clock: FrozenClock) -> None:
    convo = _conversation(store)
    photo = Media(url="https://api.twilio.com/2010-04-01/Media/ME1", content_type="image/jpeg")
    with store.unit_of_work() as uow:
        stored = messages.record_message(
            uow,
            conversation_id=convo,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body="here is my trade-in",
            channel_message_id="MM0001",
            media=[photo],
        ).message
        reloaded = messages.list_messages(uow, conversation_id=convo)[0]
        convo_after = conversations.get_conversation(uow, conversation_id=convo)
    assert reloaded.media == (photo,)
    assert reloaded.delivery_status is DeliveryStatus.RECEIVED
    assert reloaded.created_at == clock.now() and reloaded.created_at.tzinfo == UTC
    assert convo_after.last_message_at == clock.now()
    assert stored.channel is Channel.SMS


def test_delivery_status_only_moves_forward(store: Store) -> None:
    convo = _conversation(store)
    with store.unit_of_work() as uow:
        reply = messages.record_message(
            uow,
            conversation_id=convo,
            direction=Direction.OUTBOUND,
            author=Author.ASSISTANT,
            body="We have a 2021 Civic EX at $23,995.",
        ).message
    assert reply.delivery_status is DeliveryStatus.QUEUED
    steps = [
        (DeliveryStatus.SENT, None),
        (DeliveryStatus.DELIVERED, None),
        (DeliveryStatus.SENT, None),  # late callback: must not undo "delivered"
        (DeliveryStatus.QUEUED, "30003"),
    ]
    seen = []
    for status, code in steps:
        with store.unit_of_work() as uow:
            seen.append(
                messages.update_delivery(
                    uow,
                    message_id=reply.id,
                    status=status,
                    channel_message_id="SM9",
                    error_code=code,
                )
            )
    assert [m.delivery_status for m in seen] == [
        DeliveryStatus.SENT,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.DELIVERED,
    ]
    assert seen[-1].error_code == "30003" and seen[-1].channel_message_id == "SM9"


def test_mode_change_is_on_the_timeline(store: Store) -> None:
    convo = _conversation(store)
    with store.unit_of_work() as uow:
        changed = conversations.set_mode(uow, conversation_id=convo, mode=ConversationMode.HUMAN)
        events = timeline.customer_timeline(uow, customer_id=changed.customer_id)
    assert changed.mode is ConversationMode.HUMAN
    assert [e.data for e in events if e.kind == "conversation_mode_changed"] == [
        {"from": "bot", "to": "human"}
    ]
