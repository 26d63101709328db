"""Appointment times as the dealership's clock shows them: how a time reads in a text or an
invite subject, and when a text may go out (never in the quiet hours of the night).

Stored times are UTC; these turn them into the dealership's time zone, so a booking made
across a DST change still reads as the hour the shopper asked for.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_when(at: datetime, zone: str) -> str:
    """'Sat Mar 7 at 10:00 AM' in the dealership's time zone."""
    local = at.astimezone(ZoneInfo(zone))
    return f"{local:%a %b} {local.day} at {local:%I:%M %p}".replace(" 0", " ")


def outside_quiet_hours(at: datetime, zone: str, quiet_start: time, quiet_end: time) -> datetime:
    """`at`, or the end of the quiet hours it falls in (dealership-local, e.g. 21:00-08:00)."""
    local = at.astimezone(ZoneInfo(zone))
    now = local.time()
    quiet = (
        quiet_start <= now or now < quiet_end
        if quiet_start > quiet_end
        else quiet_start <= now < quiet_end
    )
    if not quiet:
        return at
    day = local.date() if now < quiet_end else local.date() + timedelta(days=1)
    return datetime.combine(day, quiet_end, tzinfo=ZoneInfo(zone))
