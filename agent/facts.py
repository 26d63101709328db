"""Dealership facts from the dealership's own record: where it is, how to reach it, and its
hours on the day a shopper asks about ("hours on saturday", "open tomorrow?", "this weekend").

The sales hours, address, phone and time zone are the dealership record's (`crm_store`
dealerships), and so are a department's phone and hours where the record has them (its
`departments`); what only the dealership's pages say (a department the record leaves out,
directions, parking) is read from its knowledge texts, sentence by sentence, and returned as
written. Both engines get these facts through the `dealership_info` tool.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from crm_store.records import DealershipRecord, DepartmentRecord

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORT = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3}
_SHORT |= {"fri": 4, "sat": 5, "sun": 6}
_DAY_WORD = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?"
_CLOCK = r"\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)"
_SPAN = re.compile(
    rf"\b(?P<first>{_DAY_WORD})(?:\s*(?:through|thru|to|-|–)\s*(?P<last>{_DAY_WORD}))?"
    rf"(?:,)?\s+(?:from\s+)?(?P<open>{_CLOCK})\s*(?:to|-|–|until)\s*(?P<close>{_CLOCK})",
    re.IGNORECASE,
)
_CLOSED = re.compile(rf"\bclosed (?:on )?(?P<day>{_DAY_WORD})", re.IGNORECASE)
_DEPARTMENT_WORDS = {
    "service": r"\bservice (?:department|center|centre|hours|drive|is|bay)",
    "parts": r"\bparts\b",
    "finance": r"\b(?:finance|financing|business) (?:office|department|team|hours|desk)",
}
# A phone number as the pages write it, and the words that make a sentence's number the
# department's own ("the service department's direct line is ...", "parts: ...").
_PHONE = re.compile(r"(?<![\w$])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
_DEPARTMENT_NAMES = {
    "service": r"\bservice\b",
    "parts": r"\bparts\b",
    "finance": r"\b(?:financ\w*|business office)\b",
}
_DIRECTIONS = re.compile(
    r"\b(?:exit|turn (?:left|right)|head (?:toward|north|south|east|west)|parking|park(?:ed)?"
    r" (?:in|on|at)|entrance|from (?:us-|i-|the \w+ freeway|highway)|follow \w+|miles? ahead"
    r"|take (?:us-|i-|the))",
    re.IGNORECASE,
)


def day_index(word: str) -> int | None:
    """0 for "mon"/"monday"/"mondays", ..., None for anything else."""
    word = word.lower().rstrip("s")
    for i, name in enumerate(WEEKDAYS):
        if word == name or word == name[:3]:
            return i
    return _SHORT.get(word) if word in _SHORT else _SHORT.get(word[:3])


def days_asked(day: str | None, today: date) -> list[date]:
    """The dates a `day` argument means, from `today`: one date, Saturday and Sunday for
    "weekend", or the seven days from today for "week"."""
    if not day:
        return [today]
    word = day.strip().lower()
    if word in ("today", "tonight", "now"):
        return [today]
    if word in ("tomorrow", "tmrw", "tmr"):
        return [today + timedelta(days=1)]
    if word == "week":
        return [today + timedelta(days=offset) for offset in range(7)]
    if "weekend" in word:
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:  # on a Sunday, "this weekend" is today
            return [today]
        return [saturday, saturday + timedelta(days=1)]
    try:
        return [date.fromisoformat(word)]
    except ValueError:
        pass
    index = day_index(word)
    if index is None:
        raise ValueError(
            f"day: {day!r} is not a day; expected YYYY-MM-DD, today, tomorrow, weekend"
            " or a weekday name"
        )
    return [today + timedelta(days=(index - today.weekday()) % 7)]


def clock(t: time) -> str:
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def phone_text(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if len(digits) == 10 else number


def _relative(day: date, today: date) -> str | None:
    return {0: "today", 1: "tomorrow"}.get((day - today).days)


def _day_view(day: date, span: tuple[str, str] | None, today: date) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        "weekday": WEEKDAYS[day.weekday()].capitalize(),
        "relative": _relative(day, today),
        "open": span[0] if span else None,
        "close": span[1] if span else None,
        "closed": span is None,
    }


def _sales_span(dealer: DealershipRecord, day: date) -> tuple[str, str] | None:
    return _span_text(dealer.hours.get(day.weekday()))


def _span_text(span: tuple[time, time] | None) -> tuple[str, str] | None:
    return (clock(span[0]), clock(span[1])) if span else None


def sentences(texts: Iterable[str]) -> list[str]:
    out: list[str] = []
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
            if sentence and sentence not in out:
                out.append(sentence)
    return out


def schedule(sentence: str) -> dict[int, tuple[str, str] | None]:
    """Weekday -> (opens, closes) or None (closed), as one sentence of a page states it."""
    found: dict[int, tuple[str, str] | None] = {}
    for span in _SPAN.finditer(sentence):
        first = day_index(span["first"])
        last = day_index(span["last"]) if span["last"] else first
        if first is None or last is None:
            continue
        opens, closes = (_tidy(span["open"]), _tidy(span["close"]))
        for offset in range((last - first) % 7 + 1):
            found[(first + offset) % 7] = (opens, closes)
    for closed in _CLOSED.finditer(sentence):
        index = day_index(closed["day"])
        if index is not None:
            found[index] = None
    return found


def _tidy(clock_text: str) -> str:
    match = re.match(r"(\d{1,2})(?::(\d{2}))?\s*([ap])", clock_text, re.IGNORECASE)
    if match is None:
        return clock_text
    return f"{int(match[1])}:{match[2] or '00'} {match[3].upper()}M"


def department_hours(department: str, texts: Iterable[str]) -> tuple[dict[int, Any], list[str]]:
    """The department's hours by weekday and the sentences that state them."""
    cue = re.compile(_DEPARTMENT_WORDS[department], re.IGNORECASE)
    stated: list[str] = []
    week: dict[int, tuple[str, str] | None] = {}
    for sentence in sentences(texts):
        if cue.search(sentence) and (_SPAN.search(sentence) or _CLOSED.search(sentence)):
            stated.append(sentence)
            for day, span in schedule(sentence).items():
                week.setdefault(day, span)
    return week, stated


def department_phone(department: str, texts: Iterable[str]) -> str | None:
    """The department's own number as its pages state it: in the first sentence that names
    the department and writes a number, the number written nearest the department's name
    ("call the showroom at ... or the service line at ..."); None when the pages give it
    none (then the main number is the one to call)."""
    cue = re.compile(_DEPARTMENT_NAMES[department], re.IGNORECASE)
    for sentence in sentences(texts):
        named = [m.start() for m in cue.finditer(sentence)]
        numbers = list(_PHONE.finditer(sentence))
        if named and numbers:
            nearest = min(numbers, key=lambda n: min(abs(n.start() - at) for at in named))
            return phone_text(nearest.group(0))
    return None


def directions(texts: Iterable[str]) -> list[str]:
    """Sentences of the dealership's pages on how to get there and where to park."""
    return [s for s in sentences(texts) if _DIRECTIONS.search(s)]


def dealership_facts(
    dealer: DealershipRecord,
    now: datetime,
    *,
    topic: str,
    day: str | None,
    department: str,
    texts: list[str],
) -> dict[str, Any]:
    """The facts `dealership_info` returns; `now` is dealership-local, `texts` its pages."""
    today = now.date()
    asked = days_asked(day, today)
    span = dealer.hours.get(now.weekday())
    open_now = bool(span and span[0] <= now.time() < span[1])
    facts: dict[str, Any] = {
        "name": dealer.name,
        "address": dealer.address,
        "phone": phone_text(dealer.phone) if dealer.phone else None,
        "now": now.strftime("%Y-%m-%dT%H:%M"),
        "timezone": dealer.timezone,
        "topic": topic,
        "department": department,
        "open_now": open_now,
        "closes_at": clock(span[1]) if open_now and span else None,
        "next_open": None if open_now else _next_open(dealer, now),
        "days": [_day_view(d, _sales_span(dealer, d), today) for d in asked],
        "week": {
            WEEKDAYS[i].capitalize(): (
                f"{clock(dealer.hours[i][0])}-{clock(dealer.hours[i][1])}"
                if i in dealer.hours
                else "closed"
            )
            for i in range(7)
        },
    }
    record = dealer.department(department)
    if department != "sales" and topic in ("phone", "all"):
        facts["department_phone"] = (
            phone_text(record.phone) if record and record.phone else None
        ) or department_phone(department, texts)
    if record is not None and record.email:
        facts["department_email"] = record.email
    if department != "sales":
        week, stated = department_hours(department, texts)
        if record is not None and record.hours:  # the record's week: a day not listed is closed
            week = {i: _span_text(record.hours.get(i)) for i in range(7)}
            facts["department_week"] = _department_view(record)["week"]
        facts["department_days"] = [
            {**_day_view(d, week.get(d.weekday()), today), "known": d.weekday() in week}
            for d in asked
        ]
        facts["department_text"] = stated
    if topic in ("directions", "parking", "address", "all"):
        facts["directions"] = directions(texts)
    if topic == "all" and dealer.departments:  # every department the record publishes
        facts["departments"] = {d.name: _department_view(d) for d in dealer.departments}
    return facts


def _department_view(d: DepartmentRecord) -> dict[str, Any]:
    week = {
        WEEKDAYS[i].capitalize(): f"{clock(s[0])}-{clock(s[1])}"
        if (s := d.hours.get(i))
        else "closed"
        for i in range(7)
    }
    return {
        "phone": phone_text(d.phone) if d.phone else None,
        "email": d.email,
        "week": week if d.hours else None,  # None: the record states no hours
    }


def _next_open(dealer: DealershipRecord, now: datetime) -> dict[str, Any] | None:
    for offset in range(8):
        day = (now + timedelta(days=offset)).date()
        span = dealer.hours.get(day.weekday())
        if span is None or (offset == 0 and now.time() >= span[0]):
            continue
        return {**_day_view(day, _sales_span(dealer, day), now.date())}
    return None
