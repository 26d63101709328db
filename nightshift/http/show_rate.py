"""The show rate of a dealership's test drives, overall and per salesperson, for its managers
(or an integration): `/api/dealerships/{slug}/show-rate`, a part of the dealerships router
(which carries the prefix). It names the staff, so staff below manager may not read it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from crm_store import dealerships, show_rate, staff
from crm_store.errors import InvalidValue
from crm_store.records import ShowRate
from nightshift.http import auth
from nightshift.http.auth import Principal
from nightshift.http.deps import UowDep

router = APIRouter(tags=["appointments"])
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)  # any period a report can mean
ManagerDep = Annotated[Principal, Depends(auth.requires(*auth.MANAGERS))]


class RateOut(BaseModel):
    booked: int = Field(description="appointments starting in the period, cancelled ones aside")
    showed: int
    no_show: int
    pending: int = Field(description="booked or confirmed, not marked yet")
    rate: float | None = Field(description="showed / (showed + no_show); null if none marked")


class StaffRateOut(RateOut):
    handle: str
    name: str


class ShowRateOut(BaseModel):
    dealership: str
    timezone: str
    start: date
    end: date
    start_utc: datetime
    end_utc: datetime
    overall: RateOut
    staff: list[StaffRateOut]


@router.get("/{slug}/show-rate", response_model=ShowRateOut)
def get_show_rate(
    slug: str,
    uow: UowDep,
    who: ManagerDep,
    start: Annotated[date, Query(description="first day, in the dealership's time zone")],
    end: Annotated[date, Query(description="day after the last one (exclusive), local")],
) -> ShowRateOut:
    """Show rate of the test drives starting between two local dates, overall and per
    salesperson (those with at least one appointment in the period)."""
    for name, day in (("start", start), ("end", end)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidValue(name, day.isoformat(), f"a date from {FIRST_DAY} to {LAST_DAY}")
    if end <= start:
        raise InvalidValue("end", end.isoformat(), f"a date after start ({start.isoformat()})")
    dealer = dealerships.get_dealership(uow, slug=slug)
    who.require_dealership(dealer.id)
    zone = ZoneInfo(dealer.timezone)
    start_utc, end_utc = _local_midnight(start, zone), _local_midnight(end, zone)
    overall = show_rate.overall(uow, dealership_id=dealer.id, start=start_utc, end=end_utc)
    per_staff = show_rate.by_staff(uow, dealership_id=dealer.id, start=start_utc, end=end_utc)
    people = [staff.get_staff(uow, staff_id=staff_id) for staff_id in per_staff]
    return ShowRateOut(
        dealership=dealer.slug,
        timezone=dealer.timezone,
        start=start,
        end=end,
        start_utc=start_utc,
        end_utc=end_utc,
        overall=_rate_out(overall),
        staff=[
            StaffRateOut(handle=p.handle, name=p.name, **_rate_out(per_staff[p.id]).model_dump())
            for p in sorted(people, key=lambda p: p.handle)
        ],
    )


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `zone`."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _rate_out(rate: ShowRate) -> RateOut:
    return RateOut(
        booked=rate.booked,
        showed=rate.showed,
        no_show=rate.no_show,
        pending=rate.pending,
        rate=rate.rate,
    )
