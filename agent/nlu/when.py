"""Read when a shopper wants to come in: `parse_when(text, now) -> TimeRequest`.

Pure: no I/O, no clock. `now` is an aware datetime in the dealership's timezone; every result is
a local wall date or time. Words that are not about time are ignored, and a number is read as
an hour only with a cue ("at 4", "4ish", "4pm", "10 works", "sat 10", a message that is just
"10"), never when it looks like a price, mileage, year, model, count, phone or stock number.

Rules for the ambiguous cases:
- A bare hour without am/pm: 1-6 is pm, 7-11 is am, 12 is noon, unless the message names a
  part of the day ("tonight at 7" is 19:00, "morning at 10" is 10:00).
- A bare weekday, or "this <weekday>", is the next date with that weekday; today counts only
  when today is that weekday and the message's time (`at`, else the window end `latest`, else
  `earliest`) is later than now.
- "next <weekday>" is the coming one (never today) if it is more than 2 days away, otherwise
  the one a week later: on a Friday, "next tuesday" is in 4 days, "next saturday" in 8.
- "this weekend"/"weekend" is today on a Saturday, otherwise the coming Saturday (even on a
  Sunday), with `weekend=True`; "next weekend" follows the "next <weekday>" rule for Saturday.
- A month-day date already past this year means next year; a written year is kept as is.
- "in an hour", "in 30 min": now plus that span on the real (UTC) timeline, rounded up to the
  next quarter hour, read back as local wall time (across a DST change too).
- "tonight" is today with the evening window (17:00-21:00), like "this evening".
- Several days or clock times: one offered as a change ("11 instead", "how about 3") wins,
  the last such if several; otherwise the first one written. Exact times joined by "or"
  ("thurs at 6 or fri at 11") are also kept as `options`, each on its own day: alternatives
  to offer back, none of them a named time.
- A number glued to the word before it and followed by a day is part of a name ("ioniq 6
  friday", "cx 5 tomorrow"), not an hour; after a filler word ("ok 6 friday") it is one.
- Windows: a part of the day sets both ends; "between 2 and 4" sets both; "after"/"before"
  then override their end ("tomorrow afternoon after 3" is 15:00-17:00).

With the dealership's sales `hours` (weekday -> opening, closing) the times are read inside
the business: a bare hour is the one of its am/pm readings that is open that day ("5:30" when
open 9-20 is 17:30, "7" is 19:00, "9" is 09:00), else the rule above; "first thing" / "when you
open" is the first hour after opening; "this weekend" skips a closed Saturday to Sunday. The
day for the hours is the one the message names, else `day` (the one under discussion), else
today. "around 6", "like 6", "6ish" set `at` with `rough=True`: times near it are offered, it
is not a pick.

The message is read in passes over one `when_scan.Scan`: the day words (`when_days`), then
the windows and clock times (`when_clocks`); this module turns what they found into dates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from agent.nlu import timewords as tw
from agent.nlu.when_clocks import scan_clocks, scan_windows
from agent.nlu.when_days import scan_days
from agent.nlu.when_scan import Day, Scan, pick


@dataclass(frozen=True)
class TimeRequest:
    """What a message says about when: all fields None/False when it says nothing."""

    day: date | None  # the calendar date meant, if any
    at: time | None  # an exact clock time, if any
    earliest: time | None  # window start
    latest: time | None  # window end
    weekend: bool = False  # `day` is a Saturday and the Sunday after it is acceptable too
    asap: bool = False  # "earliest you have", "as soon as possible", "soonest"
    rough: bool = False  # `at` is approximate ("around 6", "like 6", "6ish")
    text: str = ""  # the matched phrase(s), " | "-separated, for logs
    # Several exact times offered as alternatives ("thurs at 6 or fri at 11"), in the order
    # written: times to offer back, none of them named on its own.
    options: tuple[tuple[date, time], ...] = ()

    def is_empty(self) -> bool:
        """True when nothing time-related was found."""
        return (self.day, self.at, self.earliest, self.latest) == (None,) * 4 and not (
            self.weekend or self.asap
        )


def _date(day: Day, now: datetime, ref: time | None) -> date:
    """The date for a day phrase; weekdays follow the rules in the module docstring."""
    if day.date is not None:
        return day.date
    today = now.date()
    ahead = (day.weekday - today.weekday()) % 7
    if day.next:
        ahead = ahead or 7
        ahead += 7 if ahead <= 2 else 0
    elif ahead == 0 and not day.weekend and not (ref is not None and ref > now.time()):
        ahead = 7
    return today + timedelta(days=ahead)


def _phrases(sc: Scan) -> str:
    merged: list[list[int]] = []
    for start, end in sorted(sc.spans):
        if merged and tw.GAP.fullmatch(sc.s, merged[-1][1], start):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return " | ".join(sc.s[start:end] for start, end in merged)


# Sales hours: Monday=0 -> (opening, closing); a day not listed is closed.
Hours = Mapping[int, tuple[time, time]]


def parse_when(
    text: str, now: datetime, *, hours: Hours | None = None, day: date | None = None
) -> TimeRequest:
    """Read `text` for a day, a clock time, a window, "this weekend" or "asap".

    `now` is an aware datetime in the dealership's timezone; results are local wall dates and
    times relative to it. `hours` are the sales hours that a bare hour is read by, `day` the
    day under discussion when the text names none. Raises ValueError for a naive `now`.
    """
    if now.utcoffset() is None:
        raise ValueError(f"parse_when: expected an aware datetime for now, got {now!r}")
    sc = Scan(text, now)
    scan_days(sc)
    scan_windows(sc)
    scan_clocks(sc)
    context = tw.PARTS[sc.parts[0]][2] if sc.parts else None
    at = pick(sc.clocks).resolve(context) if sc.clocks else None
    earliest, latest = tw.PARTS[sc.parts[0]][:2] if sc.parts else (None, None)
    if sc.ranges:
        earliest, latest = tw.window(*sc.ranges[0], context)
    for sets_latest, clock in sc.bounds:
        if sets_latest:
            latest = clock.resolve(context)
        else:
            earliest = clock.resolve(context)
    said = pick(sc.days) if sc.days else None
    meant = _date(said, now, at or latest or earliest) if said else None
    if day is not None and meant == now.date() and tw.SAME_DAY.search(text):
        meant = day  # "same day but 4": the day under discussion, not today
    if hours is not None:
        if meant is not None and said is not None and said.weekend:
            meant = _open_weekend_day(meant, hours)
        open_hours = hours.get((meant or day or now.date()).weekday())
        if sc.clocks and context is None:
            at = pick(sc.clocks).resolve(None, open_hours)
        if sc.ranges:
            earliest, latest = _window_in(sc.ranges[0], context, open_hours)
        for sets_latest, clock in sc.bounds:
            moment = clock.resolve(context, open_hours)
            latest, earliest = (moment, earliest) if sets_latest else (latest, moment)
        if sc.first_thing and open_hours is not None:
            earliest = open_hours[0]
            latest = min(time(open_hours[0].hour + 1, open_hours[0].minute), open_hours[1])
    elif sc.first_thing:
        earliest, latest = time(9), time(10)
    return TimeRequest(
        day=meant,
        at=at,
        earliest=earliest,
        latest=latest,
        weekend=bool(said and said.weekend),
        asap=sc.asap,
        rough=bool(sc.clocks) and pick(sc.clocks).rough,
        text=_phrases(sc),
        options=_options(sc, now, hours, meant or day, context),
    )


def _options(
    sc: Scan, now: datetime, hours: Hours | None, day: date | None, context: str | None
) -> tuple[tuple[date, time], ...]:
    """Exact times joined by "or" ("thurs at 6 or fri at 11", "sat 10 or 2"), none offered
    as a change: each on the day written with it (before it, or after it when the message
    puts days after times), else the day of the message."""
    clocks = sorted(sc.clocks, key=lambda hit: hit[0])
    if len(clocks) < 2 or any(preferred for _, preferred, _ in clocks):
        return ()
    if not _OR.search(sc.s, clocks[0][0], clocks[-1][0]) or any(c.rough for *_, c in clocks):
        return ()
    days = sorted(sc.days, key=lambda hit: hit[0])
    after = bool(days) and days[0][0] > clocks[0][0]  # "2pm saturday or 9am monday"
    found: list[tuple[date, time]] = []
    for index, (position, _, clock) in enumerate(clocks):
        upto = clocks[index + 1][0] if index + 1 < len(clocks) else len(sc.s)
        near = [d for at, _, d in days if (position < at < upto if after else at < position)]
        said = (near[0] if after else near[-1]) if near else None
        on = _date(said, now, None) if said else day or now.date()
        at = clock.resolve(context, hours.get(on.weekday()) if hours is not None else None)
        if said and not said.date and on == now.date() and at <= now.time():
            on = _date(said, now, at)
        if (on, at) not in found:
            found.append((on, at))
    return tuple(found) if len(found) > 1 else ()


_OR = re.compile(r"\bor\b", re.IGNORECASE)


def _open_weekend_day(saturday: date, hours: Hours) -> date:
    """ "this weekend": the Saturday, or the Sunday when the showroom is closed Saturdays."""
    if saturday.weekday() == 5 and 5 not in hours and 6 in hours:
        return saturday + timedelta(days=1)
    return saturday


def _window_in(
    pair: tuple[tw.Clock, tw.Clock], context: str | None, open_hours: tuple[time, time] | None
) -> tuple[time, time]:
    """A range read by the day's hours when its ends carry no am/pm ("between 5 and 7")."""
    start, end = tw.window(*pair, context)
    a, b = pair
    if context is None and a.meridiem is None and b.meridiem is None and not a.literal:
        moved = (a.resolve(None, open_hours), b.resolve(None, open_hours))
        if moved[0] < moved[1]:
            return moved
    return start, end
