"""Web chat delivery: a reply is pushed to the conversation's live subscribers (the widget)."""

from __future__ import annotations

from typing import Any

from contracts.channels import Bus
from contracts.messages import OutboundMessage, SendResult


class WebSender:
    def __init__(self, bus: Bus, topic_of: Any) -> None:
        self.bus = bus
        self.topic_of = topic_of  # conversation id -> public id

    def send(self, message: OutboundMessage) -> SendResult:
        self.bus.publish(
            self.topic_of(message.conversation_id),
            {
                "type": "message",
                "id": message.message_id,
                "author": message.author,
                "text": message.body,
            },
        )
        return SendResult(ok=True, provider_id=f"web-{message.message_id}", status="delivered")
