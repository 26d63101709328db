"""The state of one reading of a message for `agent.nlu.when`: which characters a phrase has
already claimed (so a later pass does not read them again), and what the passes found: days,
clock times, parts of the day, ranges and bounds, each with where it was written and whether it
was offered as a change ("11 instead", "how about 3"). The passes are `when_days` (day words)
and `when_clocks` (clock times and windows); `pick` chooses among what they found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from agent.nlu import timewords as tw


@dataclass(frozen=True)
class Day:
    """A day phrase: a known date, or a weekday whose date waits for the time asked."""

    date: date | None = None  # a known date, else the next `weekday` (Monday=0)
    weekday: int = 5
    next: bool = False
    weekend: bool = False


_Hit = TypeVar("_Hit")
Found = list[tuple[int, bool, _Hit]]  # (position in the text, offered as a change, what)


@dataclass
class Scan:
    """One pass over a message: each step claims spans so later steps do not reread them."""

    s: str
    now: datetime
    taken: bytearray = field(init=False)  # 1 for each character already claimed
    spans: list[tuple[int, int]] = field(default_factory=list)  # phrases kept for `text`
    anchors: list[tuple[int, int]] = field(default_factory=list)  # day and part-of-day phrases
    others: list[tuple[int, int]] = field(init=False)  # words that are not filler
    days: Found[Day] = field(default_factory=list)
    clocks: Found[tw.Clock] = field(default_factory=list)
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

    def add_day(self, span: tuple[int, int], day: Day) -> None:
        self.take(span, anchor=True)
        self.days.append((span[0], self.preferred(*span), day))

    def add_clock(self, span: tuple[int, int], clock: tw.Clock) -> None:
        self.take(span)
        self.clocks.append((span[0], self.preferred(*span), clock))

    def add_part(self, span: tuple[int, int], part: str, *, today: bool) -> None:
        self.take(span, anchor=True)
        self.parts.append(part)
        if today:
            self.days.append((span[0], self.preferred(*span), Day(self.now.date())))

    def unit_follows(self, end: int) -> bool:
        after = self.words(end, end + 20)
        return bool(after) and after[0] in tw.UNIT_WORDS


def pick(found: Found[_Hit]) -> _Hit:
    """The one offered as a change (the last such), else the first written."""
    ordered = sorted(found, key=lambda hit: hit[0])
    return ([hit for hit in ordered if hit[1]] or ordered[:1])[-1][2]
