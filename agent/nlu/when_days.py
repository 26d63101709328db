"""The day words of a message for `agent.nlu.when`: noise to skip, "asap", "in an hour",
written dates ("may 3", "3/14", "the 12th"), "today", "tomorrow", "the day after tomorrow",
"same day", "this weekend" and weekdays ("sat", "next tuesday"), each claimed on the `Scan`.
Which date a weekday means is decided later, once the time is known (`when.parse_when`).
"""

from __future__ import annotations

import re
from datetime import timedelta

from agent.nlu import timewords as tw
from agent.nlu.when_scan import Day, Scan

_MODIFIER = re.compile(r"\b(?:next|this\s+coming|this|coming)\s+$", re.IGNORECASE)


def scan_days(sc: Scan) -> None:
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
                sc.add_day(m.span(), Day(meant))
    for m in sc.each(tw.ORDINAL):
        if not sc.unit_follows(m.end()) and (meant := tw.day_of_month(today, int(m["d"]))):
            sc.add_day(m.span(), Day(meant))
    for m in sc.each(tw.DAY_AFTER):
        if tw.is_tomorrow(m["w"]):
            sc.add_day(m.span(), Day(today + timedelta(days=2)))
    for m in sc.each(tw.SAME_DAY):
        sc.add_day(m.span(), Day(today))
    for m in sc.each(tw.WEEKEND):
        sc.add_day(m.span(), Day(next=(m["mod"] or "").lower() == "next", weekend=True))
    for m in sc.each(tw.TOKEN):
        word, before = m[0].lower(), sc.words(m.start() - 30, m.start())[-1:]
        if word in tw.TODAY_WORDS:
            sc.add_day(m.span(), Day(today))
        elif tw.is_tomorrow(word):
            sc.add_day(m.span(), Day(today + timedelta(days=1)))
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
            sc.add_day((start, m.end()), Day(weekday=weekday, next=is_next))


def _relative(sc: Scan, m: re.Match[str]) -> None:
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
    sc.add_day(m.span(), Day(local.date()))
    clock = tw.Clock(local.hour, local.minute, literal=True, fold=local.fold)
    sc.clocks.append((m.start(), sc.preferred(*m.span()), clock))
