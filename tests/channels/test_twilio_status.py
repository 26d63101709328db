"""Delivery status callbacks: forward-only, error codes kept, carrier opt-outs honoured."""

from __future__ import annotations

from fastapi.testclient import TestClient

from channels.twilio import TwilioSender
from crm_store import customers
from crm_store.records import MessageRecord
from crm_store.types import Author, Channel, Consent, DeliveryStatus
from nightshift.jobs.delivery import Dispatcher
from nightshift.runtime import Runtime
from tests.channels.conftest_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    DEALER_PHONE,
    SHOPPER,
    SMS_PATH,
    STATUS_PATH,
    ScriptedTwilio,
    client_fixture,  # noqa: F401  (registers the `client` fixture)
    message_json,
    shopper_record,
    signed_post,
    sms_form,
    status_form,
    transcript,
    wait_until,
)

OUT_SID = "SM" + "b" * 32


def _sent_reply(client: TestClient, runtime: Runtime) -> MessageRecord:
    """A shopper texts, the assistant answers, Twilio accepts the reply as OUT_SID."""
    assert (
        signed_post(client, SMS_PATH, sms_form("what are your hours?", "SM100")).status_code == 200
    )
    wait_until(lambda: any(m.author is Author.ASSISTANT for m in transcript(runtime)))
    twilio = ScriptedTwilio([(201, message_json(OUT_SID, to=SHOPPER, body="x"))])
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, from_number=DEALER_PHONE, http_client=twilio)
    assert Dispatcher(runtime.store, {Channel.SMS: sender}, runtime.clock).run_once() == 1
    return _reply(runtime)


def _reply(runtime: Runtime) -> MessageRecord:
    [reply] = [m for m in transcript(runtime) if m.author is Author.ASSISTANT]
    return reply


def test_callbacks_move_delivery_forward_only(client: TestClient, runtime: Runtime) -> None:
    reply = _sent_reply(client, runtime)
    assert reply.channel_message_id == OUT_SID
    assert reply.delivery_status is DeliveryStatus.QUEUED  # Twilio said "queued"
    for status in ("sending", "sent", "delivered"):
        response = signed_post(client, STATUS_PATH, status_form(OUT_SID, status))
        assert response.status_code == 204
    assert _reply(runtime).delivery_status is DeliveryStatus.DELIVERED
    late = signed_post(client, STATUS_PATH, status_form(OUT_SID, "sent"))  # arrives late
    assert late.status_code == 204
    assert _reply(runtime).delivery_status is DeliveryStatus.DELIVERED


def test_undelivered_keeps_the_error_code(client: TestClient, runtime: Runtime) -> None:
    _sent_reply(client, runtime)
    signed_post(client, STATUS_PATH, status_form(OUT_SID, "undelivered", "30003"))
    reply = _reply(runtime)
    assert (reply.delivery_status, reply.error_code) == (DeliveryStatus.UNDELIVERED, "30003")
    shopper = shopper_record(runtime)
    assert shopper is not None and shopper.sms_consent is not Consent.REVOKED


def test_carrier_opt_out_revokes_consent(client: TestClient, runtime: Runtime) -> None:
    _sent_reply(client, runtime)
    response = signed_post(client, STATUS_PATH, status_form(OUT_SID, "failed", "21610"))
    assert response.status_code == 204
    reply = _reply(runtime)
    assert (reply.delivery_status, reply.error_code) == (DeliveryStatus.FAILED, "21610")
    shopper = shopper_record(runtime)
    assert shopper is not None and shopper.sms_consent is Consent.REVOKED
    assert shopper.sms_consent_source == "twilio_21610"
    signed_post(client, STATUS_PATH, status_form(OUT_SID, "failed", "21610"))  # retried
    with runtime.store.unit_of_work() as uow:
        history = customers.consent_history(uow, customer_id=shopper.id)
    assert [(c.state, c.source) for c in history] == [(Consent.REVOKED, "twilio_21610")]
    # the opted-out shopper's next text is stored but not answered
    signed_post(client, SMS_PATH, sms_form("one more question", "SM101"))
    wait_until(lambda: any(m.channel_message_id == "SM101" for m in transcript(runtime)))
    assert sum(m.author is Author.ASSISTANT for m in transcript(runtime)) == 1


def test_unknown_sid_is_acknowledged_and_ignored(client: TestClient, runtime: Runtime) -> None:
    response = signed_post(client, STATUS_PATH, status_form("SM" + "9" * 32, "delivered"))
    assert response.status_code == 204
    assert transcript(runtime) == []


def test_status_callbacks_are_signature_checked(client: TestClient, runtime: Runtime) -> None:
    _sent_reply(client, runtime)
    forged = client.post(
        STATUS_PATH,
        data=status_form(OUT_SID, "failed", "21610"),
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    assert forged.status_code == 403
    shopper = shopper_record(runtime)
    assert shopper is not None and shopper.sms_consent is not Consent.REVOKED
    assert _reply(runtime).delivery_status is DeliveryStatus.QUEUED


def test_missing_status_is_named(client: TestClient) -> None:
    form = status_form(OUT_SID, "sent")
    del form["MessageStatus"]
    response = signed_post(client, STATUS_PATH, form)
    assert response.status_code == 400 and response.json()["error"].startswith("MessageStatus")
