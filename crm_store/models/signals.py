"""Shopper signals: the events a dealer's website (or service department) sends about
shoppers, and which customer a website visitor turned out to be.

The indexes are the queries the intent rules make, each bounded by one person's events:
a customer's events of a type (and vehicle) since a time, a visitor's events, the
dealership's events by time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.models.base import Base, fk


class ShopperEvent(Base):
    """One shopper event as received; `type` is ours (an ASC alias is kept in `sent_as`)."""

    __tablename__ = "shopper_events"
    __table_args__ = (
        sa.UniqueConstraint("dealership_id", "event_id"),  # NULL event ids never collide
        sa.Index("ix_shopper_events_customer_type", "customer_id", "type", "vehicle_id", "at"),
        sa.Index("ix_shopper_events_visitor", "dealership_id", "visitor_id", "at"),
        sa.Index("ix_shopper_events_dealership_at", "dealership_id", "at"),
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
