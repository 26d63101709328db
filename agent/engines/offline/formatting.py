"""How the offline engine writes vehicles, money and times in SMS-sized text."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from crm_store.records import DealershipRecord

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def money(amount: Any) -> str:
    value = float(amount)
    return f"${value:,.0f}" if value == int(value) else f"${value:,.2f}"


def phone(number: str) -> str:
    """'+18055550100' -> '(805) 555-0100'; other numbers as given."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return number
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def clock(t: time) -> str:
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def day_name(moment: datetime) -> str:
    return f"{WEEKDAY_NAMES[moment.weekday()]}, {moment:%B} {moment.day}"


def when(local_iso: str) -> str:
    moment = datetime.fromisoformat(local_iso)
    return f"{day_name(moment)} at {clock(moment.time())}"


def times_list(local_isos: list[str]) -> str:
    """'10:00 AM, 10:30 AM or 11:00 AM' on one day, or full dates when they differ."""
    moments = [datetime.fromisoformat(s) for s in local_isos]
    same_day = len({m.date() for m in moments}) == 1
    parts = [
        clock(m.time()) if same_day else when(s) for m, s in zip(moments, local_isos, strict=True)
    ]
    listed = joined(parts, "or")
    return f"{day_name(moments[0])}: {listed}" if same_day else listed


def joined(parts: list[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or with `last`="or")."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {last} " + parts[-1]


def vehicle_line(v: dict[str, Any]) -> str:
    bits = [v["title"]]
    if v.get("color"):
        bits.append(v["color"])
    if v.get("condition") != "new":
        bits.append(f"{v['mileage']:,} mi")
    bits.append(money(v["price"]))
    return ", ".join(bits) + f" (stock {v['stock']})"


def next_opening(dealer: DealershipRecord, now: datetime) -> tuple[bool, str]:
    """(open now?, a phrase for when the team is next in, e.g. "at 9:00 AM tomorrow")."""
    today = dealer.hours.get(now.weekday())
    if today and today[0] <= now.time() < today[1]:
        return True, "shortly"
    for offset in range(0, 8):
        day = now + timedelta(days=offset)
        span = dealer.hours.get(day.weekday())
        if span is None or (offset == 0 and now.time() >= span[0]):
            continue
        label = (
            "today" if offset == 0 else "tomorrow" if offset == 1 else WEEKDAY_NAMES[day.weekday()]
        )
        return False, f"at {clock(span[0])} {label}"
    return False, "soon"
