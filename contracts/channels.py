"""What channel adapters may ask of the application, as protocols (no implementation here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

from contracts.messages import Accepted, InboundMessage, OutboundMessage, SendResult


class Inbox(Protocol):
    """The pipeline's front door: `accept` stores a message at once (idempotently);
    `process_later` runs the assistant's turn in the background. `receive` is the fastest
    durable hand-over for a provider's webhook: the message (with its provider id) is stored
    with one write and everything else, the turn included, happens in the background; it
    returns False for a repeat delivery."""

    def accept(self, inbound: InboundMessage) -> Accepted: ...

    def process_later(self, accepted: Accepted) -> None: ...

    def receive(self, inbound: InboundMessage) -> bool: ...


class Sender(Protocol):
    """Hands one outbound message to a provider (Twilio's REST API, a WebSocket, ...)."""

    def send(self, message: OutboundMessage) -> SendResult: ...


class Bus(Protocol):
    """Live events per conversation (its public id): new messages, typing indicators.
    Publishing may happen from any thread; subscribers are async iterators."""

    def publish(self, topic: str, event: dict[str, Any]) -> None: ...

    def subscribe(self, topic: str) -> AsyncIterator[dict[str, Any]]: ...
