"""The shopper's standing test drive, as the store has it, in the dialogue's slots.

A returning shopper's drive may have been booked on another day, in another conversation or
by staff; it may since have been moved or cancelled by staff, or have passed. The graph reads
it from the store at the start of every turn (`standing_updates`), before any engine runs, so
"what time is my test drive", "move it to friday at 3" and "cancel it" are about the drive
that stands, whichever engine answers, and the booking tools (which act on the soonest
upcoming drive) and the slots always mean the same appointment.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from contracts.dialogue import Heard, Slots, SlotUpdate
from crm_store import appointments, vehicles
from crm_store.uow import UnitOfWork

AppointmentSlot = Literal[
    "appointment_id", "appointment_stock", "appointment_day", "appointment_time"
]
# The slots that name the drive: set by a booking in this conversation (`agent.slots`) or
# from the store here.
APPOINTMENT_SLOTS: tuple[AppointmentSlot, ...] = (
    "appointment_id",
    "appointment_stock",
    "appointment_day",
    "appointment_time",
)


def drive_slots(appointment_id: int, stock: str, starts_at: str) -> SlotUpdate:
    """The `APPOINTMENT_SLOTS` naming a drive that starts at `starts_at` (local
    YYYY-MM-DDTHH:MM)."""
    return {
        "appointment_id": appointment_id,
        "appointment_stock": stock,
        "appointment_day": starts_at[:10],
        "appointment_time": starts_at[11:16],
    }


def standing_updates(
    uow: UnitOfWork, *, customer_id: int, zone: ZoneInfo, slots: Slots
) -> SlotUpdate:
    """Slot updates that make the slots name the customer's soonest upcoming appointment (the
    one `reschedule_test_drive` and `cancel_test_drive` act on), or name none when none
    stands. Empty when the slots already agree with the store."""
    upcoming = appointments.upcoming_for_customer(uow, customer_id=customer_id)
    if not upcoming:
        if not any(slots.get(k) for k in APPOINTMENT_SLOTS):
            return {}
        cleared: SlotUpdate = {}
        for key in APPOINTMENT_SLOTS:
            cleared[key] = None
        cleared["rescheduling"] = None
        return cleared
    soonest = upcoming[0]
    car = vehicles.get_vehicle_by_id(uow, vehicle_id=soonest.vehicle_id)
    local = soonest.starts_at.astimezone(zone)
    updates = drive_slots(soonest.id, car.stock, local.strftime("%Y-%m-%dT%H:%M"))
    for key in APPOINTMENT_SLOTS:  # only what differs from the slots
        if slots.get(key) == updates.get(key):
            del updates[key]
    if updates and not slots.get("vehicle_of_interest"):
        updates["vehicle_of_interest"] = car.stock  # "what colour is it": the car to drive
    return updates


_UNITS = r"(?P<unit>hours?|hrs?|h|minutes?|mins?|m)\b"
_AMOUNT = r"(?P<n>an?|one|two|three|a couple(?: of)?|couple|half an?|\d{1,3})\s*"
_SHIFT = (
    re.compile(  # "push it back an hour", "move it up 30 min", "bump my appt later by an hour"
        r"\b(?:push|move|bump|shift|make|slide|set)\s+(?:(?:it|that|this|my\s+\w+|the\s+\w+)"
        r"(?:\s+drive)?\s+)?(?P<dir>back|later|up|earlier|forward|ahead|sooner)\s+(?:by\s+)?"
        + _AMOUNT
        + _UNITS,
        re.IGNORECASE,
    ),
    re.compile(  # "can we do it an hour later", "half an hour earlier?"
        r"\b" + _AMOUNT + _UNITS + r"\s+(?P<dir>later|earlier|sooner|before|after)\b",
        re.IGNORECASE,
    ),
)
_LATER = ("back", "later", "after")
_COUNTS = {"a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0}


def shifted(text: str, slots: Slots) -> str | None:
    """The standing drive's new local start (YYYY-MM-DDTHH:MM) when the message moves it by an
    amount ("push it back an hour", "30 min earlier"): a time the shopper named, by way of
    the time booked. None when it names no such shift or no drive stands."""
    day, at = slots.get("appointment_day"), slots.get("appointment_time")
    found = next((hit for p in _SHIFT if (hit := p.search(text))), None)
    if not (day and at and found):
        return None
    minutes = _minutes(found["n"].lower(), found["unit"].lower())
    if not minutes:
        return None
    sign = 1 if found["dir"].lower() in _LATER else -1
    start = datetime.fromisoformat(f"{day}T{at}") + sign * timedelta(minutes=minutes)
    return start.strftime("%Y-%m-%dT%H:%M")


def _minutes(amount: str, unit: str) -> float:
    if amount.startswith("half"):
        return 30.0
    count = float(amount) if amount[0].isdigit() else 2.0 if "couple" in amount else 0.0
    count = count or _COUNTS.get(amount, 0.0)
    return count * 60 if unit.startswith("h") else count


def with_shift(text: str, slots: Slots, heard: SlotUpdate) -> SlotUpdate:
    """`agent.consent.hear`'s updates, with a shift of the standing drive ("push it back an
    hour") as the exact time the shopper named: the move may then be made (see `shifted`)."""
    moved = shifted(text, slots)
    if moved is None:
        return heard
    named: Heard = {**(heard.get("heard") or {}), "named": moved}
    return {**heard, "requested_day": moved[:10], "requested_time": moved[11:], "heard": named}
