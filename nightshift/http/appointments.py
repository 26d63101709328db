"""Staff marking test drives (confirmed, showed, no-show, cancelled) and the show rate.

Both need an API token of the appointment's dealership (`nightshift.http.auth`): any staff role
may mark a test drive, only a manager (or an integration) reads the show rate, which names
the staff. A staff member's token acts as that person; an integration names the staff
member in `staff`. Every change is audited.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from crm_store import appointments, dealerships, show_rate, staff
from crm_store.errors import InvalidValue
from crm_store.records import AppointmentRecord, ShowRate
from crm_store.types import AppointmentStatus
from nightshift.http import auth
from nightshift.http.auth import ActingStaff, Principal, speaker
from nightshift.http.deps import UowDep
from nightshift.http.params import DbId

router = APIRouter(tags=["appointments"])
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)  # any period a report can mean
StaffDep = Annotated[Principal, Depends(auth.requires(*auth.ANY_STAFF))]
ManagerDep = Annotated[Principal, Depends(auth.requires(*auth.MANAGERS))]


class StatusIn(BaseModel):
    status: Literal["confirmed", "showed", "no_show", "cancelled"]
    staff: ActingStaff = None
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
def set_appointment_status(
    appointment_id: DbId, body: StatusIn, uow: UowDep, who: StaffDep
) -> AppointmentOut:
    """Mark a test drive confirmed, showed, no-show or cancelled.

    Showed and no-show only once it has started, confirmed only before; showed, no-show and
    cancelled are final. Repeating the current status changes nothing. A refused change is a
    422 naming `status`, with the states allowed from here.
    """
    current = appointments.get_appointment(uow, appointment_id=appointment_id)
    who.require_dealership(current.dealership_id)
    member = speaker(uow, who, body.staff)
    changed = appointments.set_status(
        uow,
        appointment_id=appointment_id,
        status=AppointmentStatus(body.status),
        staff_id=member.id,
        note=body.note,
    )
    detail = {"from": current.status.value, "to": changed.status.value, "as": member.handle}
    who.audit(uow, "appointment_status", f"appointment:{appointment_id}", detail)
    return _appointment_out(changed)


@router.get("/api/dealerships/{slug}/show-rate", response_model=ShowRateOut, tags=["dealerships"])
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


def _appointment_out(record: AppointmentRecord) -> AppointmentOut:
    return AppointmentOut(
        id=record.id,
        status=record.status,
        starts_at=record.starts_at,
        vehicle_id=record.vehicle_id,
        staff_id=record.staff_id,
        sequence=record.sequence,
    )
