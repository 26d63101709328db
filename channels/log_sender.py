"""The demo's SMS transport: with no Twilio credentials, outbound texts are written to a
clearly labelled log line (and stay in the transcript) instead of being silently dropped."""

from __future__ import annotations

import logging

from contracts.messages import OutboundMessage, SendResult

log = logging.getLogger("nightshift.sms.log-transport")


class LogSmsSender:
    def send(self, message: OutboundMessage) -> SendResult:
        log.warning(
            "SMS NOT SENT (no Twilio credentials; log transport) to=%s***%s conversation=%s: %s",
            message.recipient[:2],
            message.recipient[-2:],
            message.conversation_id,
            message.body,
        )
        return SendResult(ok=True, provider_id=f"log-{message.message_id}", status="sent")
