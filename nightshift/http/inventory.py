"""Inventory changes from a dealer's feed or a manager: `PATCH /api/inventory/{stock}` sets a
vehicle's price and/or status, with an integration API token or a manager's (as
`/api/events`). A stock number the dealership does not have is a 404 naming it; a bad
field a 422 naming it. A `dealership` given in the body must be the credential's slug.

A lower price runs the price-drop rule in the same transaction (`signals.price_changes`):
alerts for the customers who viewed, watched or asked about the vehicle; the answer counts
them. Every change is audited with the old and new values."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Path
from pydantic import BaseModel, ConfigDict, Field, model_validator

from crm_store import dealerships, vehicles
from crm_store.types import VehicleStatus
from nightshift.http import auth
from nightshift.http.auth import Forbidden, Principal
from nightshift.http.deps import ServicesDep, UowDep
from nightshift.infra import logs
from signals.price_changes import price_changed

log = logging.getLogger("nightshift.inventory")
router = APIRouter(prefix="/api/inventory", tags=["inventory"])
WriterDep = Annotated[Principal, Depends(auth.requires(*auth.MANAGERS))]
Stock = Annotated[str, Path(min_length=1, max_length=40, description="the stock number")]


class ListingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price: Decimal | None = Field(
        default=None, ge=0, le=10_000_000, decimal_places=2, description="the new price"
    )
    status: VehicleStatus | None = None
    dealership: str | None = Field(default=None, min_length=1, max_length=80)

    @model_validator(mode="after")
    def _something(self) -> ListingIn:
        if self.price is None and self.status is None:
            raise ValueError("nothing to change; expected a price, a status or both")
        return self


class ListingOut(BaseModel):
    stock: str
    price: float
    status: VehicleStatus
    alerts: int  # price-drop alerts this change wrote


@router.patch(
    "/{stock}",
    response_model=ListingOut,
    responses={404: {"description": "no vehicle with this stock number"}},
)
def update_listing(
    stock: Stock,
    body: ListingIn,
    uow: UowDep,
    who: WriterDep,
    services: ServicesDep,
    after_commit: BackgroundTasks,
) -> ListingOut:
    """Set a vehicle's price and/or status (available, pending, sold); a price drop alerts
    the customers interested in it."""
    if body.dealership is not None:
        slug = dealerships.get_dealership_by_id(uow, dealership_id=who.dealership_id).slug
        if body.dealership != slug:
            raise Forbidden("this change names another dealership than this credential's")
    before = vehicles.get_vehicle(uow, dealership_id=who.dealership_id, stock=stock)
    after = vehicles.set_listing(uow, vehicle_id=before.id, price=body.price, status=body.status)
    detail: dict[str, Any] = {}
    if after.status is not before.status:
        detail["status"] = [before.status.value, after.status.value]
    if after.price != before.price:
        detail["price"] = [str(before.price), str(after.price)]
    fired = price_changed(uow, vehicle=after, old=before.price)
    who.audit(uow, "inventory_update", f"vehicle:{stock}", {**detail, "alerts": len(fired)})
    logs.event(log, "inventory_updated", stock=stock, changed=",".join(detail), alerts=len(fired))
    if fired:  # their routing jobs are due once this commits: page at once
        after_commit.add_task(services.wake_jobs)
    return ListingOut(
        stock=after.stock, price=float(after.price), status=after.status, alerts=len(fired)
    )
