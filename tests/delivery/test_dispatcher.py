"""The outbox dispatcher: sends what is due, retries transient failures with backoff, gives
up on permanent ones, and the message's delivery status follows; on both databases."""

from __future__ import annotations

from datetime import timedelta

from contracts.clock import FrozenClock
from contracts.messages import OutboundMessage, SendResult
from crm_store import conversations, customers, messages, outbox
from crm_store.db import Store
from crm_store.types import Author, Channel, Consent, DeliveryStatus, Direction
from nightshift.jobs.delivery import BACKOFF, MAX_ATTEMPTS, Dispatcher
from tests.factories import make_lot


class ScriptedSender:
    """Answers each attempt from a script and records what it was asked to send."""

    def __init__(self, *results: SendResult) -> None:
        self.results = list(results)
        self.sent: list[OutboundMessage] = []

    def send(self, message: OutboundMessage) -> SendResult:
        self.sent.append(message)
        return self.results.pop(0) if self.results else SendResult(ok=True, provider_id="SMok")


def _queue(store: Store, body: str = "See you Saturday!") -> int:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, channel=Channel.SMS
        )
        stored = messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.OUTBOUND,
            author=Author.ASSISTANT,
            body=body,
        ).message
        outbox.enqueue(
            uow, message_id=stored.id, channel=Channel.SMS, recipient="+15551230001", body=body
        )
    return stored.id


def _status(store: Store, message_id: int) -> tuple[DeliveryStatus, str | None, str | None]:
    with store.unit_of_work() as uow:
        [m] = [
            m
            for c in conversations.list_conversations(uow, customer_id=1)
            for m in messages.list_messages(uow, conversation_id=c.id)
            if m.id == message_id
        ]
    return m.delivery_status, m.channel_message_id, m.error_code


def test_sends_once_and_records_the_provider_id(store: Store, clock: FrozenClock) -> None:
    message_id = _queue(store)
    sender = ScriptedSender(SendResult(ok=True, provider_id="SM123", status="queued"))
    dispatcher = Dispatcher(store, {Channel.SMS: sender}, clock)
    assert dispatcher.run_once() == 1
    assert dispatcher.run_once() == 0  # nothing is sent twice
    assert [(m.recipient, m.body) for m in sender.sent] == [("+15551230001", "See you Saturday!")]
    assert _status(store, message_id) == (DeliveryStatus.QUEUED, "SM123", None)


def test_transient_failure_is_retried_after_backoff(store: Store, clock: FrozenClock) -> None:
    message_id = _queue(store)
    sender = ScriptedSender(SendResult(ok=False, error_code="20500", error="HTTP 500"))
    dispatcher = Dispatcher(store, {Channel.SMS: sender}, clock)
    assert dispatcher.run_once() == 1
    assert dispatcher.run_once() == 0  # not due yet
    clock.advance(BACKOFF[0] + timedelta(seconds=1))
    assert dispatcher.run_once() == 1
    assert len(sender.sent) == 2
    assert _status(store, message_id)[:2] == (DeliveryStatus.SENT, "SMok")


def test_permanent_failure_is_not_retried(store: Store, clock: FrozenClock) -> None:
    message_id = _queue(store)
    sender = ScriptedSender(SendResult(ok=False, error_code="21211", permanent=True))
    dispatcher = Dispatcher(store, {Channel.SMS: sender}, clock)
    dispatcher.run_once()
    clock.advance(timedelta(days=1))
    assert dispatcher.run_once() == 0
    assert _status(store, message_id) == (DeliveryStatus.FAILED, None, "21211")


def test_opted_out_number_is_recorded_and_not_retried(store: Store, clock: FrozenClock) -> None:
    message_id = _queue(store)
    sender = ScriptedSender(SendResult(ok=False, error_code="21610", permanent=True))
    Dispatcher(store, {Channel.SMS: sender}, clock).run_once()
    with store.unit_of_work() as uow:
        shopper = customers.get_customer(uow, customer_id=1)
    assert shopper.sms_consent is Consent.REVOKED and shopper.sms_consent_source == "twilio_21610"
    assert _status(store, message_id)[0] is DeliveryStatus.FAILED


def test_gives_up_after_the_last_attempt(store: Store, clock: FrozenClock) -> None:
    message_id = _queue(store)
    failures = [SendResult(ok=False, error="timeout")] * MAX_ATTEMPTS
    sender = ScriptedSender(*failures)
    dispatcher = Dispatcher(store, {Channel.SMS: sender}, clock)
    for _ in range(MAX_ATTEMPTS + 2):
        dispatcher.run_once()
        clock.advance(timedelta(hours=1))
    assert len(sender.sent) == MAX_ATTEMPTS
    assert _status(store, message_id)[0] is DeliveryStatus.FAILED


def test_a_new_dispatcher_resumes_what_a_crashed_one_claimed(
    store: Store, clock: FrozenClock, db_url: str
) -> None:
    """A worker that died mid-send leaves its claim; after the lease it is sent again."""
    _queue(store)
    with store.unit_of_work() as uow:
        claimed = outbox.claim(uow, channel=Channel.SMS, lease=timedelta(minutes=2))
    assert len(claimed) == 1  # ... and then the process died
    restarted = Store(db_url, clock=clock)
    sender = ScriptedSender()
    try:
        dispatcher = Dispatcher(restarted, {Channel.SMS: sender}, clock)
        assert dispatcher.run_once() == 0  # still leased
        clock.advance(timedelta(minutes=3))
        assert dispatcher.run_once() == 1
    finally:
        restarted.dispose()
    assert [m.body for m in sender.sent] == ["See you Saturday!"]
