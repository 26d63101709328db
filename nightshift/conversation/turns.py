"""What a turn is, as the rest of the process sees it: the durable job kinds a message and
its turn run as, how many turns run at once in the background, the result of a turn, and the
note the assistant reads for a message with photos."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contracts.messages import Attachment, InboundMessage, OutboundMessage
from crm_store import conversations, customers, dealerships
from crm_store.records import ConversationRecord
from crm_store.types import Channel
from crm_store.uow import UnitOfWork

# Background turns at once, by engine: an offline turn is CPU-bound (embedding, graph), so
# more than the cores only makes every turn, and every webhook answered meanwhile, slower;
# a model turn mostly waits on the network, so many can wait together.
BACKGROUND_TURNS = {"offline": 2, "openai": 16}
TURN_JOB = "turn"
INBOUND_JOB = "inbound"


@dataclass
class TurnResult:
    conversation_id: int
    public_id: str
    inbound_message_id: int
    # replied | duplicate | human_mode | opted_out | compliance | fallback | rate_limited |
    # coalesced (answered in the turn of an earlier message of its burst) | staff_answer (a
    # staff member's text: no conversation, ids 0)
    outcome: str
    replies: list[OutboundMessage] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


def with_media_note(body: str, photos: int) -> str:
    """What the assistant reads for a message with attachments: the text plus a note that
    photos came with it (the photos themselves stay with the stored message)."""
    if photos <= 0:
        return body
    note = MEDIA_NOTE.format(count=photos, s="" if photos == 1 else "s")
    return f"{body.strip()} {note}".strip()


MEDIA_NOTE = "[sent {count} photo{s}]"


def inbound_of(payload: dict[str, Any]) -> InboundMessage:
    data = dict(payload["inbound"])
    data["media"] = tuple(Attachment(**m) for m in data.get("media") or ())
    return InboundMessage(**data)


def resolve_conversation(uow: UnitOfWork, inbound: InboundMessage) -> ConversationRecord:
    """The shopper's open conversation on the inbound channel (both created if new)."""
    dealer_id = dealerships.id_for_slug(uow, slug=inbound.dealership)
    channel = Channel(inbound.channel)
    if channel is Channel.SMS:
        shopper, _ = customers.get_or_create_by_phone(
            uow, dealership_id=dealer_id, phone=inbound.sender, source="sms"
        )
    else:
        shopper, _ = customers.get_or_create_by_identity(
            uow, dealership_id=dealer_id, channel=channel, external_id=inbound.sender
        )
    convo, _ = conversations.open_conversation(
        uow, dealership_id=dealer_id, customer_id=shopper.id, channel=channel
    )
    return convo
