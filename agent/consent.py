"""Booking only on the shopper's explicit consent, decided in code from what the shopper said.

Every turn, before the engine runs, the graph reads the shopper's own message (`hear`) and
records in the slots what it says about a test-drive time:

- `requested_day` / `requested_time`: the day and exact time the shopper named. A day carries
  until another is said ("saturday", then "how about 2" is Saturday 14:00); a bare time
  takes the day of the offered time it matches, else the day under discussion. A rough time
  ("around 6", "like 6"), a window ("friday afternoon", "after work") or several times given
  as alternatives ("thurs at 6 or fri at 11") is not a named time: open times are offered.
- `heard`: the times on offer when the message arrived, the one it picked ("10", "the 3:30",
  "first one", "the earlier one", or "yes"/"sure" to a single proposed time), the exact time
  named in this booking talk (`named`, kept until a booking, a move or a cancellation ends
  the talk, or another day is said without a time) and whether it agreed to several without
  picking (`ambiguous`: "ok", "perfect", "thanks" after "10:00, 10:30 or 11:00").

`booking_refusal` is the precondition of `book_test_drive` and `reschedule_test_drive`: a
time is booked only when the shopper named it or picked it, whichever engine proposed it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from agent.nlu.when import Hours, parse_when
from contracts.dialogue import Slots, SlotUpdate

_AGREE = re.compile(
    r"^\W*(yes|yess+|yeah|yea|ya|yep|yup|sure|ok|okay|k|kk|perfect|great|cool|awesome|nice|sweet|bet|"
    r"sounds good|sounds great|that works|works for me|works|fine|good|alright|all right|"
    r"let'?s do (it|that)|do it|book it|please|absolutely|definitely|deal)\b",
    re.IGNORECASE,
)
# Thanks to several offered times is no pick either, and to one it is no yes.
_ACK = re.compile(r"^\W*(thanks|thank you|thank u|thx|ty|tysm|got it|gotcha)\b", re.IGNORECASE)
_NOUN = (
    r"(?:\s+(?:one|time|slot|option)\b|\s+(?:is|works|please|pls|plz)\b"
    r"|(?:(?<=first)|(?<=last)|(?<=1st)|(?<=2nd)|(?<=3rd))\W*$)"  # "the first", "last"
)
_FIRST = re.compile(
    rf"\b(?:first|1st|earlier|earliest|sooner|soonest){_NOUN}|\b(?:either|whichever|any)"
    r"(?:\s+(?:one|of them|of those|is fine|works))",
    re.IGNORECASE,
)
_SECOND = re.compile(rf"\b(?:second|2nd|middle){_NOUN}", re.IGNORECASE)
_LAST = re.compile(rf"\b(?:last|third|3rd|later|latest){_NOUN}", re.IGNORECASE)
_BARE_HOUR = re.compile(  # "the 6", "lemme do the 11", "ok 6 one"
    r"^(?!.*\b(?:have|has|had|got|need|needs|want|wants|only|about|around|like)\b)"  # counts
    r"\W*(?:[a-z']+\W+){0,3}?(?:the|at|@)?\s*"
    r"(\d{1,2})\s*(?:one|pm|p|o'?clock|slot|works|is good|please|pls|plz)?\W*$",
    re.IGNORECASE,
)
# "ok ill let u know which time", "let me check my schedule": no pick, no agreement to book.
LATER = re.compile(
    r"\b(?:let\s+(?:u|you|ya)\s+know|get\s+back\s+to\s+(?:u|you|ya)|think\s+about\s+it"
    r"|(?:i'?ll|ill|i\s+will|let\s+me|lemme|gotta|need\s+to)\s+(?:check|think|see|look|ask)"
    r"|not\s+sure\s+(?:yet|which|what)|hold\s+off)\b",
    re.IGNORECASE,
)
_MOVES_OWN = re.compile(r"\b(?:instead|later|earlier|move|push|switch)\b", re.IGNORECASE)
_SAME_TIME = re.compile(r"\b(?:same|usual)\s+time\b", re.IGNORECASE)
_NOT = re.compile(r"\b(no|nope|not|none|neither|can'?t|cannot|won'?t|don'?t)\b", re.I)


def hear(text: str, *, now: datetime, hours: Hours | None, slots: Slots) -> SlotUpdate:
    """Slot updates for what the shopper's message says about the booking (see the module)."""
    offered = [str(s) for s in slots.get("offered_slots") or []]
    carried = _day(slots.get("requested_day"))
    if offered and carried is None:
        carried = datetime.fromisoformat(offered[0]).date()
    if carried is None:  # "push it to 1": the day of the drive already booked
        carried = _day(slots.get("appointment_day"))
    when = parse_when(text, now, hours=hours, day=carried)
    updates: SlotUpdate = {}
    day = when.day
    # a rough time ("like 6") or several offered as alternatives ("thurs at 6 or fri at 11")
    # names no time: open times are offered for the shopper to pick
    exact = when.at if when.at is not None and not when.rough and not when.options else None
    if when.at is not None and not when.options and slots.get("appointment_time"):
        # a standing drive moved to "like 5:30 instead": the replacement time is named
        exact = when.at if _MOVES_OWN.search(text) else exact
    booked_at = slots.get("appointment_time")
    if exact is None and when.day is not None and booked_at and _SAME_TIME.search(text):
        exact = time.fromisoformat(str(booked_at))  # "saturday same time"
    if exact is not None and day is None:
        same_time = [s for s in offered if datetime.fromisoformat(s).time() == exact]
        day = datetime.fromisoformat(same_time[0]).date() if same_time else carried
    if day is not None:
        updates["requested_day"] = day.isoformat()
        if exact is None and day != carried:
            updates["requested_time"] = None  # a new day, no time yet
    if exact is not None:
        updates["requested_time"] = exact.strftime("%H:%M")
    picked = _picked(text, offered, day, exact)
    if exact is None and LATER.search(text):  # "gotta ask my wife first": no pick yet
        picked = None
    agreed = bool(_AGREE.match(text)) and not _NOT.search(text) and not LATER.search(text)
    if picked is None and agreed and len(offered) == 1 and exact is None and when.day is None:
        picked = offered[0]
    acknowledged = agreed or (bool(_ACK.match(text)) and not LATER.search(text))
    named = (slots.get("heard") or {}).get("named")
    if exact is not None and day is not None:
        named = f"{day.isoformat()}T{exact.strftime('%H:%M')}"
    elif named and when.day is not None and named[:10] != when.day.isoformat():
        named = None  # "saturday at 2", then "what about sunday": no time on sunday yet
    updates["heard"] = {
        "offered": offered,
        "picked": picked,
        "named": named,
        "ambiguous": picked is None and exact is None and acknowledged and len(offered) > 1,
    }
    return updates


def booking_refusal(starts_at: str, slots: Slots) -> dict[str, Any] | None:
    """None when the shopper chose `starts_at` (local YYYY-MM-DDTHH:MM); otherwise the
    error the tool returns, which tells the engine to ask instead of booking."""
    wanted = starts_at.strip()[:16]
    heard = slots.get("heard") or {}
    if heard.get("picked") == wanted or wanted in named_times(slots):
        return None
    offered = list(heard.get("offered") or [])
    ask = (
        f"ask which of the offered times they want ({', '.join(offered)})"
        if offered
        else "ask what time they would like"
    )
    return {
        "error": "not_chosen",
        "message": (
            f"The shopper has not chosen {wanted}: book only a time the shopper named or "
            f"picked from the offered times; {ask}, and answer any other question they asked."
        ),
        "offered": offered,
    }


def named_times(slots: Slots) -> set[str]:
    """The exact time the shopper named in this booking talk, as local YYYY-MM-DDTHH:MM.
    Kept in `heard` (written only by `hear`), not rebuilt from `requested_day`, which an
    engine may move to the day of the times it offers."""
    named = (slots.get("heard") or {}).get("named")
    return {str(named)} if named else set()


def _picked(text: str, offered: list[str], day: date | None, exact: Any) -> str | None:
    """The offered time the message points at, by its clock time or its position."""
    if not offered:
        return None
    if exact is not None:
        hits = [
            s
            for s in offered
            if datetime.fromisoformat(s).time() == exact
            and (day is None or datetime.fromisoformat(s).date() == day)
        ]
        return hits[0] if hits else None
    if _NOT.search(text) or len(text.split()) > 12:
        return None
    ordered = sorted(offered)
    if (hour := _BARE_HOUR.match(text)) is not None:  # "the 6": one offered time has it
        hits = [s for s in ordered if datetime.fromisoformat(s).hour % 12 == int(hour[1]) % 12]
        sharp = [s for s in hits if datetime.fromisoformat(s).minute == 0]  # "9" of 9:00, 9:30
        if len(hits) == 1 or len(sharp) == 1:
            return hits[0] if len(hits) == 1 else sharp[0]
    if _SECOND.search(text) and len(ordered) >= 2:
        return ordered[1]
    if _LAST.search(text):
        return ordered[-1]
    if _FIRST.search(text):
        return ordered[0]
    return None


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None
