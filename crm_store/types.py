"""Column types and value enums shared by the models and the service functions."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal, get_args

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    PostgreSQL stores `timestamptz`; SQLite has no time zones, so the value is stored as naive
    UTC and made aware again on the way out. Naive datetimes are refused: they are a bug.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Role(StrEnum):
    SALES = "sales"
    BDC = "bdc"
    MANAGER = "manager"
    FINANCE = "finance"
    SERVICE = "service"


class StaffStatus(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    OFF = "off"


class Consent(StrEnum):
    UNKNOWN = "unknown"
    GRANTED = "granted"
    REVOKED = "revoked"


class Channel(StrEnum):
    SMS = "sms"
    WEB = "web"


class ConversationMode(StrEnum):
    BOT = "bot"
    HUMAN = "human"
    CLOSED = "closed"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Author(StrEnum):
    SHOPPER = "shopper"
    ASSISTANT = "assistant"
    STAFF = "staff"
    SYSTEM = "system"


class DeliveryStatus(StrEnum):
    RECEIVED = "received"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"


class Condition(StrEnum):
    NEW = "new"
    USED = "used"
    CERTIFIED = "certified"


class VehicleStatus(StrEnum):
    AVAILABLE = "available"
    PENDING = "pending"
    SOLD = "sold"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    SHOWED = "showed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class HandoffStatus(StrEnum):
    OPEN = "open"
    PAGED = "paged"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


class AlertStatus(StrEnum):
    """Where an intent alert stands (`crm_store.alerts`): written `new`, then paged to a
    staff member or queued for the next shift, acknowledged, resolved."""

    NEW = "new"
    PAGED = "paged"
    QUEUED = "queued"
    ACKED = "acked"
    RESOLVED = "resolved"


class InboxStatus(StrEnum):
    """Where a conversation stands in the staff inbox (`crm_store.inbox`)."""

    OPEN = "open"
    PENDING = "pending"
    SNOOZED = "snoozed"
    RESOLVED = "resolved"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class JobStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class LinkPurpose(StrEnum):
    """Why a one-time sign-in link was issued: a first sign-in, or a later one."""

    INVITE = "invite"
    LOGIN = "login"


HandoffReason = Literal[
    "human_requested",
    "negotiation",
    "financing",
    "trade_in",
    "complaint",
    "purchase_intent",
    "unanswered",
    "other",
]
HANDOFF_REASONS: tuple[str, ...] = get_args(HandoffReason)


def enum_column(enum: type[StrEnum], name: str) -> sa.Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint, storing the enum's values."""
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum),
        values_callable=_values,
        validate_strings=True,
    )


def _values(enum: Any) -> list[str]:
    return [member.value for member in enum]
