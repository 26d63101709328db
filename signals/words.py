"""Numbers, spans, dates and money written the way a salesperson reads them in an alert."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

CHANNELS = {"sms": "by text", "web": "in web chat", "email": "by e-mail", "voice": "by phone"}


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 102nd."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def span(length: timedelta) -> str:
    """ "under a minute", "45 min", "2 h 30 min" (under 10 h), "36 h" (under 2 days), "3 days"
    (whole units, rounded down)."""
    minutes = int(length.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 10 and rest:
        return f"{hours} h {rest} min"
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def ago(at: datetime, now: datetime) -> str:
    """ "just now" (under a minute), else "2 min ago", "3 days ago"."""
    length = now - at
    return "just now" if length < timedelta(minutes=1) else f"{span(length)} ago"


def day(at: datetime, zone: ZoneInfo, now: datetime) -> str:
    """ "May 10" in the dealership's time zone; "May 10, 2025" when not this year."""
    local = at.astimezone(zone)
    text = f"{local:%b} {local.day}"
    return text if local.year == now.astimezone(zone).year else f"{text}, {local.year}"


def clock(at: datetime, zone: ZoneInfo) -> str:
    """ "09:30" in the dealership's time zone (24-hour, as the console writes times)."""
    return f"{at.astimezone(zone):%H:%M}"


def money(amount: Decimal) -> str:
    """ "$1,500" for whole dollars, "$1,499.50" otherwise."""
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def by_channel(channel: str) -> str:
    return CHANNELS.get(channel, f"by {channel}")


def times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")
