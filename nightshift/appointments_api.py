"""Staff marking test drives (confirmed, showed, no-show, cancelled) and the show rate.

There is no staff login yet: the staff member is named by handle in the request body, as for
staff replies (`nightshift.staff_api`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from crm_store import appointments, dealerships, show_rate, staff
from crm_store.errors import InvalidValue
from crm_store.records import AppointmentRecord, ShowRate
from crm_store.types import AppointmentStatus
from nightshift.deps import UowDep

router = APIRouter(tags=["appointments"])


class StatusIn(BaseModel):
    status: Literal["confirmed", "showed", "no_show", "cancelled"]
    staff: str = Field(min_length=1, max_length=40, description="the staff member's handle")
    note: str | None = Field(default=None, max_length=500)


class AppointmentOut(BaseModel):
    id: int
    status: AppointmentStatus
    starts_at: datetime
    vehicle_id: int
    staff_id: int | None
    sequence: int


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


@router.post("/api/appointments/{appointment_id}/status", response_model=AppointmentOut)
def set_appointment_status(appointment_id: int, body: StatusIn, uow: UowDep) -> AppointmentOut:
    """Mark a test drive confirmed, showed, no-show or cancelled.

    Showed and no-show only once it has started, confirmed only before; showed, no-show and
    cancelled are final. Repeating the current status changes nothing. A refused change is a
    422 naming `status`, with the states allowed from here.
    """
    current = appointments.get_appointment(uow, appointment_id=appointment_id)
    member = staff.find_staff(uow, dealership_id=current.dealership_id, handle=body.staff)
    changed = appointments.set_status(
        uow,
        appointment_id=appointment_id,
        status=AppointmentStatus(body.status),
        staff_id=member.id,
        note=body.note,
    )
    return _appointment_out(changed)


@router.get("/api/dealerships/{slug}/show-rate", response_model=ShowRateOut, tags=["dealerships"])
def get_show_rate(
    slug: str,
    uow: UowDep,
    start: Annotated[date, Query(description="first day, in the dealership's time zone")],
    end: Annotated[date, Query(description="day after the last one (exclusive), local")],
) -> ShowRateOut:
    """Show rate of the test drives starting between two local dates, overall and per
    salesperson (those with at least one appointment in the period)."""
    if end <= start:
        raise InvalidValue("end", end.isoformat(), f"a date after start ({start.isoformat()})")
    dealer = dealerships.get_dealership(uow, slug=slug)
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


def _appointment_out(record: AppointmentRecord) -> AppointmentOut:
    return AppointmentOut(
        id=record.id,
        status=record.status,
        starts_at=record.starts_at,
        vehicle_id=record.vehicle_id,
        staff_id=record.staff_id,
        sequence=record.sequence,
    )
