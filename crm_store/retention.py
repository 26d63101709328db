"""Service retention, the KPI that says whether the dealership keeps the customers it sold
to: of the customers it sold a vehicle to in the `years` before a day, the share with a
service visit in the 12 months before that same instant.

- **Sold**: a customer with at least one owned vehicle `bought_here` whose `purchased_on` is
  in [as_of − `years`, as_of) in days (a sale on the day exactly `years` before counts, the
  day before does not). A customer with two such vehicles counts once; vehicles with no
  purchase date, or bought elsewhere, never count.
- **Returned**: a sold customer with a `service_visit` shopper event at or after
  `since` (the caller's "12 months before", an instant) and before `until`. Visits are
  counted whatever the vehicle and whether before or after the sale: the question is whether
  the customer still comes to this service lane.
- Everything is limited to one dealership (vehicles and events alike), and with `staff_id`
  to the customers assigned to that salesperson (`customers.assigned_staff_id`).

Two statements for the counts whatever the volume: the sold customers are a grouped read of
the dealership's owned vehicles (`uq_owned_vehicles_dealership_id_vin` leads with the
dealership), each tested for a visit with an `EXISTS` on `ix_shopper_events_customer_at`
(dealership, customer, time). The lists (the drill-down) are one page of those customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import sqlalchemy as sa

from crm_store.errors import InvalidValue
from crm_store.models import Customer, OwnedVehicle, ShopperEvent
from crm_store.uow import UnitOfWork

SERVICE_VISIT = "service_visit"
"""The shopper event type of a visit to the service lane (`signals.events`)."""

Which = Literal["sold", "returned", "lapsed"]
"""A drill-down list: every sold customer, those with a visit, or those without one."""


@dataclass(frozen=True, slots=True)
class Retention:
    """`returned` of the `sold` customers came back for service; `rate` is None with none
    sold (undefined, not 0)."""

    sold: int
    returned: int

    @property
    def rate(self) -> float | None:
        return self.returned / self.sold if self.sold else None


@dataclass(frozen=True, slots=True)
class RetainedCustomer:
    """One sold customer of a drill-down: their latest sale in the window and their latest
    service visit in the visit window (None: no visit)."""

    customer_id: int
    name: str | None
    last_sold_on: date
    last_visit_at: datetime | None


@dataclass(frozen=True, slots=True)
class Window:
    """Sales on days [sold_from, sold_until); visits at instants [since, until)."""

    sold_from: date
    sold_until: date
    since: datetime
    until: datetime


def service_retention(
    uow: UnitOfWork, *, dealership_id: int, window: Window, staff_id: int | None = None
) -> Retention:
    """How many customers were sold to in the window and how many of them came back."""
    sold = _sold(dealership_id, window, staff_id).subquery()
    row = uow.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(sa.case((_visited(dealership_id, sold.c.customer_id, window), 1))),
        ).select_from(sold)
    ).one()
    return Retention(sold=row[0], returned=row[1])


def retention_customers(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    window: Window,
    which: Which,
    staff_id: int | None = None,
    limit: int = 100,
) -> list[RetainedCustomer]:
    """The first `limit` customers of one list, latest sale first (then by id)."""
    if limit < 1:
        raise InvalidValue("limit", limit, "a positive number of customers")
    sold = _sold(dealership_id, window, staff_id).subquery()
    last_visit = (
        sa.select(sa.func.max(ShopperEvent.at))
        .where(*_visits(dealership_id, sold.c.customer_id, window))
        .scalar_subquery()
    )
    query = (
        sa.select(sold.c.customer_id, Customer.name, sold.c.last_sold_on, last_visit)
        .join(Customer, Customer.id == sold.c.customer_id)
        .order_by(sold.c.last_sold_on.desc(), sold.c.customer_id)
        .limit(limit)
    )
    visited = _visited(dealership_id, sold.c.customer_id, window)
    if which == "returned":
        query = query.where(visited)
    elif which == "lapsed":
        query = query.where(~visited)
    return [RetainedCustomer(*row) for row in uow.session.execute(query)]


def _sold(dealership_id: int, window: Window, staff_id: int | None) -> sa.Select[int, date | None]:
    """(customer_id, last_sold_on) of each customer sold to in the window."""
    for name, value in (("since", window.since), ("until", window.until)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidValue(name, value.isoformat(), "an aware datetime (UTC)")
    if window.sold_until <= window.sold_from or window.until <= window.since:
        raise InvalidValue("window", repr(window), "windows that end after they start")
    query = sa.select(
        OwnedVehicle.customer_id.label("customer_id"),
        sa.func.max(OwnedVehicle.purchased_on).label("last_sold_on"),
    ).where(
        OwnedVehicle.dealership_id == dealership_id,
        OwnedVehicle.bought_here.is_(True),
        OwnedVehicle.purchased_on >= window.sold_from,
        OwnedVehicle.purchased_on < window.sold_until,
    )
    if staff_id is not None:
        query = query.where(
            sa.exists().where(
                Customer.id == OwnedVehicle.customer_id, Customer.assigned_staff_id == staff_id
            )
        )
    return query.group_by(OwnedVehicle.customer_id)


def _visits(
    dealership_id: int, customer_id: sa.ColumnElement[int], window: Window
) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        ShopperEvent.dealership_id == dealership_id,
        ShopperEvent.customer_id == customer_id,
        ShopperEvent.at >= window.since,
        ShopperEvent.at < window.until,
        ShopperEvent.type == SERVICE_VISIT,
    )


def _visited(dealership_id: int, customer_id: sa.ColumnElement[int], window: Window) -> sa.Exists:
    return sa.exists().where(*_visits(dealership_id, customer_id, window))
