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
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from agent.nlu import timewords as tw


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


@dataclass(frozen=True)
class _Day:
    date: date | None = None  # a known date, else the next `weekday` (Monday=0)
    weekday: int = 5
    next: bool = False
    weekend: bool = False


_MODIFIER = re.compile(r"\b(?:next|this\s+coming|this|coming)\s+$", re.IGNORECASE)
_Hit = TypeVar("_Hit")
_Found = list[tuple[int, bool, _Hit]]  # (position in the text, offered as a change, what)


@dataclass
class _Scan:
    """One pass over a message: each step claims spans so later steps do not reread them."""

    s: str
    now: datetime
    taken: bytearray = field(init=False)  # 1 for each character already claimed
    spans: list[tuple[int, int]] = field(default_factory=list)  # phrases kept for `text`
    anchors: list[tuple[int, int]] = field(default_factory=list)  # day and part-of-day phrases
    others: list[tuple[int, int]] = field(init=False)  # words that are not filler
    days: _Found[_Day] = field(default_factory=list)
    clocks: _Found[tw.Clock] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    ranges: list[tuple[tw.Clock, tw.Clock]] = field(default_factory=list)
    bounds: list[tuple[bool, tw.Clock]] = field(default_factory=list)  # (sets latest, clock)
    asap: bool = False
    first_thing: bool = False

    def __post_init__(self) -> None:
        self.taken = bytearray(len(self.s))
        spans = (w.span() for w in tw.WORD.finditer(self.s))
        self.others = [(a, b) for a, b in spans if self.s[a:b].lower() not in tw.FILLER]

    def each(self, rx: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of `rx` that overlap nothing claimed so far (checked lazily)."""
        return (m for m in rx.finditer(self.s) if self.free(m.span()))

    def free(self, span: tuple[int, int]) -> bool:
        return not any(self.taken[span[0] : span[1]])

    def take(self, span: tuple[int, int], *, anchor: bool = False, log: bool = True) -> None:
        self.taken[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
        if log:
            self.spans.append(span)
        if anchor:
            self.anchors.append(span)

    def words(self, start: int, end: int) -> list[str]:
        return [w.lower() for w in tw.WORD.findall(self.s, max(start, 0), max(end, 0))]

    def preferred(self, start: int, end: int) -> bool:
        before = self.s[max(0, start - 30) : start]
        return bool(tw.PREFERRED_AFTER.match(self.s, end) or tw.PREFERRED_BEFORE.search(before))

    def add_day(self, span: tuple[int, int], day: _Day) -> None:
        self.take(span, anchor=True)
        self.days.append((span[0], self.preferred(*span), day))

    def add_clock(self, span: tuple[int, int], clock: tw.Clock) -> None:
        self.take(span)
        self.clocks.append((span[0], self.preferred(*span), clock))

    def add_part(self, span: tuple[int, int], part: str, *, today: bool) -> None:
        self.take(span, anchor=True)
        self.parts.append(part)
        if today:
            self.days.append((span[0], self.preferred(*span), _Day(self.now.date())))

    def unit_follows(self, end: int) -> bool:
        after = self.words(end, end + 20)
        return bool(after) and after[0] in tw.UNIT_WORDS


def _scan_days(sc: _Scan) -> None:
    """Noise to ignore, "asap", "in an hour", dates, and day words."""
    today = sc.now.date()
    for m in sc.each(tw.NOISE):
        sc.take(m.span(), log=False)
    for m in sc.each(tw.ASAP):
        sc.take(m.span())
        sc.asap = True
    for m in sc.each(tw.RELATIVE):
        _relative(sc, m)
    for rx in (tw.MONTH_DAY, tw.DAY_MONTH, tw.NUMERIC_DATE):
        for m in sc.each(rx):
            month = tw.MONTHS.get(m["mon"].lower()) or int(m["mon"])
            if sc.unit_follows(m.end()) or (rx is tw.DAY_MONTH and m["mon"].lower() == "apr"):
                continue  # "apr 12 months", "4 apr": interest rates, not dates
            verb = rx is tw.MONTH_DAY and m["mon"].lower() in {"may", "mar"}
            if verb and sc.words(m.start() - 20, m.start())[-1:] in (
                [w] for w in tw.NOT_A_DAY_AFTER
            ):
                continue  # "i may 3 things"
            if meant := tw.calendar_date(today, month, int(m["d"]), m["y"]):
                sc.add_day(m.span(), _Day(meant))
    for m in sc.each(tw.ORDINAL):
        if not sc.unit_follows(m.end()) and (meant := tw.day_of_month(today, int(m["d"]))):
            sc.add_day(m.span(), _Day(meant))
    for m in sc.each(tw.DAY_AFTER):
        if tw.is_tomorrow(m["w"]):
            sc.add_day(m.span(), _Day(today + timedelta(days=2)))
    for m in sc.each(tw.SAME_DAY):
        sc.add_day(m.span(), _Day(today))
    for m in sc.each(tw.WEEKEND):
        sc.add_day(m.span(), _Day(next=(m["mod"] or "").lower() == "next", weekend=True))
    for m in sc.each(tw.TOKEN):
        word, before = m[0].lower(), sc.words(m.start() - 30, m.start())[-1:]
        if word in tw.TODAY_WORDS:
            sc.add_day(m.span(), _Day(today))
        elif tw.is_tomorrow(word):
            sc.add_day(m.span(), _Day(today + timedelta(days=1)))
        elif (weekday := tw.weekday_number(word)) is not None:
            if (
                word in tw.AMBIGUOUS_ABBREVIATIONS
                and before
                and before[0] in tw.NOT_A_DAY_AFTER
                and not tw.TIME_FOLLOWS.match(sc.s, m.end())  # "see it sat at 11" is a day
            ):
                continue
            mod = _MODIFIER.search(sc.s, max(0, m.start() - 20), m.start())
            start = mod.start() if mod else m.start()
            is_next = before == ["next"]
            sc.add_day((start, m.end()), _Day(weekday=weekday, next=is_next))


def _relative(sc: _Scan, m: re.Match[str]) -> None:
    """ "in 2 hours": now plus the span on the UTC timeline, up to the next quarter hour."""
    if m["ah"] or m["hh"] or m["one"]:
        minutes = 90 if m["ah"] else 30 if m["hh"] else 60
    elif m["h"]:
        word = m["h"].lower()
        minutes = 60 * (3 if word == "three" else int(word) if word.isdigit() else 2)
    else:
        minutes = int(m["m"])
    if minutes == 0:
        return
    local = tw.quarter_hour_after(sc.now, timedelta(minutes=minutes))
    sc.add_day(m.span(), _Day(local.date()))
    clock = tw.Clock(local.hour, local.minute, literal=True, fold=local.fold)
    sc.clocks.append((m.start(), sc.preferred(*m.span()), clock))


def _scan_windows(sc: _Scan) -> None:
    """Ranges ("between 2 and 4"), bounds ("after 5") and parts of the day ("sat morning")."""
    for rx in tw.RANGES:
        for m in sc.each(rx):
            a, b = tw.parse_clock(m["a"]), tw.parse_clock(m["b"])
            if not (a and b and (rx is tw.RANGES[0] or a.meridiem or b.meridiem or _alone(sc, m))):
                continue  # "2-4" may be anything; "2-4pm", "sat 2-4", "between 2 and 4" are not
            if not sc.unit_follows(m.end()):
                sc.take(m.span())
                sc.ranges.append((a, b))
    for m in sc.each(tw.BOUND):
        latest = " ".join(m["kw"].lower().split()) in {"before", "no later than", "not after"}
        if m["w"] and m["w"].lower().startswith("lunch"):
            clock: tw.Clock | None = tw.LUNCH_ENDS[latest]
        elif m["w"]:
            clock = None if latest else tw.AFTER_WORK  # "before work" says nothing useful
        else:
            clock = tw.parse_clock(m["t"])
            if clock and clock.meridiem is None and sc.unit_follows(m.end()):
                continue
        if clock is None:
            continue
        sc.take(m.span())
        sc.bounds.append((latest, clock))
    for m in sc.each(tw.PART):
        if sc.words(m.start() - 20, m.start())[-1:] in (["last"], ["good"], ["yesterday"]):
            continue  # "good morning", "last night"
        if not sc.words(0, m.start()) and _GREETING_AFTER.match(sc.s, m.end()):
            continue  # "morning! still thinking about that kona": a greeting
        word = m["w"].lower()
        today = bool(m["this"]) or word in {"tonight", "tonite", "2nite"}
        sc.add_part(m.span(), tw.PART_WORDS[word], today=today)
    for m in sc.each(tw.AMPM_PART):
        today = m["this"].lower().startswith("this")
        sc.add_part(m.span(), tw.PART_WORDS[m["w"].lower() + "m"], today=today)
    for _, end in list(sc.anchors):  # "sat am", "tmrw pm"
        if (ampm := tw.AMPM_AFTER_DAY.match(sc.s, end)) and sc.free(ampm.span()):
            sc.add_part(ampm.span(), tw.PART_WORDS[ampm["w"].lower() + "m"], today=False)
    for m in sc.each(tw.FIRST_THING):
        sc.take(m.span(), anchor=True)
        sc.first_thing = True
    for m in sc.each(tw.LUNCH):
        if m["pre"] or m["post"]:
            sc.add_part(m.span(), "lunch", today=False)


def _scan_clocks(sc: _Scan) -> None:
    """Exact clock times: "noon", "2:30pm", "4ish", and cued bare hours ("at 4", "10 works")."""
    for m in sc.each(tw.NOON):
        sc.add_clock(m.span(), tw.Clock(12, 0, literal=True))
    for m in sc.each(tw.HOURS24):  # "1600h", "0930 hrs"
        sc.add_clock(m.span(), tw.Clock(int(m["h"]), int(m["m"]), literal=True))
    for m in sc.each(tw.COMPACT):  # "930", "at 1030": only cued or alone, never "930 miles"
        before, after = sc.words(m.start() - 30, m.start())[-1:], sc.words(m.end(), m.end() + 20)
        if not sc.unit_follows(m.end()) and (
            (before and before[0] in tw.CUES_BEFORE)
            or (after[:1] and after[0] in tw.CUES_AFTER)
            or _alone(sc, m)
        ):
            sc.add_clock(m.span(), tw.Clock(int(m["h"]), int(m["m"])))
    for m in sc.each(tw.TIME):
        clock = tw.parse_clock(m["t"])
        written = clock is not None and (clock.meridiem or clock.literal or ":" in m["t"])
        if clock is not None and (written or _cued(sc, m)):
            before = sc.words(m.start() - 30, m.start())[-2:]  # "how about 3" is no "about 3"
            rough = bool(m["ish"] and "ish" in m["ish"].lower()) or (
                bool(before) and before[-1] in tw.APPROX_BEFORE and before[0] not in ("how", "what")
            )
            sc.add_clock(m.span(), replace(clock, rough=rough))


def _cued(sc: _Scan, m: re.Match[str]) -> bool:
    """Whether a bare number like "4" is meant as an hour (see the module docstring)."""
    start, end = m.span()
    before, after = sc.words(start - 30, start)[-1:], sc.words(end, end + 30)[:2]
    if sc.unit_follows(end):
        return False
    if m["ish"] or (before and before[0] in tw.CUES_BEFORE):
        return True
    if tw.CORRECTED_BEFORE.search(sc.s, max(0, start - 30), start):
        return True  # "no wait make it 5", "actually 6"
    if before == ["to"] and sc.words(start - 40, start)[-2:-1] in ([w] for w in tw.MOVE_VERBS):
        return True  # "push it to 2", "can we move to 3"
    if before and before[0] in tw.BLOCK_BEFORE:
        return False
    if after[:1] and after[0] in tw.CUES_AFTER:
        return True
    if len(after) == 2 and after[0] in tw.LINKS_AFTER and after[1] in tw.CUES_AFTER:
        return True
    return _alone(sc, m)


def _alone(sc: _Scan, m: re.Match[str]) -> bool:
    """Next to a day or part of the day ("sat 10", "7 tonight"), or the whole message ("10?")."""
    start, end = m.span()
    for a, b in sc.anchors:
        if (b <= start and tw.GAP.fullmatch(sc.s, b, start)) or (
            end <= a and tw.GAP.fullmatch(sc.s, end, a) and not _named_by(sc, start)
        ):
            return True
    return all(start <= a and b <= end for a, b in sc.others)


def _named_by(sc: _Scan, start: int) -> bool:
    """A number glued to the word before it is part of a name ("ioniq 6 friday", "cx 5
    tomorrow", "f 150 sat"), not an hour before the day: only a filler word may precede it."""
    word = tw.NAME_BEFORE.search(sc.s, max(0, start - 30), start)
    return word is not None and word[1].lower() not in tw.FILLER


def _pick(found: _Found[_Hit]) -> _Hit:
    """The one offered as a change (the last such), else the first written."""
    ordered = sorted(found, key=lambda hit: hit[0])
    return ([hit for hit in ordered if hit[1]] or ordered[:1])[-1][2]


def _date(day: _Day, now: datetime, ref: time | None) -> date:
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


def _phrases(sc: _Scan) -> str:
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
    sc = _Scan(text, now)
    _scan_days(sc)
    _scan_windows(sc)
    _scan_clocks(sc)
    context = tw.PARTS[sc.parts[0]][2] if sc.parts else None
    at = _pick(sc.clocks).resolve(context) if sc.clocks else None
    earliest, latest = tw.PARTS[sc.parts[0]][:2] if sc.parts else (None, None)
    if sc.ranges:
        earliest, latest = tw.window(*sc.ranges[0], context)
    for sets_latest, clock in sc.bounds:
        if sets_latest:
            latest = clock.resolve(context)
        else:
            earliest = clock.resolve(context)
    said = _pick(sc.days) if sc.days else None
    meant = _date(said, now, at or latest or earliest) if said else None
    if day is not None and meant == now.date() and tw.SAME_DAY.search(text):
        meant = day  # "same day but 4": the day under discussion, not today
    if hours is not None:
        if meant is not None and said is not None and said.weekend:
            meant = _open_weekend_day(meant, hours)
        open_hours = hours.get((meant or day or now.date()).weekday())
        if sc.clocks and context is None:
            at = _pick(sc.clocks).resolve(None, open_hours)
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
        rough=bool(sc.clocks) and _pick(sc.clocks).rough,
        text=_phrases(sc),
        options=_options(sc, now, hours, meant or day, context),
    )


def _options(
    sc: _Scan, now: datetime, hours: Hours | None, day: date | None, context: str | None
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


_GREETING_AFTER = re.compile(r"\s*[!,]")
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
