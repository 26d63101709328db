"""The shopper's answer to a reminder, decided in code before the assistant sees it: "C"
confirms the next test drive, "can't make it" asks for a better time (the slot stays held
until it is moved). "Can't make it, cancel it" is not an answer here: the assistant cancels.

The conversation pipeline calls `reply_to_reminder` on every SMS turn, and its burst
coalescing asks `is_reminder_answer`, so such a message is answered on its own.
"""

from __future__ import annotations

import re

from booking.local_time import local_when
from booking.texts import Texts
from crm_store import appointments, dealerships, vehicles
from crm_store.db import Store

CONFIRM = re.compile(r"^\W*(c|confirm(ed)?|yes,? ?(c|confirm(ed)?)|i confirm|confirming)\W*$", re.I)
CANNOT = re.compile(
    r"\b(can'?t|cannot|won'?t be able to|unable to|not able to) make it\b"
    r"|\bneed to (re-?schedule|move it|change (the )?time)\b",
    re.I,
)
CANCEL = re.compile(r"\b(cancel|call (it )?off)\b", re.I)


def is_reminder_answer(text: str) -> bool:
    """Whether `text` is "C" or "can't make it" (and not "can't make it, cancel it")."""
    return bool(CONFIRM.match(text) or (CANNOT.search(text) and not CANCEL.search(text)))


def reply_to_reminder(store: Store, shopper_id: int, text: str, texts: Texts) -> str | None:
    """The answer to "C" (confirms the shopper's next test drive) or "can't make it" (asks
    for a better time; the slot stays held until it is moved); None for anything else, or
    when the shopper has no upcoming test drive."""
    if not is_reminder_answer(text):
        return None
    with store.unit_of_work() as uow:
        upcoming = appointments.upcoming_for_customer(uow, customer_id=shopper_id)
        if not upcoming:
            return None
        appt = upcoming[0]
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=appt.dealership_id)
        car = vehicles.get_vehicle_by_id(uow, vehicle_id=appt.vehicle_id)
        when = local_when(appt.starts_at, dealer.timezone)
        if CONFIRM.match(text):
            appointments.confirm(uow, appointment_id=appt.id)
            return texts("reminder_confirmed", str(appt.id), title=car.title, when=when)
    return texts("reminder_reschedule", str(appt.id), when=when)
