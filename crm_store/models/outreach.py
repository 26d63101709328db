"""Proactive outreach: the campaigns a dealership starts and one attempt per customer each,
recording what happened to it (queued at a time, sent, or suppressed with its reason).

The indexes are the queries made: the sending number's schedule (a dealership's queued
attempts by time, for the throttle), one customer's recent outreach (the cap), and a
campaign's attempts (the report); one attempt per customer and campaign."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.models.base import Base, fk
from crm_store.types import enum_column


class CampaignKind(StrEnum):
    PRICE_DROP = "price_drop"
    EQUITY = "equity"
    LEASE_END = "lease_end"
    NO_SHOW = "no_show"
    CUSTOM = "custom"


class CampaignStatus(StrEnum):
    RUNNING = "running"
    CANCELLED = "cancelled"


class AttemptStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    SUPPRESSED = "suppressed"
    FAILED = "failed"


class AttemptReason(StrEnum):
    """Why an attempt is not (yet) sent: `quiet_hours` keeps it queued, moved to `send_at`."""

    NO_CONSENT = "no_consent"
    QUIET_HOURS = "quiet_hours"
    OPTED_OUT = "opted_out"
    CAP = "cap"
    NO_PHONE = "no_phone"
    VEHICLE_GONE = "vehicle_gone"  # the vehicle it offers was sold or deleted before it went


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    kind: Mapped[CampaignKind] = mapped_column(enum_column(CampaignKind, "campaign_kind"))
    name: Mapped[str] = mapped_column(sa.String(200))
    template: Mapped[str] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(120))
    status: Mapped[CampaignStatus] = mapped_column(enum_column(CampaignStatus, "campaign_status"))
    created_at: Mapped[datetime]


class OutreachAttempt(Base):
    __tablename__ = "outreach_attempts"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "customer_id"),
        sa.Index(
            "ix_outreach_attempts_dealership_status_send", "dealership_id", "status", "send_at"
        ),
        sa.Index("ix_outreach_attempts_customer_sent", "customer_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = fk("campaigns.id")
    dealership_id: Mapped[int] = mapped_column(sa.ForeignKey("dealerships.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    status: Mapped[AttemptStatus] = mapped_column(enum_column(AttemptStatus, "attempt_status"))
    reason: Mapped[AttemptReason | None] = mapped_column(
        enum_column(AttemptReason, "attempt_reason"), nullable=True
    )
    # when it is to go out (moved forward when quiet hours defer it)
    send_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = fk("messages.id", null=True, on_delete="SET NULL")
    conversation_id: Mapped[int | None] = fk("conversations.id", null=True, on_delete="SET NULL")
    # the vehicle the text is about (a price drop's, a missed appointment's), if any
    vehicle_id: Mapped[int | None] = fk("vehicles.id", null=True, on_delete="SET NULL")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
