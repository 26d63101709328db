"""The times of day in a message for `agent.nlu.when`: windows (ranges such as "between 2
and 4", bounds such as "after 5", parts of the day such as "sat morning", "first thing", lunch)
and exact clock times ("noon", "2:30pm", "4ish"), with the rules for when a bare number like "4"
is an hour: a cue next to it, a day or part of the day beside it, or nothing else in the message.
"""

from __future__ import annotations

import re
from dataclasses import replace

from agent.nlu import timewords as tw
from agent.nlu.when_scan import Scan

_GREETING_AFTER = re.compile(r"\s*[!,]")


def scan_windows(sc: Scan) -> None:
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


def scan_clocks(sc: Scan) -> None:
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


def _cued(sc: Scan, m: re.Match[str]) -> bool:
    """Whether a bare number like "4" is meant as an hour (see `agent.nlu.when`)."""
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


def _alone(sc: Scan, m: re.Match[str]) -> bool:
    """Next to a day or part of the day ("sat 10", "7 tonight"), or the whole message ("10?")."""
    start, end = m.span()
    for a, b in sc.anchors:
        if (b <= start and tw.GAP.fullmatch(sc.s, b, start)) or (
            end <= a and tw.GAP.fullmatch(sc.s, end, a) and not _named_by(sc, start)
        ):
            return True
    return all(start <= a and b <= end for a, b in sc.others)


def _named_by(sc: Scan, start: int) -> bool:
    """A number glued to the word before it is part of a name ("ioniq 6 friday", "cx 5
    tomorrow", "f 150 sat"), not an hour before the day: only a filler word may precede it."""
    word = tw.NAME_BEFORE.search(sc.s, max(0, start - 30), start)
    return word is not None and word[1].lower() not in tw.FILLER
