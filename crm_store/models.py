"""SQLAlchemy 2 typed models: the CRM's tables. Private to `crm_store`.

Every timestamp is an aware UTC datetime (`UTCDateTime`); local wall times (sales hours,
shifts) are `time` values interpreted in the dealership's IANA timezone.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from crm_store.types import (
    AppointmentStatus,
    Author,
    Channel,
    Condition,
    Consent,
    ConversationMode,
    DeliveryStatus,
    Direction,
    HandoffStatus,
    InboxStatus,
    JobStatus,
    LinkPurpose,
    OutboxStatus,
    Role,
    StaffStatus,
    UTCDateTime,
    VehicleStatus,
    enum_column,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON,
        list[Any]: sa.JSON,
    }


def _fk(target: str, *, null: bool = False, on_delete: str = "CASCADE") -> Any:
    return mapped_column(sa.ForeignKey(target, ondelete=on_delete), nullable=null, index=True)


class Dealership(Base):
    __tablename__ = "dealerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    test_drive_minutes: Mapped[int] = mapped_column(default=30)
    # {"service": {"phone", "email", "hours": [[weekday, "HH:MM", "HH:MM"], ...]}, ...}
    departments: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    hours: Mapped[list[DealershipHours]] = relationship(
        cascade="all, delete-orphan", order_by="DealershipHours.weekday"
    )


class DealershipHours(Base):
    """Sales hours: one open interval per weekday (0 = Monday); a missing weekday is closed."""

    __tablename__ = "dealership_hours"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "weekday"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    starts: Mapped[time]
    ends: Mapped[time]


class Staff(Base):
    __tablename__ = "staff"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "handle"),
        sa.UniqueConstraint("dealership_id", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    handle: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "staff_role"))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    status: Mapped[StaffStatus] = mapped_column(enum_column(StaffStatus, "staff_status"))
    status_changed_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    shifts: Mapped[list[StaffShift]] = relationship(
        cascade="all, delete-orphan", order_by="StaffShift.weekday"
    )


class StaffShift(Base):
    """A weekly shift in dealership-local wall time (0 = Monday)."""

    __tablename__ = "staff_shifts"
    __table_args__ = (
        sa.UniqueConstraint("staff_id", "weekday"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = _fk("staff.id")
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    starts: Mapped[time]
    ends: Mapped[time]


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (sa.UniqueConstraint("dealership_id", "phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    name: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    assigned_staff_id: Mapped[int | None] = _fk("staff.id", null=True, on_delete="SET NULL")
    sms_consent: Mapped[Consent] = mapped_column(enum_column(Consent, "sms_consent"))
    sms_consent_at: Mapped[datetime | None]
    sms_consent_source: Mapped[str | None] = mapped_column(sa.String(80))
    # Phones and e-mails the shopper typed beyond the channel's verified address (which is
    # never replaced by a typed one): [{"kind": "phone"|"email", "value": ..., "at": iso}].
    extra_contacts: Mapped[list[Any] | None] = mapped_column(default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChannelIdentity(Base):
    """How a channel knows a customer when not by phone (e.g. a web chat session id)."""

    __tablename__ = "channel_identities"
    __table_args__ = (sa.UniqueConstraint("dealership_id", "channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "identity_channel"))
    external_id: Mapped[str] = mapped_column(sa.String(120))
    customer_id: Mapped[int] = _fk("customers.id")
    created_at: Mapped[datetime]


class ConsentRecord(Base):
    """Every change of a customer's SMS consent, with when and where it came from."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = _fk("customers.id")
    state: Mapped[Consent] = mapped_column(enum_column(Consent, "consent_state"))
    source: Mapped[str] = mapped_column(sa.String(80))
    detail: Mapped[str | None] = mapped_column(sa.String(500))
    at: Mapped[datetime]


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    customer_id: Mapped[int] = _fk("customers.id")
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "conversation_channel"))
    mode: Mapped[ConversationMode] = mapped_column(enum_column(ConversationMode, "mode"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_message_at: Mapped[datetime | None]


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (sa.UniqueConstraint("channel", "channel_message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = _fk("conversations.id")
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "direction"))
    author: Mapped[Author] = mapped_column(enum_column(Author, "author"))
    staff_id: Mapped[int | None] = _fk("staff.id", null=True, on_delete="SET NULL")
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


class Vehicle(Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "stock"),
        sa.UniqueConstraint("dealership_id", "vin"),
        sa.CheckConstraint("price >= 0", name="price_not_negative"),
        sa.CheckConstraint("mileage >= 0", name="mileage_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    stock: Mapped[str] = mapped_column(sa.String(40))
    vin: Mapped[str] = mapped_column(sa.String(17))
    year: Mapped[int]
    make: Mapped[str] = mapped_column(sa.String(60))
    model: Mapped[str] = mapped_column(sa.String(60))
    trim: Mapped[str | None] = mapped_column(sa.String(80))
    condition: Mapped[Condition] = mapped_column(enum_column(Condition, "condition"))
    body: Mapped[str | None] = mapped_column(sa.String(40))
    color: Mapped[str | None] = mapped_column(sa.String(80))
    mileage: Mapped[int] = mapped_column(default=0)
    price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    status: Mapped[VehicleStatus] = mapped_column(enum_column(VehicleStatus, "vehicle_status"))
    features: Mapped[list[Any]] = mapped_column(default=list)
    # optional spec sheet: engine, drivetrain, transmission, fuel_economy, seats, towing
    specs: Mapped[dict[str, Any] | None] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    customer_id: Mapped[int | None] = _fk("customers.id", null=True, on_delete="SET NULL")
    vehicle_id: Mapped[int] = _fk("vehicles.id")
    staff_id: Mapped[int | None] = _fk("staff.id", null=True, on_delete="SET NULL")
    conversation_id: Mapped[int | None] = _fk("conversations.id", null=True, on_delete="SET NULL")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status")
    )
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Handoff(Base):
    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    conversation_id: Mapped[int] = _fk("conversations.id")
    customer_id: Mapped[int] = _fk("customers.id")
    reasons: Mapped[list[Any]]
    trigger_message_id: Mapped[int | None] = _fk("messages.id", null=True, on_delete="SET NULL")
    confidence: Mapped[float]
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[HandoffStatus] = mapped_column(enum_column(HandoffStatus, "handoff_status"))
    assigned_staff_id: Mapped[int | None] = _fk("staff.id", null=True, on_delete="SET NULL")
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    acked_at: Mapped[datetime | None]
    urgent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class HandoffStep(Base):
    """The audit trail of a handoff: who was paged when and by which rule, acks, reroutes,
    claims, replies and hand-backs."""

    __tablename__ = "handoff_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = _fk("handoffs.id")
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(sa.String(30))
    staff_id: Mapped[int | None] = _fk("staff.id", null=True, on_delete="SET NULL")
    rule: Mapped[str | None] = mapped_column(sa.String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TimelineEvent(Base):
    """One entry on a customer's timeline (or the dealership's, when customer_id is null)."""

    __tablename__ = "timeline_events"
    __table_args__ = (sa.Index("ix_timeline_events_customer_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    customer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE")
    )
    conversation_id: Mapped[int | None] = _fk("conversations.id", null=True, on_delete="SET NULL")
    staff_id: Mapped[int | None] = _fk("staff.id", null=True, on_delete="SET NULL")
    kind: Mapped[str] = mapped_column(sa.String(60))
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OutboxItem(Base):
    """A message waiting to be delivered by its channel: durable, retried, resumable."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "outbox_channel"))
    recipient: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus, "outbox_status"))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class KnowledgeDoc(Base):
    """A dealership knowledge text as configured; `knowledge/` indexes it for retrieval."""

    __tablename__ = "knowledge_docs"
    __table_args__ = (sa.UniqueConstraint("dealership_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Job(Base):
    """Durable background work due at `run_at`: assistant turns, reminders, ack timeouts.

    `key` makes scheduling idempotent (one turn per inbound message, one reminder per
    appointment and offset); a claimed job's `run_at` moves forward by a lease, so a worker
    that dies mid-job leaves it to be picked up again after a restart.
    """

    __tablename__ = "jobs"
    __table_args__ = (sa.Index("ix_jobs_status_run_at", "status", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    payload: Mapped[dict[str, Any]]
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus, "job_status"))
    run_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ApiToken(Base):
    """A per-dealership API credential. Only the SHA-256 of the token is kept; it acts as a
    named staff member (and their role) or as an integration, until revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    name: Mapped[str] = mapped_column(sa.String(80))
    staff_id: Mapped[int | None] = _fk("staff.id", null=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One staff or integration action through the API or a signed link: who, how, what."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_dealership_at", "dealership_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = mapped_column(sa.ForeignKey("dealerships.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    via: Mapped[str] = mapped_column(sa.String(20))
    actor: Mapped[str] = mapped_column(sa.String(200))
    staff_id: Mapped[int | None] = _fk("staff.id", null=True, on_delete="SET NULL")
    token_id: Mapped[int | None] = _fk("api_tokens.id", null=True, on_delete="SET NULL")
    action: Mapped[str] = mapped_column(sa.String(60))
    target: Mapped[str] = mapped_column(sa.String(120))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class StaffCredential(Base):
    """A staff member's console password as an Argon2id hash (made by `console.passwords`).

    A table of its own rather than a column on `staff`: the staff row is read by every
    routing and availability query and rewritten by the world loader, and a secret should
    travel with neither; no row means the member signs in by link only (the default)."""

    __tablename__ = "staff_credentials"

    staff_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    updated_at: Mapped[datetime]


class SignInLink(Base):
    """A one-time console sign-in link for one staff member; only its SHA-256 is kept."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = _fk("staff.id")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, "sign_in_link_purpose"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class StaffSession(Base):
    """A signed-in console session (the cookie's SHA-256 is kept, never the cookie), with
    its CSRF secret; it ends at `expires_at`, after idling, or when revoked."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = _fk("staff.id")
    dealership_id: Mapped[int] = _fk("dealerships.id")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    csrf_secret: Mapped[str] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ConversationInbox(Base):
    """Where a conversation stands in the staff inbox: its status, snooze and assignee.

    No row means open and unassigned, so a conversation needs none until staff act on it.
    A table of its own, not columns on `conversations`: that row is the pipeline's (read and
    stamped on every message), this one the staff's. `snoozed_until` is set only while
    snoozed; a snoozed row without it waits for the shopper's next message.

    The assignee is the conversation's owner in the inbox, not the handoff's assigned staff
    member nor the customer's: a handoff's assignee is the routing ladder's state (who is
    paged now; it changes on every reroute and ends with the handoff), while a conversation
    is worked before, between and after handoffs (pending, snoozed, reopened by the shopper);
    the customer's owner spans all their conversations and is whom routing pages first.
    Claiming or acknowledging a handoff makes the claimer the assignee (`crm_store.handoffs`).
    """

    __tablename__ = "conversation_inbox"
    __table_args__ = (
        sa.CheckConstraint(
            "snoozed_until IS NULL OR status = 'snoozed'", name="snoozed_until_only_when_snoozed"
        ),
    )

    conversation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[InboxStatus] = mapped_column(enum_column(InboxStatus, "inbox_status"))
    snoozed_until: Mapped[datetime | None]
    assignee_staff_id: Mapped[int | None] = _fk("staff.id", null=True, on_delete="SET NULL")
    # when staff last read the conversation: the shopper's messages after it are unread
    seen_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ConversationNote(Base):
    """An internal note by staff on a conversation. A table apart from `messages`, so no
    transcript, outbox or channel ever reads it: it is never sent to the shopper."""

    __tablename__ = "conversation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = _fk("conversations.id")
    author_staff_id: Mapped[int | None] = _fk("staff.id", null=True, on_delete="SET NULL")
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]


class CannedReply(Base):
    """A saved reply staff can insert: dealership-wide (no owner) or one staff member's own.

    A title is unique per owner: among the dealership-wide replies of a dealership (a
    partial unique index, since NULL owners are never equal in a UNIQUE constraint) and
    among each staff member's own."""

    __tablename__ = "canned_replies"
    __table_args__ = (
        sa.UniqueConstraint("owner_staff_id", "title"),
        sa.Index(
            "uq_canned_replies_shared_title",
            "dealership_id",
            "title",
            unique=True,
            sqlite_where=sa.text("owner_staff_id IS NULL"),
            postgresql_where=sa.text("owner_staff_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = _fk("dealerships.id")
    owner_staff_id: Mapped[int | None] = _fk("staff.id", null=True)
    title: Mapped[str] = mapped_column(sa.String(80))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
