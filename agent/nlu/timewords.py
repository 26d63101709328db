"""Vocabulary and small pure helpers behind `agent.nlu.when`: day and month names, typo
tolerance, parts of the day, and how a bare hour like "4" becomes a clock time.

Everything here is data or a pure function of its arguments; all matching is on lowercase words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ABBREVIATIONS = {
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "weds": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
# Abbreviations that are also everyday words ("I sat in it", "the sun"): not a day after these.
AMBIGUOUS_ABBREVIATIONS = frozenset({"mon", "wed", "sat", "sun"})
NOT_A_DAY_AFTER = frozenset(
    {"i", "we", "you", "he", "she", "they", "it", "who", "the", "a", "was", "were", "had",
     "have", "has", "just", "never"}
)  # fmt: skip

TODAY_WORDS = frozenset({"today", "2day"})
TOMORROW_WORDS = frozenset(
    {"tomorrow", "tomorow", "tommorow", "tommorrow", "tomorrw", "tmrw", "tmr", "tmrow", "tmrrw",
     "tmw", "tomm", "2morrow", "2morow", "2moro", "2mrw"}
)  # fmt: skip

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

# Parts of the day: window start, window end, and the am/pm they imply for a bare hour.
PARTS: dict[str, tuple[time, time, str | None]] = {
    "morning": (time(9), time(12), "a"),
    "afternoon": (time(12), time(17), "p"),
    "evening": (time(17), time(21), "p"),
    "lunch": (time(11, 30), time(13, 30), None),
}
PART_WORDS = {
    "morning": "morning", "mornings": "morning", "mornin": "morning", "am": "morning",
    "afternoon": "afternoon", "afternoons": "afternoon", "pm": "afternoon",
    "evening": "evening", "evenings": "evening", "evenin": "evening", "night": "evening",
    "nights": "evening", "tonight": "evening", "tonite": "evening", "2nite": "evening",
}  # fmt: skip

# A bare number is read as an hour only next to one of these cues...
CUES_BEFORE = frozenset(
    {"at", "@", "around", "round", "about", "abt", "bout", "approx", "say", "maybe", "like",
     "roughly"}
)  # fmt: skip
# "push it to 2", "move to 3": an hour after one of these and "to"
MOVE_VERBS = frozenset({"push", "move", "bump", "change", "switch", "make", "shift", "it"})
# A cued hour after one of these (or "4ish") is a rough time: open times around it are
# offered, nothing is booked at it until the shopper picks one.
APPROX_BEFORE = frozenset({"around", "round", "about", "abt", "approx", "like", "roughly"})
CUES_AFTER = frozenset(
    {"works", "work", "instead", "then", "ok", "okay", "good", "fine", "perfect", "better",
     "great", "best", "sharp", "please", "pls", "plz"}
)  # fmt: skip
LINKS_AFTER = frozenset({"is", "would", "should", "could", "will", "might", "sounds"})
# ...or when the message holds nothing but the number and words like these.
FILLER = frozenset(
    {"ok", "okay", "k", "yes", "yeah", "yep", "ya", "sure", "lets", "let's", "do", "can", "i",
     "we", "come", "then", "please", "pls", "maybe", "cool", "great", "perfect", "or", "1", "2",
     "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}
)  # fmt: skip
# Never an hour when the number is followed by one of these (counts, money, distance, models).
UNIT_WORDS = frozenset(
    {"k", "grand", "thousand", "hundred", "dollars", "dollar", "bucks", "usd", "percent", "%",
     "miles", "mile", "mi", "km", "kms", "kids", "kid", "children", "people", "persons",
     "adults", "of", "doors", "door", "seats", "seat", "seater", "passengers", "passenger",
     "cylinders", "cylinder", "cyl", "speed", "speeds", "series", "owners", "owner", "cars",
     "car", "trucks", "vehicles", "years", "year", "yrs", "yr", "months", "month", "mos",
     "mo", "weeks", "week", "wks", "days", "hours", "hour", "hrs", "hr", "minutes", "minute",
     "mins", "min", "times", "x", "rows", "row", "stars", "star", "payments", "down", "mpg",
     "hp", "liter", "liters", "inch", "inches", "keys", "tires", "models", "more", "less",
     "different", "other", "total", "time", "one", "gen", "generation"}
)  # fmt: skip
# Nor when a cue-less number follows one of these ("model 3", "the 3", "have 2").
BLOCK_BEFORE = frozenset(
    {"model", "series", "mazda", "gen", "generation", "number", "no", "stock", "unit", "version",
     "class", "type", "level", "grade", "size", "top", "only", "the", "a", "my", "our", "your",
     "his", "her", "their", "those", "these", "have", "has", "had", "got", "need", "needs",
     "want", "wants", "with", "all", "row", "seats", "door", "page", "step", "mk", "mark",
     "for", "than", "buy", "bought", "see", "saw", "of"}
)  # fmt: skip


def within_one_edit(a: str, b: str) -> bool:
    """True when `a` becomes `b` by at most one insertion, deletion, substitution or swap of
    two neighbouring letters."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def weekday_number(word: str) -> int | None:
    """Monday=0 for a weekday name or abbreviation; full names tolerate one typo (same first
    letter, words of five letters or more), so "saturdy" and "fridays" count."""
    word = word.lower().removesuffix("'s")
    if word in _WEEKDAY_ABBREVIATIONS:
        return _WEEKDAY_ABBREVIATIONS[word]
    if len(word) < 5:
        return None
    for number, name in enumerate(WEEKDAY_NAMES):
        if word[0] == name[0] and within_one_edit(word, name):
            return number
    return None


def is_tomorrow(word: str) -> bool:
    """ "tomorrow", its texting spellings ("tmrw", "2morrow") and one-typo variants."""
    word = word.lower()
    return word in TOMORROW_WORDS or (len(word) >= 6 and within_one_edit(word, "tomorrow"))


def within_hours(hour: int, minute: int, minutes_open: tuple[time, time] | None) -> int:
    """The 0-23 hour for a bare 1-12 hour read by the day's sales hours: the one reading
    (am or pm) that falls inside them, or -1 when none or both do (the usual rule decides)."""
    if minutes_open is None:
        return -1
    opens, closes = minutes_open
    fits = [h for h in {hour % 12, hour % 12 + 12} if opens <= time(h, minute) < closes]
    return fits[0] if len(fits) == 1 else -1


def clock_hour(hour: int, meridiem: str | None, context: str | None) -> int:
    """The 0-23 hour for a written 1-12 hour.

    An am/pm written with the number ("a"/"p") wins; otherwise the part of the day in the
    message ("tonight at 7") decides; otherwise dealership hours do: 1-6 is pm, 7-11 is am and
    12 is noon.
    """
    if meridiem == "a":
        return hour % 12
    if meridiem == "p":
        return hour % 12 + 12
    if hour == 12:
        return 12
    if context == "a":
        return hour
    if context == "p" or hour <= 6:
        return hour + 12
    return hour


@dataclass(frozen=True)
class Clock:
    hour: int  # 1-12 as written, or 0-23 when `literal`
    minute: int
    meridiem: str | None = None  # "a"/"p" when written with the number
    literal: bool = False  # a 24-hour time or noon: no am/pm to decide
    fold: int = 0  # 1 for the repeated hour when clocks fall back
    rough: bool = False  # "around 6", "like 6", "6ish": a time to offer around, not a pick

    def resolve(self, context: str | None, hours: tuple[time, time] | None = None) -> time:
        """The wall time; a bare hour with no am/pm and no part of the day is read by the
        day's sales `hours` when only one reading is open ("5:30" when open 9-20 is 17:30)."""
        if self.literal:
            return time(self.hour, self.minute, fold=self.fold)
        if self.meridiem is None and context is None:
            inside = within_hours(self.hour, self.minute, hours)
            if inside >= 0:
                return time(inside, self.minute)
        return time(clock_hour(self.hour, self.meridiem, context), self.minute)


AFTER_WORK = Clock(17, 0, literal=True)
LUNCH_ENDS = {False: Clock(13, 30, literal=True), True: Clock(12, 0, literal=True)}  # after/before

_F = re.IGNORECASE
_T = r"(?:noon|mid-?day|\d{1,2}(?:[:.][0-5]\d)?(?:\s*[ap]\.?m\b\.?|[ap]\b)?)"
_START = r"(?<![\w$#/:\-])(?<!\d[.,])"
_END = r"(?![\w$%/]|[.,]\d)"
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:,?\s+(?P<y>\d{4}))?"
NOISE = re.compile(
    r"(?<!\d)(?:\+?1[\s.\-]?)?\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4}(?!\d)|\b\d{3}[.\-]\d{4}\b"
    r"|\$\s?\d[\d,.]*k?|\b[a-z]{1,4}-\d+\b",
    _F,
)
ASAP = re.compile(
    r"\b(?:asap|a\.s\.a\.p|as\s+soon\s+as\s+(?:possible|you\s+can|u\s+can)|soonest|earliest"
    r"|first\s+(?:available|opening|slot)|next\s+available|right\s+(?:away|now))(?!\w)",
    _F,
)
RELATIVE = re.compile(
    r"\bin\s+(?:(?P<ah>an?\s+hour\s+and\s+a\s+half)|(?P<hh>half\s+an?\s+hour)|(?P<one>an?|one)"
    r"\s+hour|(?P<h>\d{1,2}|two|three|a\s+couple(?:\s+of)?)\s*(?:hours?|hrs?)"
    r"|(?P<m>\d{1,3})\s*(?:minutes?|mins?))\b",
    _F,
)
MONTH_DAY = re.compile(
    rf"\b(?P<mon>{_MONTH})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{_YEAR}{_END}", _F
)
DAY_MONTH = re.compile(
    rf"{_START}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH})\b\.?{_YEAR}{_END}",
    _F,
)
NUMERIC_DATE = re.compile(
    rf"{_START}(?<!\.)(?P<mon>\d{{1,2}})/(?P<d>\d{{1,2}})(?:/(?P<y>\d{{4}}|\d{{2}}))?{_END}", _F
)
DAY_AFTER = re.compile(r"\b(?:the\s+)?day\s+after\s+(?P<w>[a-z0-9]+)", _F)
WEEKEND = re.compile(r"\b(?:(?P<mod>this\s+coming|this|next|the|coming)\s+)?week-?ends?\b", _F)
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)*", _F)
RANGES = (
    re.compile(rf"\b(?:between|btwn|from)\s+(?P<a>{_T})\s*(?:and|&|-|–|to|till?|until)\s*"
               rf"(?P<b>{_T}){_END}", _F),
    re.compile(rf"{_START}(?P<a>{_T})\s*(?:-|–|to)\s*(?P<b>{_T}){_END}", _F),
)  # fmt: skip
BOUND = re.compile(
    r"\b(?P<kw>after|before|no\s+later\s+than|no\s+earlier\s+than|not\s+before|not\s+after)\s+"
    rf"(?:(?:like|about|around|say)\s+)?(?:(?P<t>{_T}){_END}|(?P<w>lunch(?:\s*time)?|work)\b)",
    _F,
)
PART = re.compile(r"\b(?P<this>this\s+)?(?P<w>mornings?|mornin|afternoons?|evenings?|evenin"
                   r"|tonight|tonite|2nite|nights?)\b", _F)  # fmt: skip
AMPM_PART = re.compile(r"\b(?P<this>this\s+|in\s+the\s+)(?P<w>[ap])\.?m\b\.?", _F)
AMPM_AFTER_DAY = re.compile(r"[\s,]+(?P<w>[ap])\.?m\b\.?", _F)
FIRST_THING = re.compile(r"\b(?:first\s+thing|(?:right\s+)?when\s+(?:you|u)\s+open)\b", _F)
SAME_DAY = re.compile(r"\bsame[\s-]+day\b", _F)
LUNCH = re.compile(r"\b(?:(?P<pre>at|over|during|around|on\s+my|my)\s+)?lunch"
                    r"(?P<post>\s*time|\s+hour|\s+break)?\b", _F)  # fmt: skip
NOON = re.compile(r"\b(?:12\s*)?(?:noon|mid-?day)\b", _F)
TIME = re.compile(
    rf"{_START}(?P<t>\d{{1,2}}(?:[:.][0-5]\d)?(?:\s*[ap]\.?m\b\.?|[ap]\b)?)"
    rf"(?P<ish>\s*-?\s*ish\b|\s*o['’]?\s*clock\b)?{_END}",
    _F,
)
_CLOCK = re.compile(r"(?P<h>\d{1,2})(?:(?P<sep>[:.])(?P<m>[0-5]\d))?\s*(?:(?P<ap>[ap])\.?m?\.?)?")
GAP = re.compile(r"[\s,]*(?:(?:on|at|@|around|about|in\s+the|this)[\s,]*)?", _F)
NAME_BEFORE = re.compile(r"\b([a-z][a-z0-9'-]*)[ \t]+$", _F)  # the word a number follows
PREFERRED_AFTER = re.compile(r"[\s,]*instead\b", _F)
# A correction of the time or day just said ("friday at 4, no wait make it 5", "actually
# make it 6", "i meant saturday"): what follows it wins, and a bare hour after it is an hour.
_CORRECTION = (
    r"actually|no\s+wait|wait|make\s+(?:it|that)|change\s+(?:it|that)\s+to"
    r"|switch(?:\s+it|\s+that)?\s+to|(?:i\s+)?meant"
    r"|scratch\s+that|or\s+rather"
)
CORRECTED_BEFORE = re.compile(rf"\b(?:{_CORRECTION})[\s,]*(?:at\s+|on\s+|to\s+)?$", _F)
CORRECTION = re.compile(rf"\b(?:{_CORRECTION})\b", _F)
PREFERRED_BEFORE = re.compile(
    r"\b(?:(?:how|what)\s+(?:about|bout|abt)|rather|prefer|push(?:\s+it)?\s+to"
    rf"|move(?:\s+it)?\s+to|{_CORRECTION})[\s,]*(?:at\s+|on\s+)?$",
    _F,
)
ORDINAL = re.compile(r"\bthe\s+(?P<d>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b", _F)
TIME_FOLLOWS = re.compile(
    r"[\s,]+(?:(?:at|@|around)\s*\d{1,2}(?:[:.][0-5]\d)?\b(?!\s*(?:[a-z]+\s+)?(?:%|percent|miles?|mi\b|k\b"
    r"|grand|thousand|dealers?|people|cars?|trucks?|years?|months?|weeks?|days?|minutes?))"
    r"|(?:(?:at|@|around)\s*)?(?:\d{1,2}(?:[:.][0-5]\d)?\s*(?:[ap]\.?m\b|ish\b|o'?clock\b"
    r"|(?=\s*(?:$|[?!.,]|for\b|with\b|works\b|ok\b|pls\b|please\b)))"
    r"|morning|afternoon|evening|night|noon|[ap]\.?m\b))",
    _F,
)  # a time right after a word: "sat at 11", "sun 10am", "sat morning"; not "at 3 dealers"
COMPACT = re.compile(rf"{_START}(?P<h>[1-9]|1[0-2])(?P<m>[0-5]\d){_END}", _F)  # "930", "1030"
HOURS24 = re.compile(rf"{_START}(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s*(?:h|hrs?)\b", _F)  # "1600h"
WORD = re.compile(r"[a-z%@]+(?:'[a-z]+)?|\d+", _F)


def parse_clock(raw: str) -> Clock | None:
    """A clock written as "10", "2:30pm", "2.30 p.m.", "16:00" or "noon"; None if it is not one."""
    raw = raw.strip().lower()
    if raw in {"noon", "midday", "mid-day"}:
        return Clock(12, 0, literal=True)
    m = _CLOCK.fullmatch(raw)
    if m is None:
        return None
    hour, minute, meridiem = int(m["h"]), int(m["m"] or 0), m["ap"]
    if meridiem:
        return Clock(hour, minute, meridiem) if 1 <= hour <= 12 else None
    if m["sep"] == ".":
        return None  # "2.5" is a decimal, "2.30pm" needs its pm
    if m["m"] and (hour == 0 or 13 <= hour <= 23):
        return Clock(hour, minute, literal=True)
    return Clock(hour, minute) if 1 <= hour <= 12 else None


def day_of_month(today: date, day: int) -> date | None:
    """ "the 12th": that day this month, or in the next month that has it if already past."""
    for ahead in range(3):
        year, month = divmod(today.month - 1 + ahead, 12)
        try:
            meant = date(today.year + year, month + 1, day)
        except ValueError:
            continue
        if meant >= today:
            return meant
    return None


def calendar_date(today: date, month: int, day: int, year: str | None) -> date | None:
    """The date meant by month/day: a written year is kept, otherwise the next one not past."""
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        meant = date(today.year, month, day)
        return meant if meant >= today else meant.replace(year=today.year + 1)
    except ValueError:
        return None


def window(a: Clock, b: Clock, context: str | None) -> tuple[time, time]:
    """ "2-4pm" lends its pm to the 2; "between 5 and 7" ends at 19:00, not 07:00."""
    if a.meridiem is None and not a.literal and b.meridiem:
        guess = replace(a, meridiem=b.meridiem)
        a = guess if guess.resolve(None) < b.resolve(None) else a
    start, end = a.resolve(context), b.resolve(context)
    if end <= start and b.meridiem is None and not b.literal and end.hour < 12:
        end = end.replace(hour=end.hour + 12)
    return start, end


def quarter_hour_after(now: datetime, span: timedelta) -> datetime:
    """`now` plus `span` on the real (UTC) timeline, rounded up to the next quarter hour, as a
    local time in `now`'s zone (real zones' offsets are whole quarter hours)."""
    moment = now.astimezone(UTC) + span
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return (moment + timedelta(minutes=-moment.minute % 15)).astimezone(now.tzinfo)
