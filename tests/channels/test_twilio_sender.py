"""TwilioSender against Twilio's REST API at the SDK's HTTP seam (real requests recorded,
Twilio's real response JSON returned)."""

from __future__ import annotations

import pytest
import requests

from channels.twilio import TwilioSender
from channels.twilio.sender import is_permanent
from contracts.messages import OutboundMessage
from tests.channels.conftest_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    DEALER_PHONE,
    MESSAGES_URL,
    SHOPPER,
    ScriptedTwilio,
    error_json,
    message_json,
)

CALLBACK = "https://nightshift.example.com/channels/twilio/status"


def _message(body: str = "Yes, the Civic is here.") -> OutboundMessage:
    return OutboundMessage(7, 3, "sms", SHOPPER, body)


def _sender(twilio: ScriptedTwilio) -> TwilioSender:
    return TwilioSender(
        ACCOUNT_SID,
        AUTH_TOKEN,
        from_number=DEALER_PHONE,
        status_callback=CALLBACK,
        http_client=twilio,
    )


def test_send_posts_the_message_form_and_reports_the_sid() -> None:
    twilio = ScriptedTwilio([(201, message_json("SM" + "a" * 32, to=SHOPPER, body="x"))])
    result = _sender(twilio).send(_message("It’s here — come by…"))
    assert result.ok and not result.permanent
    assert result.provider_id == "SM" + "a" * 32 and result.status == "queued"
    [request] = twilio.requests
    assert request.method == "POST" and request.url == MESSAGES_URL
    assert request.auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert request.data == {
        "To": SHOPPER,
        "From": DEALER_PHONE,
        "Body": "It's here - come by...",  # normalised to GSM-7 before sending
        "StatusCallback": CALLBACK,
    }


def test_messaging_service_replaces_the_from_number() -> None:
    twilio = ScriptedTwilio([(201, message_json("SM1", to=SHOPPER, body="x"))])
    sender = TwilioSender(
        ACCOUNT_SID, AUTH_TOKEN, messaging_service_sid="MG" + "1" * 32, http_client=twilio
    )
    assert sender.send(_message()).ok
    assert twilio.requests[0].data == {
        "To": SHOPPER,
        "MessagingServiceSid": "MG" + "1" * 32,
        "Body": "Yes, the Civic is here.",
    }


def test_long_body_is_capped_at_three_segments() -> None:
    twilio = ScriptedTwilio([(201, message_json("SM1", to=SHOPPER, body="x"))])
    _sender(twilio).send(_message("We have it in stock today. " * 40))
    body = twilio.requests[0].data["Body"]
    assert len(body) <= 459 and body.endswith("today.")


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (21610, "Attempt to send to unsubscribed recipient"),
        (21211, "The 'To' number +1805555 is not a valid phone number."),
        (21614, "'To' number is not a valid mobile number"),
        (21408, "Permission to send an SMS has not been enabled for the region"),
        (21612, "The 'To' phone number is not currently reachable"),
    ],
)
def test_permanent_errors_are_not_retried(code: int, text: str) -> None:
    twilio = ScriptedTwilio([(400, error_json(code, text))])
    result = _sender(twilio).send(_message())
    assert not result.ok and result.permanent
    assert result.error_code == str(code)
    assert result.error is not None and text in result.error


@pytest.mark.parametrize(
    ("status", "payload"),
    [
        (500, error_json(20500, "Internal Server Error", 500)),
        (503, error_json(20503, "Service Unavailable", 503)),
        (429, error_json(20429, "Too Many Requests", 429)),
    ],
)
def test_server_errors_and_rate_limits_are_retried(status: int, payload: dict[str, object]) -> None:
    twilio = ScriptedTwilio([(status, payload)])
    result = _sender(twilio).send(_message())
    assert not result.ok and not result.permanent
    assert result.error is not None and f"HTTP {status}" in result.error


@pytest.mark.parametrize(
    "exc",
    [requests.ConnectTimeout("connect timed out"), requests.ConnectionError("reset by peer")],
)
def test_network_errors_are_retried(exc: Exception) -> None:
    result = _sender(ScriptedTwilio([exc])).send(_message())
    assert not result.ok and not result.permanent
    assert result.error is not None and type(exc).__name__ in result.error


def test_unknown_client_errors_are_permanent_but_auth_errors_are_not() -> None:
    assert is_permanent(400, 21999)
    assert not is_permanent(401, 20003)  # fixable by correcting credentials: keep retrying
    assert not is_permanent(500, None)


def test_a_sender_needs_a_from_number_or_a_messaging_service() -> None:
    with pytest.raises(ValueError, match="from_number"):
        TwilioSender(ACCOUNT_SID, AUTH_TOKEN)
