"""One day's open test-drive slots, worked out from calendars already loaded: no queries.

`crm_store.availability` loads what a question needs once (the dealership, the car, the sales
reps and the standing appointments of every day it looks at) and asks this module day by day,
so a search over many days costs one query per range of days, not several per day. Local wall
times (sales hours, shifts, the slot grid) follow the dealership's time zone across DST changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from crm_store.records import StaffRecord, Weekly
from crm_store.types import StaffStatus

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class BookingPolicy:
    """The dealership's booking rules (settings): slots start every `step`, no sooner than
    `lead_time` from now, with `buffer` kept free before and after each drive of the same car
    or salesperson (to bring the car back, clean it, and meet the next shopper)."""

    lead_time: timedelta = timedelta(hours=1)
    buffer: timedelta = timedelta(0)
    step: timedelta = timedelta(minutes=30)


DEFAULT_POLICY = BookingPolicy()


@dataclass(frozen=True, slots=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    staff_id: int | None


class Booked(NamedTuple):
    """A standing (not cancelled) appointment, as much of it as availability needs."""

    id: int
    vehicle_id: int
    staff_id: int | None
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Request:
    """What stays the same for every day of one availability question.

    `reps` are the dealership's active sales reps whatever their status; `not_before` is now
    plus the lead time; `ignoring` is the appointment left out of the calendars (the one being
    rescheduled).
    """

    zone: ZoneInfo
    hours: Weekly
    length: timedelta
    vehicle_id: int
    reps: list[StaffRecord]
    not_before: datetime
    preferred_staff_id: int | None
    ignoring: int | None
    policy: BookingPolicy


def window(request: Request, day: date) -> Interval | None:
    """The UTC span of `day`'s calendars, None when closed: the sales hours widened by the
    buffer on both sides. The appointments overlapping it are those that can block a slot
    that day, and a rep's load that day is how many of them are theirs."""
    if day.weekday() not in request.hours:
        return None
    opens, closes = request.hours[day.weekday()]
    pad = request.policy.buffer
    start = datetime.combine(day, opens, tzinfo=request.zone) - pad
    end = datetime.combine(day, closes, tzinfo=request.zone) + pad
    return start.astimezone(UTC), end.astimezone(UTC)


def day_slots(request: Request, day: date, booked: Iterable[Booked]) -> list[Slot]:
    """Every open slot of the request's car on the local date `day`, in time order.

    `booked` must hold at least every standing appointment overlapping `window(request, day)`;
    the rest are skipped. A slot needs the car free (with the buffer) and, when any rep works
    that day, a free rep on shift (see `_pick_rep`); with no rep on shift it has no staff id.
    """
    bounds = window(request, day)
    if bounds is None:
        return []
    low, high = bounds
    car: list[Interval] = []
    by_rep: dict[int, list[Interval]] = {}
    for a in booked:
        if a.id == request.ignoring or not (a.starts_at < high and a.ends_at > low):
            continue
        if a.vehicle_id == request.vehicle_id:
            car.append((a.starts_at, a.ends_at))
        if a.staff_id is not None:
            by_rep.setdefault(a.staff_id, []).append((a.starts_at, a.ends_at))
    weekday = day.weekday()
    team = [
        _OnShift(rep.id, *rep.shifts[weekday], by_rep.get(rep.id, []))
        for rep in request.reps
        if rep.status is not StaffStatus.OFF and weekday in rep.shifts
    ]
    zone, length, pad = request.zone, request.length, request.policy.buffer
    opens, closes = request.hours[weekday]
    start = datetime.combine(day, opens, tzinfo=zone)
    end_of_day = datetime.combine(day, closes, tzinfo=zone)
    slots: list[Slot] = []
    while start + length <= end_of_day:
        ends = start + length
        padded = (start - pad).astimezone(UTC), (ends + pad).astimezone(UTC)
        if start >= request.not_before and not _clash(car, padded):
            rep_id = _pick_rep(team, zone, start, ends, request.preferred_staff_id, padded)
            if rep_id is not None or not team:
                slots.append(Slot(start, ends, rep_id))
        start += request.policy.step
    return slots


class _OnShift(NamedTuple):
    """A rep who works that day (not `off`), with their shift and that day's appointments."""

    id: int
    starts: time
    ends: time | None
    busy: list[Interval]


def _clash(busy: list[Interval], span: Interval) -> bool:
    """Whether any interval of `busy` overlaps `span` (all UTC)."""
    start, end = span
    return any(s < end and e > start for s, e in busy)


def _pick_rep(
    team: list[_OnShift],
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
    preferred: int | None,
    padded: Interval,
) -> int | None:
    """Fair rotation: the preferred rep if on shift for the whole drive and free (nothing
    booked overlapping `padded`, the drive widened by the buffer), else the free rep with the
    fewest appointments that day, ties to the lowest id; None when nobody is free."""
    begins, ends = start.astimezone(zone).time(), end.astimezone(zone).time()
    free = [
        (len(rep.busy), rep.id)
        for rep in team
        if rep.starts <= begins and ends <= (rep.ends or time.max) and not _clash(rep.busy, padded)
    ]
    if any(rep_id == preferred for _, rep_id in free):
        return preferred
    return min(free, default=(0, None))[1]
