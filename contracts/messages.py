"""What channels hand to the pipeline and what the pipeline hands back to channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChannelName = Literal["sms", "web"]

# The most of one shopper message that the assistant reads: the engine, the escalation
# detector and the handoff summary see the first MAX_TURN_TEXT characters (the web chat's
# limit; Twilio delivers at most 1,600). The stored message is always whole. This bounds the
# work of a turn whatever a caller lets through (a burst of texts joined, a direct caller).
MAX_TURN_TEXT = 2000


@dataclass(frozen=True, slots=True)
class Attachment:
    url: str
    content_type: str


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One message from a shopper, normalised by its channel adapter.

    `sender` is an E.164 phone number for SMS and the widget's session id for web chat.
    `channel_message_id` is the provider's id (Twilio MessageSid, the widget's client id): a
    second delivery with the same id is recognised and not handled twice.
    """

    dealership: str
    channel: ChannelName
    sender: str
    body: str
    channel_message_id: str | None = None
    media: tuple[Attachment, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A reply queued for delivery on `channel` to `recipient`."""

    message_id: int
    conversation_id: int
    channel: ChannelName
    recipient: str
    body: str
    author: str = "assistant"  # or "staff" (a salesperson's reply) / "system"


@dataclass(frozen=True, slots=True)
class Accepted:
    """An inbound message stored by the pipeline; `created` is False for a repeat delivery."""

    inbound: InboundMessage
    message_id: int
    conversation_id: int
    public_id: str
    created: bool


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a channel sender reports for one attempt.

    `permanent` failures (e.g. Twilio 21610 opted out, 21211 invalid number) are not retried;
    other failures are retried with backoff.
    """

    ok: bool
    provider_id: str | None = None
    status: str | None = None  # provider's status after the hand-over, e.g. "queued"
    error_code: str | None = None
    error: str | None = None
    permanent: bool = False
