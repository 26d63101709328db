"""A dealership's resources under `/api/dealerships`: its public listing and inventory, and
(for its managers) the show rate of its test drives (`nightshift.http.show_rate`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from crm_store import dealerships, vehicles
from crm_store.records import DealershipRecord
from crm_store.types import Condition, VehicleStatus
from nightshift.http import auth, show_rate
from nightshift.http.deps import UowDep

router = APIRouter(prefix="/api/dealerships", tags=["dealerships"])
# What a dealer's own website shows anyone: name, hours, address, the cars for sale.
PublicListing = Depends(auth.public("the dealership's public listing and inventory"))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DealershipOut(BaseModel):
    slug: str
    name: str
    timezone: str
    phone: str | None
    address: str | None
    test_drive_minutes: int
    hours: dict[str, str]


class VehicleOut(BaseModel):
    stock: str
    vin: str
    year: int
    make: str
    model: str
    trim: str | None
    condition: Condition
    body: str | None
    color: str | None
    mileage: int
    price: Decimal
    status: VehicleStatus
    features: list[str]


@router.get("", response_model=list[DealershipOut], dependencies=[PublicListing])
def list_dealerships(uow: UowDep) -> list[DealershipOut]:
    return [_dealership_out(d) for d in dealerships.list_dealerships(uow)]


@router.get("/{slug}", response_model=DealershipOut, dependencies=[PublicListing])
def get_dealership(slug: str, uow: UowDep) -> DealershipOut:
    return _dealership_out(dealerships.get_dealership(uow, slug=slug))


@router.get("/{slug}/inventory", response_model=list[VehicleOut], dependencies=[PublicListing])
def inventory(
    slug: str,
    uow: UowDep,
    status: Annotated[list[VehicleStatus], Query()] = [VehicleStatus.AVAILABLE],  # noqa: B006
) -> list[VehicleOut]:
    """The dealership's vehicles; by default only those available to sell or test-drive."""
    dealer = dealerships.get_dealership(uow, slug=slug)
    rows = vehicles.list_vehicles(uow, dealership_id=dealer.id, statuses=status)
    return [
        VehicleOut(
            stock=v.stock,
            vin=v.vin,
            year=v.year,
            make=v.make,
            model=v.model,
            trim=v.trim,
            condition=v.condition,
            body=v.body,
            color=v.color,
            mileage=v.mileage,
            price=v.price,
            status=v.status,
            features=list(v.features),
        )
        for v in rows
    ]


def _hours(dealer: DealershipRecord) -> dict[str, str]:
    return {
        WEEKDAYS[day]: f"{start:%H:%M}-{end:%H:%M}"
        for day, (start, end) in sorted(dealer.hours.items())
    }


def _dealership_out(dealer: DealershipRecord) -> DealershipOut:
    return DealershipOut(
        slug=dealer.slug,
        name=dealer.name,
        timezone=dealer.timezone,
        phone=dealer.phone,
        address=dealer.address,
        test_drive_minutes=dealer.test_drive_minutes,
        hours=_hours(dealer),
    )


router.include_router(show_rate.router)  # /{slug}/show-rate, under this prefix
