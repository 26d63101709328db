"""Outbound SMS through Twilio's REST API (`POST /2010-04-01/Accounts/{sid}/Messages.json`).

`send` reports, never raises for provider trouble: the delivery worker decides on retries
from `SendResult.permanent`. Permanent means "sending the same thing again cannot succeed"
(the shopper opted out at the carrier, the number is invalid or a landline, the region is
not enabled); rate limits, Twilio 5xx, timeouts and connection errors are retried.
"""

from __future__ import annotations

import logging
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http import HttpClient
from twilio.rest import Client

from channels.twilio import gsm
from contracts.messages import OutboundMessage, SendResult

log = logging.getLogger("nightshift.channels.twilio")

# Twilio error codes for which a retry of the same request cannot succeed.
PERMANENT_CODES = frozenset(
    {
        21211,  # invalid 'To' phone number
        21217,  # phone number does not appear to be valid
        21401,  # invalid phone number
        21408,  # permission to send to this region is not enabled
        21421,  # phone number is invalid
        21602,  # message body is required
        21603,  # 'From' is required
        21604,  # 'To' is required
        21606,  # 'From' is not a valid, SMS-capable Twilio number
        21610,  # the recipient replied STOP at the carrier (unsubscribed)
        21612,  # 'To' is not reachable from this 'From' (cannot route)
        21614,  # 'To' is not a mobile number
        21617,  # body exceeds 1600 characters
        21659,  # 'From' is not a Twilio number
        21660,  # 'From' does not belong to this account
        30004,  # message blocked
        30005,  # unknown destination handset
        30006,  # landline or unreachable carrier
        30007,  # filtered as spam by the carrier
    }
)
# HTTP statuses that mean "try again later", whatever the error code.
RETRYABLE_STATUSES = frozenset({401, 403, 408, 409, 429})


class TwilioSender:
    """Sends `OutboundMessage`s as SMS from `from_number` or through a Messaging Service.

    `http_client` is Twilio's transport seam (`twilio.http.HttpClient`); tests inject one that
    records the real request and answers with Twilio's real response JSON.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
        http_client: HttpClient | None = None,
        max_segments: int = 3,
    ) -> None:
        if not from_number and not messaging_service_sid:
            raise ValueError(
                "TwilioSender: from_number and messaging_service_sid are both empty; "
                "expected one of them (TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID)"
            )
        self.from_number = from_number
        self.messaging_service_sid = messaging_service_sid
        self.status_callback = status_callback
        self.max_segments = max_segments
        self.client = Client(account_sid, auth_token, http_client=http_client)

    def send(self, message: OutboundMessage) -> SendResult:
        params: dict[str, Any] = {
            "to": message.recipient,
            "body": gsm.fit(message.body, self.max_segments),
        }
        if self.messaging_service_sid:
            params["messaging_service_sid"] = self.messaging_service_sid
        else:
            params["from_"] = self.from_number
        if self.status_callback:
            params["status_callback"] = self.status_callback
        try:
            created = self.client.messages.create(**params)
        except TwilioRestException as exc:
            return _rest_failure(message, exc)
        except (TwilioException, OSError) as exc:  # requests' errors are OSErrors
            log.warning(
                "twilio_send_error message=%s error=%s", message.message_id, type(exc).__name__
            )
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}", permanent=False)
        return SendResult(ok=True, provider_id=str(created.sid), status=str(created.status))


def is_permanent(status: int, code: int | None) -> bool:
    """Whether a Twilio API error means the same request can never succeed."""
    if code is not None and code in PERMANENT_CODES:
        return True
    if status >= 500 or status in RETRYABLE_STATUSES:
        return False
    return 400 <= status < 500


def _rest_failure(message: OutboundMessage, exc: TwilioRestException) -> SendResult:
    status = int(exc.status)
    code: int | None = int(exc.code) if exc.code is not None else None
    permanent = is_permanent(status, code)
    log.warning(
        "twilio_send_failed message=%s status=%s code=%s permanent=%s",
        message.message_id,
        status,
        code,
        permanent,
    )
    return SendResult(
        ok=False,
        error_code=str(code) if code is not None else None,
        error=f"HTTP {status}: {exc.msg}",
        permanent=permanent,
    )
