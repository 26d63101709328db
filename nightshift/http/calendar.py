"""The shopper's calendar link: `/appointments/{token}.ics`, an unguessable token per
appointment (never its id). A cancelled appointment's file is a METHOD:CANCEL, so a calendar
that imported it drops the event."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Response

from booking.calendar import CalendarParts
from crm_store import appointments
from crm_store.errors import NotFound
from nightshift.http import auth
from nightshift.http.deps import SettingsDep, StoreDep

router = APIRouter(prefix="/appointments", tags=["appointments"])
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@router.get(
    "/{token}.ics",
    response_class=Response,
    dependencies=[Depends(auth.public("the shopper's calendar file, by unguessable token"))],
)
def appointment_calendar(token: str, store: StoreDep, settings: SettingsDep) -> Response:
    """The test drive as an iCalendar file, for the shopper's calendar."""
    if not TOKEN.fullmatch(token):
        raise NotFound("appointment not found")
    with store.reading() as uow:
        parts = CalendarParts.load(uow, appointments.get_by_token(uow, token=token))
    body = parts.ics(now=store.clock.now(), organizer_email=settings.mail_from)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="test-drive.ics"'},
    )
