"""Staff marking test drives (confirmed, showed, no-show, cancelled), under `/api/appointments`.

It needs an API token of the appointment's dealership (`nightshift.http.auth`), of any staff
role. A staff member's token acts as that person; an integration names the staff member in
`staff`. Every change is audited. The show rate is a dealership's report
(`nightshift.http.show_rate`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from crm_store import appointments
from crm_store.records import AppointmentRecord
from crm_store.types import AppointmentStatus
from nightshift.http import auth
from nightshift.http.auth import ActingStaff, Principal, speaker
from nightshift.http.deps import UowDep
from nightshift.http.params import DbId

router = APIRouter(prefix="/api/appointments", tags=["appointments"])
StaffDep = Annotated[Principal, Depends(auth.requires(*auth.ANY_STAFF))]


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


@router.post("/{appointment_id}/status", response_model=AppointmentOut)
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


def _appointment_out(record: AppointmentRecord) -> AppointmentOut:
    return AppointmentOut(
        id=record.id,
        status=record.status,
        starts_at=record.starts_at,
        vehicle_id=record.vehicle_id,
        staff_id=record.staff_id,
        sequence=record.sequence,
    )
