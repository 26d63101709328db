"""Shoppers and what they said: customers, their channel identities and consent history,
conversations, messages and the customer timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.models.base import Base, fk
from crm_store.types import (
    Author,
    Channel,
    Consent,
    ConversationMode,
    DeliveryStatus,
    Direction,
    enum_column,
)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (sa.UniqueConstraint("dealership_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    name: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    assigned_staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    sms_consent: Mapped[Consent] = mapped_column(enum_column(Consent, "sms_consent"))
    sms_consent_at: Mapped[datetime | None]
    sms_consent_source: Mapped[str | None] = mapped_column(sa.String(80))
    # Phones and e-mails the shopper typed beyond the channel's verified address (which is
    # never replaced by a typed one): [{"kind": "phone"|"email", "value": ..., "at": iso}].
    extra_contacts: Mapped[list[Any] | None] = mapped_column(default=list)
    # the shopper's IANA time zone when known (outreach quiet hours); NULL: from the phone
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChannelIdentity(Base):
    """How a channel knows a customer when not by phone (e.g. a web chat session id)."""

    __tablename__ = "channel_identities"
    __table_args__ = (sa.UniqueConstraint("dealership_id", "channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "identity_channel"))
    external_id: Mapped[str] = mapped_column(sa.String(120))
    customer_id: Mapped[int] = fk("customers.id")
    created_at: Mapped[datetime]


class ConsentRecord(Base):
    """Every change of a customer's SMS consent, with when and where it came from."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = fk("customers.id")
    state: Mapped[Consent] = mapped_column(enum_column(Consent, "consent_state"))
    source: Mapped[str] = mapped_column(sa.String(80))
    detail: Mapped[str | None] = mapped_column(sa.String(500))
    at: Mapped[datetime]


class Conversation(Base):
    __tablename__ = "conversations"
    # a dealership's conversations of a period (the KPIs, the review, the CSV)
    __table_args__ = (
        sa.Index("ix_conversations_dealership_created", "dealership_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    customer_id: Mapped[int] = fk("customers.id")
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "conversation_channel"))
    mode: Mapped[ConversationMode] = mapped_column(enum_column(ConversationMode, "mode"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_message_at: Mapped[datetime | None]


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        sa.UniqueConstraint("channel", "channel_message_id"),
        # a conversation's messages in order, and its first ones by author (the KPIs)
        sa.Index("ix_messages_conversation_created", "conversation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = fk("conversations.id")
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "direction"))
    author: Mapped[Author] = mapped_column(enum_column(Author, "author"))
    staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "message_channel"))
    channel_message_id: Mapped[str | None] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    media: Mapped[list[Any]] = mapped_column(default=list)
    delivery_status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, "delivery_status")
    )
    error_code: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TimelineEvent(Base):
    """One entry on a customer's timeline (or the dealership's, when customer_id is null)."""

    __tablename__ = "timeline_events"
    __table_args__ = (sa.Index("ix_timeline_events_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    customer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE")
    )
    conversation_id: Mapped[int | None] = fk("conversations.id", null=True, on_delete="SET NULL")
    staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    kind: Mapped[str] = mapped_column(sa.String(60))
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
