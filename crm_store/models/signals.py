"""Shopper signals: the events a dealer's website (or service department) sends about
shoppers, which customer a website visitor turned out to be, the vehicles a customer asked
about in a conversation, and the intent alerts the rules wrote (with their audit trail).

The indexes are the queries the intent rules make, each bounded by one person's events:
a customer's events of a type (and vehicle) since a time, a visitor's events, the
dealership's events by time; a customer's alerts by dedupe key since a time; who showed
interest in one vehicle since a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.models.base import Base, fk
from crm_store.types import AlertStatus, enum_column


class ShopperEvent(Base):
    """One shopper event as received; `type` is ours (an ASC alias is kept in `sent_as`)."""

    __tablename__ = "shopper_events"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "event_id"),  # NULL event ids never collide
        sa.Index("ix_shopper_events_customer_type", "customer_id", "type", "vehicle_id", "at"),
        sa.Index("ix_shopper_events_visitor", "dealership_id", "visitor_id", "at"),
        sa.Index("ix_shopper_events_dealership_at", "dealership_id", "at"),
        # one customer's events in a window, newest first (the rules, the lead score)
        sa.Index("ix_shopper_events_customer_at", "dealership_id", "customer_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = mapped_column(sa.ForeignKey("dealerships.id", ondelete="CASCADE"))
    event_id: Mapped[str | None] = mapped_column(sa.String(100))
    type: Mapped[str] = mapped_column(sa.String(60))
    sent_as: Mapped[str | None] = mapped_column(sa.String(60))
    at: Mapped[datetime]
    received_at: Mapped[datetime]
    visitor_id: Mapped[str | None] = mapped_column(sa.String(100))
    customer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE")
    )
    vehicle_id: Mapped[int | None] = fk("vehicles.id", null=True, on_delete="SET NULL")
    stock: Mapped[str | None] = mapped_column(sa.String(40))
    vin: Mapped[str | None] = mapped_column(sa.String(17))
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)


class VisitorLink(Base):
    """A website visitor id an event tied to a customer (by a phone or e-mail it carried).

    Kept apart from the web chat's `ChannelIdentity` on purpose: a form's phone is the
    shopper's word, so it attributes browsing to a customer but never opens that customer's
    chat history to the browser that sent it."""

    __tablename__ = "visitor_links"
    __table_args__ = (sa.UniqueConstraint("dealership_id", "visitor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = mapped_column(sa.ForeignKey("dealerships.id", ondelete="CASCADE"))
    visitor_id: Mapped[str] = mapped_column(sa.String(100))
    customer_id: Mapped[int] = fk("customers.id")
    linked_at: Mapped[datetime]


class VehicleInterest(Base):
    """A vehicle a customer asked about in a conversation: one row per customer and vehicle,
    with when they first and last asked and the channel of the last time."""

    __tablename__ = "vehicle_interest"
    __table_args__ = (
        sa.UniqueConstraint("customer_id", "vehicle_id"),
        sa.Index("ix_vehicle_interest_vehicle_last", "vehicle_id", "last_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = mapped_column(sa.ForeignKey("dealerships.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    vehicle_id: Mapped[int] = mapped_column(sa.ForeignKey("vehicles.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(sa.String(20))
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]


class Alert(Base):
    """An intent rule that fired for a customer: its reason in words, the key it is deduped
    by, and where it stands on the way to a staff member (routed like a handoff)."""

    __tablename__ = "alerts"
    __table_args__ = (
        sa.Index("ix_alerts_customer_key", "customer_id", "dedupe_key", "fired_at"),
        sa.Index("ix_alerts_dealership_fired", "dealership_id", "fired_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = mapped_column(sa.ForeignKey("dealerships.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"))
    vehicle_id: Mapped[int | None] = fk("vehicles.id", null=True, on_delete="SET NULL")
    rule: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.Text)
    dedupe_key: Mapped[str] = mapped_column(sa.String(120))
    fired_at: Mapped[datetime]
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[AlertStatus] = mapped_column(enum_column(AlertStatus, "alert_status"))
    assigned_staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    acked_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AlertStep(Base):
    """The audit trail of an alert, as `HandoffStep` is a handoff's: fired, paged, queued,
    acked, rerouted, resolved; who, by which rule."""

    __tablename__ = "alert_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = fk("alerts.id")
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(sa.String(30))
    staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    rule: Mapped[str | None] = mapped_column(sa.String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
