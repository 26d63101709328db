"""Who gets the page: the routing ladder, as a pure function of the staff, the clock and what
happened so far (so every rule is tested with an advancing clock, no database needed).

The ladder, first match wins:
1. `owner`: the shopper's assigned salesperson, on shift now and available (not busy/off);
2. `rotation`: the next available on-shift sales rep, fair rotation (fewest live handoffs,
   then whoever was paged least recently);
3. `manager_on_duty`: an on-shift manager who is not off;
4. nobody on shift who can take it (after hours, or everyone busy/off/already paged):
   urgent reasons (complaint, purchase_intent) page the on-call manager at once
   (`after_hours_on_call`); anything else waits for the owner, or the first rep on shift,
   at the next time someone is on shift (`queued_until_open`).
Everyone already paged in this round is skipped; a page nobody acknowledges in time moves to
the next rung (the caller's ack timeout calls `route` again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from crm_store.records import StaffRecord, Weekly
from crm_store.types import Role, StaffStatus

SEARCH_DAYS = 14


@dataclass(frozen=True, slots=True)
class Decision:
    """Page `staff_id` now (`at` is None), or wait until `at` (then route again)."""

    staff_id: int | None
    rule: str
    at: datetime | None = None

    @property
    def pages_now(self) -> bool:
        return self.staff_id is not None and self.at is None


def on_shift(member: StaffRecord, at: datetime, zone: ZoneInfo) -> bool:
    local = at.astimezone(zone)
    shift = member.shifts.get(local.weekday())
    if shift is None:
        return False
    starts, ends = shift
    return starts <= local.time() < (ends or time.max)


def route(
    *,
    staff: Sequence[StaffRecord],
    now: datetime,
    timezone: str,
    owner_id: int | None,
    paged: Sequence[int],
    urgent: bool,
    load: Mapping[int, int] | None = None,
    last_paged: Mapping[int, datetime] | None = None,
    on_call: str | None = None,
) -> Decision:
    zone = ZoneInfo(timezone)
    load = load or {}
    last_paged = last_paged or {}
    team = [m for m in staff if m.active]
    skip = set(paged)

    def can_take(member: StaffRecord) -> bool:
        return (
            member.id not in skip
            and member.status is StaffStatus.AVAILABLE
            and on_shift(member, now, zone)
        )

    owner = next((m for m in team if m.id == owner_id), None)
    if owner is not None and can_take(owner):
        return Decision(owner.id, "owner")
    reps = [m for m in team if m.role is Role.SALES and can_take(m)]
    if reps:
        never = datetime.min.replace(tzinfo=now.tzinfo)
        rep = min(reps, key=lambda m: (load.get(m.id, 0), last_paged.get(m.id, never), m.id))
        return Decision(rep.id, "rotation")
    managers = [
        m
        for m in team
        if m.role is Role.MANAGER
        and m.id not in skip
        and m.status is not StaffStatus.OFF
        and on_shift(m, now, zone)
    ]
    if managers:
        return Decision(min(managers, key=lambda m: m.id).id, "manager_on_duty")
    if urgent:
        duty = _on_call_manager(team, on_call)
        if duty is not None and duty.id not in skip:
            return Decision(duty.id, "after_hours_on_call")
    return _queue(team, now, zone, owner)


def _on_call_manager(team: Sequence[StaffRecord], handle: str | None) -> StaffRecord | None:
    managers = sorted((m for m in team if m.role is Role.MANAGER), key=lambda m: m.id)
    chosen = next((m for m in managers if m.handle == handle), None) if handle else None
    return chosen or next(iter(managers), None)


def _queue(
    team: Sequence[StaffRecord], now: datetime, zone: ZoneInfo, owner: StaffRecord | None
) -> Decision:
    """Wait for the owner's next shift, else the first sales shift to start (else any)."""
    sales = [m for m in team if m.role is Role.SALES and m.status is not StaffStatus.OFF]
    for candidates in ([owner] if owner else [], sales, list(team)):
        starts = [
            (when, m.id)
            for m in candidates
            if (when := next_shift_start(m.shifts, now, zone)) is not None
        ]
        if starts:
            when, member_id = min(starts)
            return Decision(member_id, "queued_until_open", when)
    return Decision(None, "nobody_on_shift", now + timedelta(days=1))


def next_shift_start(shifts: Weekly, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The next time a weekly shift (or opening hours) starts after `now`, in `zone`."""
    local = now.astimezone(zone)
    for offset in range(SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        shift = shifts.get(day.weekday())
        if shift is None:
            continue
        start = datetime.combine(day, shift[0], tzinfo=zone)
        if start > local:
            return start
    return None


def open_now(hours: Weekly, now: datetime, timezone: str) -> bool:
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    today = hours.get(local.weekday())
    return today is not None and today[0] <= local.time() < (today[1] or time.max)
