"""What the store schedules and tracks: test-drive appointments, handoffs with their
routing steps, the outbox of messages to deliver and the durable jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.models.base import Base, fk
from crm_store.types import (
    AppointmentStatus,
    Channel,
    HandoffStatus,
    JobStatus,
    OutboxStatus,
    enum_column,
)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        # a dealership's test drives of a period (the KPIs, the show rate)
        sa.Index("ix_appointments_dealership_starts", "dealership_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    customer_id: Mapped[int | None] = fk("customers.id", null=True, on_delete="SET NULL")
    vehicle_id: Mapped[int] = fk("vehicles.id")
    staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    conversation_id: Mapped[int | None] = fk("conversations.id", null=True, on_delete="SET NULL")
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
    # a dealership's handoffs of a period (the KPIs)
    __table_args__ = (sa.Index("ix_handoffs_dealership_created", "dealership_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    conversation_id: Mapped[int] = fk("conversations.id")
    customer_id: Mapped[int] = fk("customers.id")
    reasons: Mapped[list[Any]]
    trigger_message_id: Mapped[int | None] = fk("messages.id", null=True, on_delete="SET NULL")
    confidence: Mapped[float]
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[HandoffStatus] = mapped_column(enum_column(HandoffStatus, "handoff_status"))
    assigned_staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
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
    handoff_id: Mapped[int] = fk("handoffs.id")
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(sa.String(30))
    staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    rule: Mapped[str | None] = mapped_column(sa.String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


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
