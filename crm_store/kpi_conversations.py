"""The conversations behind a KPI figure, listed for the console's click-through: who the
customer is, when it started, and how it ended up (a test drive, a handoff, or the assistant
alone). One query whatever the number of ids, limited to one dealership, so a list of ids
taken from a URL can never show another dealership's conversations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from crm_store.models import Appointment, Conversation, Customer, Handoff
from crm_store.types import AppointmentStatus, Channel
from crm_store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ListedConversation:
    """One row of the list. `outcome` is the furthest the conversation got: "test drive
    showed", "test drive no show", "test drive booked", "handed off" or "assistant only"."""

    public_id: str
    customer: str  # the customer's name, else phone, else e-mail, else "unknown"
    channel: Channel
    created_at: datetime
    outcome: str


def conversations_by_public_id(
    uow: UnitOfWork, *, dealership_id: int, public_ids: Sequence[str]
) -> list[ListedConversation]:
    """The dealership's conversations among `public_ids`, in the order of `public_ids`
    (unknown ids and other dealerships' conversations are left out)."""
    if not public_ids:
        return []
    convo = Conversation

    def drives(status: AppointmentStatus | None) -> sa.Exists:
        which = [
            Appointment.conversation_id == convo.id,
            Appointment.status != AppointmentStatus.CANCELLED,
        ]
        if status is not None:
            which.append(Appointment.status == status)
        return sa.exists().where(*which)

    handed = sa.exists().where(Handoff.conversation_id == convo.id)
    rows = uow.session.execute(
        sa.select(
            convo.public_id,
            Customer.name,
            Customer.phone,
            Customer.email,
            convo.channel,
            convo.created_at,
            drives(AppointmentStatus.SHOWED),
            drives(AppointmentStatus.NO_SHOW),
            drives(None),
            handed,
        )
        .join(Customer, Customer.id == convo.customer_id)
        .where(convo.dealership_id == dealership_id, convo.public_id.in_(set(public_ids)))
    )
    found: dict[str, ListedConversation] = {}
    for public_id, name, phone, email, channel, created_at, showed, missed, booked, hand in rows:
        outcome = (
            "test drive showed"
            if showed
            else "test drive no show"
            if missed
            else "test drive booked"
            if booked
            else "handed off"
            if hand
            else "assistant only"
        )
        who = name or phone or email or "unknown"
        found[public_id] = ListedConversation(public_id, who, channel, created_at, outcome)
    return [found[i] for i in dict.fromkeys(public_ids) if i in found]
