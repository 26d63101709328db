"""Transcripts for managers, QA and tests: who said what, when (dealership-local), on which
channel, and for outbound SMS the delivery status and segment count."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

from crm_store import conversations, customers, dealerships, messages, staff
from crm_store.errors import InvalidValue, NotFound
from crm_store.phones import normalise_phone
from crm_store.records import ConversationRecord
from crm_store.types import Author, Channel, Direction
from crm_store.uow import UnitOfWork


@dataclass(frozen=True)
class Line:
    at: str
    channel: str
    direction: str
    author: str
    text: str
    delivery: str | None
    segments: int | None
    media: list[str]


@dataclass(frozen=True)
class Transcript:
    conversation_id: int
    public_id: str
    dealership: str
    channel: str
    mode: str
    lines: list[Line]


def find_conversations(uow: UnitOfWork, key: str) -> list[ConversationRecord]:
    """Conversations for a phone number, a web session, a conversation id or public id."""
    key = key.strip()
    if re.fullmatch(r"\d{1,9}", key):
        return [conversations.get_conversation(uow, conversation_id=int(key))]
    try:
        return [conversations.get_by_public_id(uow, public_id=key)]
    except NotFound:
        pass
    found: list[ConversationRecord] = []
    for dealer in dealerships.list_dealerships(uow):
        shopper = None
        if re.fullmatch(r"[+\d\s().-]{7,}", key):
            try:
                shopper = customers.find_by_phone(
                    uow, dealership_id=dealer.id, phone=normalise_phone(key)
                )
            except InvalidValue:
                shopper = None
        if shopper is None:
            shopper = customers.find_by_identity(
                uow, dealership_id=dealer.id, channel=Channel.WEB, external_id=key
            )
        if shopper is not None:
            found += conversations.list_conversations(uow, customer_id=shopper.id)
    if not found:
        raise NotFound(f"no conversation for {key!r} (expected a phone number, session or id)")
    return found


def build(uow: UnitOfWork, convo: ConversationRecord) -> Transcript:
    from channels.twilio.gsm import segments

    dealer = dealerships.get_dealership_by_id(uow, dealership_id=convo.dealership_id)
    zone = ZoneInfo(dealer.timezone)
    names: dict[int, str] = {}
    lines: list[Line] = []
    for m in messages.list_messages(uow, conversation_id=convo.id):
        author = m.author.value
        if m.author is Author.STAFF and m.staff_id is not None:
            if m.staff_id not in names:
                names[m.staff_id] = staff.get_staff(uow, staff_id=m.staff_id).name
            author = names[m.staff_id]
        outbound_sms = m.direction is Direction.OUTBOUND and m.channel is Channel.SMS
        lines.append(
            Line(
                at=m.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                channel=m.channel.value,
                direction=m.direction.value,
                author=author,
                text=m.body,
                delivery=m.delivery_status.value if m.direction is Direction.OUTBOUND else None,
                segments=segments(m.body) if outbound_sms else None,
                media=[media.url for media in m.media],
            )
        )
    return Transcript(
        convo.id, convo.public_id, dealer.name, convo.channel.value, convo.mode.value, lines
    )


def render_text(transcript: Transcript) -> str:
    out = [
        f"# conversation {transcript.conversation_id} ({transcript.public_id}) "
        f"{transcript.dealership}, {transcript.channel}, mode {transcript.mode}"
    ]
    for line in transcript.lines:
        arrow = "<-" if line.direction == "inbound" else "->"
        extra = ""
        if line.delivery:
            extra = (
                f"  [{line.delivery}" + (f", {line.segments} seg" if line.segments else "") + "]"
            )
        media = f"  (media: {', '.join(line.media)})" if line.media else ""
        out.append(f"{line.at} {line.channel:3} {arrow} {line.author}: {line.text}{extra}{media}")
    return "\n".join(out)


def as_dict(transcript: Transcript) -> dict[str, object]:
    return asdict(transcript)
