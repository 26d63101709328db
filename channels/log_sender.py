"""The demo's SMS transport: with no Twilio credentials, outbound texts are written to a
clearly labelled log line (and stay in the transcript) instead of being silently dropped.

The line names the conversation, the message and the length, not the text (a shopper's
words and a staff page's signed link do not belong in logs), unless `log_bodies` is on
(NIGHTSHIFT_LOG_BODIES, for a local demo); even then links and tokens are redacted."""

from __future__ import annotations

import logging

from contracts.messages import OutboundMessage, SendResult
from contracts.redact import mask, redact

log = logging.getLogger("nightshift.sms.log-transport")


class LogSmsSender:
    def __init__(self, *, log_bodies: bool = False) -> None:
        self.log_bodies = log_bodies

    def send(self, message: OutboundMessage) -> SendResult:
        body = f": {redact(message.body)}" if self.log_bodies else ""
        log.warning(
            "SMS NOT SENT (no Twilio credentials; log transport) to=%s conversation=%s "
            "message=%s length=%d%s",
            mask(message.recipient),
            message.conversation_id,
            message.message_id,
            len(message.body),
            body,
        )
        return SendResult(ok=True, provider_id=f"log-{message.message_id}", status="sent")
