"""Which vehicles a customer asked about in a conversation, and who showed interest in one
vehicle (for a price drop).

`record_asked` is written after each assistant turn from the vehicles under discussion:
one row per customer and vehicle, keeping when they first and last asked and the channel of
the last time (an upsert, so two turns racing on the same pair leave one row). The intent
rules read it as "asked about it by text on May 10".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from crm_store.models import ShopperEvent, Vehicle, VehicleInterest
from crm_store.records import from_row
from crm_store.shopper_events import ShopperEventRecord
from crm_store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class InterestRecord:
    id: int
    dealership_id: int
    customer_id: int
    vehicle_id: int
    channel: str  # of the last time they asked: "sms", "web", ...
    first_at: datetime
    last_at: datetime


@dataclass(frozen=True, slots=True)
class Interested:
    """Everyone's interest in one vehicle since a time: the customers' events naming it
    and their questions about it."""

    events: list[ShopperEventRecord]
    asked: list[InterestRecord]


def record_asked(
    uow: UnitOfWork, *, dealership_id: int, customer_id: int, stocks: Collection[str], channel: str
) -> int:
    """The customer asked about the dealership's vehicles with these stock numbers now, on
    `channel`; stock numbers not in the inventory are skipped. Returns how many vehicles."""
    if not stocks:
        return 0
    found = uow.session.scalars(
        sa.select(Vehicle.id).where(
            Vehicle.dealership_id == dealership_id, Vehicle.stock.in_(set(stocks))
        )
    ).all()
    if not found:
        return 0
    now = uow.now()
    rows = [
        {
            "dealership_id": dealership_id,
            "customer_id": customer_id,
            "vehicle_id": vehicle_id,
            "channel": channel,
            "first_at": now,
            "last_at": now,
        }
        for vehicle_id in sorted(found)
    ]
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(VehicleInterest).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["customer_id", "vehicle_id"],
        set_={"last_at": statement.excluded.last_at, "channel": statement.excluded.channel},
    )
    uow.session.execute(statement)
    return len(found)


def asked_by(uow: UnitOfWork, *, customer_id: int) -> list[InterestRecord]:
    """The vehicles the customer asked about, oldest question first."""
    return asked_since(uow, customer_ids=[customer_id]).get(customer_id, [])


def asked_since(
    uow: UnitOfWork, *, customer_ids: Collection[int], since: datetime | None = None
) -> dict[int, list[InterestRecord]]:
    """`asked_by` for many customers in one query (only the vehicles last asked about at or
    after `since`, when given): per customer id, oldest question first (a customer with none
    is absent)."""
    if not customer_ids:
        return {}
    query = sa.select(VehicleInterest).where(VehicleInterest.customer_id.in_(set(customer_ids)))
    if since is not None:
        query = query.where(VehicleInterest.last_at >= since)
    found: dict[int, list[InterestRecord]] = {}
    for row in uow.session.scalars(query.order_by(VehicleInterest.first_at, VehicleInterest.id)):
        found.setdefault(row.customer_id, []).append(from_row(InterestRecord, row))
    return found


def interested_in(
    uow: UnitOfWork, *, vehicle_id: int, types: Collection[str], since: datetime
) -> Interested:
    """Customers' events of `types` naming the vehicle at or after `since` (anonymous ones
    left out), and the questions about it last asked at or after `since`; two indexed
    queries, bounded by that vehicle's interest, not by all events."""
    events = uow.session.scalars(
        sa.select(ShopperEvent)
        .where(
            ShopperEvent.vehicle_id == vehicle_id,
            ShopperEvent.type.in_(set(types)),
            ShopperEvent.at >= since,
            ShopperEvent.customer_id.is_not(None),
        )
        .order_by(ShopperEvent.at, ShopperEvent.id)
    )
    asked = uow.session.scalars(
        sa.select(VehicleInterest)
        .where(VehicleInterest.vehicle_id == vehicle_id, VehicleInterest.last_at >= since)
        .order_by(VehicleInterest.id)
    )
    return Interested(
        events=[from_row(ShopperEventRecord, row) for row in events],
        asked=[from_row(InterestRecord, row) for row in asked],
    )
