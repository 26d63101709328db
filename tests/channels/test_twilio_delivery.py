"""Replies leave through the durable outbox and TwilioSender: retried after a Twilio 500,
resumed after a restart, dropped (and marked failed) on a permanent error."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from channels.twilio import TwilioSender
from contracts.clock import FrozenClock
from crm_store import outbox
from crm_store.db import Store
from crm_store.records import MessageRecord
from crm_store.types import Author, Channel, DeliveryStatus
from nightshift.jobs.delivery import Dispatcher
from nightshift.runtime import Runtime
from tests.channels.conftest_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    DEALER_PHONE,
    MESSAGES_URL,
    SHOPPER,
    SMS_PATH,
    ScriptedTwilio,
    client_fixture,  # noqa: F401  (registers the `client` fixture)
    error_json,
    message_json,
    signed_post,
    sms_form,
    transcript,
    wait_until,
)

CALLBACK = "https://nightshift.example.com/channels/twilio/status"
OUT_SID = "SM" + "c" * 32


def _queued_reply(client: TestClient, runtime: Runtime) -> MessageRecord:
    response = signed_post(client, SMS_PATH, sms_form("how much is your doc fee", "SM300"))
    assert response.status_code == 200
    wait_until(lambda: any(m.author is Author.ASSISTANT for m in transcript(runtime)))
    return _reply(runtime)


def _reply(runtime: Runtime) -> MessageRecord:
    [reply] = [m for m in transcript(runtime) if m.author is Author.ASSISTANT]
    return reply


def _dispatcher(store: Store, twilio: ScriptedTwilio, clock: FrozenClock) -> Dispatcher:
    sender = TwilioSender(
        ACCOUNT_SID,
        AUTH_TOKEN,
        from_number=DEALER_PHONE,
        status_callback=CALLBACK,
        http_client=twilio,
    )
    return Dispatcher(store, {Channel.SMS: sender}, clock)


def _pending(store: Store) -> int:
    with store.unit_of_work() as uow:
        return outbox.pending_count(uow)


def test_twilio_500_is_retried_after_the_backoff(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    reply = _queued_reply(client, runtime)
    twilio = ScriptedTwilio(
        [
            (500, error_json(20500, "Internal Server Error", 500)),
            (201, message_json(OUT_SID, to=SHOPPER, body=reply.body)),
        ]
    )
    dispatcher = _dispatcher(runtime.store, twilio, clock)
    assert dispatcher.run_once() == 1
    assert _reply(runtime).delivery_status is DeliveryStatus.QUEUED
    assert _pending(runtime.store) == 1
    assert dispatcher.run_once() == 0  # not due before the backoff has passed
    clock.advance(timedelta(seconds=6))
    assert dispatcher.run_once() == 1
    assert _pending(runtime.store) == 0
    first, second = twilio.requests
    for request in (first, second):
        assert (request.method, request.url) == ("POST", MESSAGES_URL)
        assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
        assert request.data == {
            "To": SHOPPER,
            "From": DEALER_PHONE,
            "Body": reply.body,
            "StatusCallback": CALLBACK,
        }
    sent = _reply(runtime)
    assert (sent.channel_message_id, sent.delivery_status) == (OUT_SID, DeliveryStatus.QUEUED)


def test_a_restarted_app_sends_what_the_old_one_queued(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    reply = _queued_reply(client, runtime)
    restarted = Store(runtime.settings.database_url, clock=clock)  # a new process, same file
    try:
        twilio = ScriptedTwilio([(201, message_json(OUT_SID, to=SHOPPER, body=reply.body))])
        assert _dispatcher(restarted, twilio, clock).run_once() == 1
        [request] = twilio.requests
        assert request.url == MESSAGES_URL and request.data["Body"] == reply.body
        assert request.data["To"] == SHOPPER
        assert _pending(restarted) == 0
    finally:
        restarted.dispose()
    assert _reply(runtime).channel_message_id == OUT_SID


def test_permanent_error_is_not_retried_and_marks_the_message_failed(
    client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    _queued_reply(client, runtime)
    twilio = ScriptedTwilio(
        [(400, error_json(21211, "The 'To' number +18055550142 is not a valid phone number."))]
    )
    dispatcher = _dispatcher(runtime.store, twilio, clock)
    assert dispatcher.run_once() == 1
    failed = _reply(runtime)
    assert (failed.delivery_status, failed.error_code) == (DeliveryStatus.FAILED, "21211")
    assert _pending(runtime.store) == 0
    clock.advance(timedelta(hours=1))
    assert dispatcher.run_once() == 0
    assert len(twilio.requests) == 1
