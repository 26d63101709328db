"""Questions about the dealership itself (where, phone, hours on a day, directions) and the
offline engine's answers to them from the `dealership_info` tool.

`asks` finds the facts a message asks for, one `dealership_info` call each, and the parts
of the message that are other questions (looked up in the knowledge as before); `text` writes
the answer for the day asked ("hours on saturday" gets Saturday, not the week). The words are
the templates `facts_*` in `agent/prompts/replies.yaml`; the facts are the tool's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from agent import prompts
from agent.engines.offline.answers import more_questions
from agent.nlu.when import TimeRequest

Call = tuple[str, dict[str, Any]]

_YOU = r"(?:you|u|y'?all|ya|you guys|u guys|the (?:dealership|store|showroom|dealer)|your (?:store|dealership|showroom|place|lot))"  # noqa: E501
_DEPT = r"(?:service|parts|financ\w*|business office)"
_UNIT = r"(?:dept|department|office|center|centre|desk|counter|team)"
_TOPICS: list[tuple[str, re.Pattern[str]]] = [
    ("parking", re.compile(r"\b(?:where (?:do|can|should) (?:i|we) park|parking)\b", re.I)),
    (
        "directions",
        re.compile(
            # an origin of the trip ("coming from i-25", "driving up from pueblo") asks the way
            r"\b(?:(?:coming|driving|heading|comin) (?:\w+ )?from"
            r"|directions?|how (?:do|can|would|should) (?:i|we) (?:get|find|reach) (?:there|to"
            rf" {_YOU}|you)|how to get (?:there|to {_YOU}))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "address",
        re.compile(
            rf"\bwhere (?:are|r|is|'?s) {_YOU}\b"
            r"|\bwhere(?:'?s| is) (?:the |your |ur )?(?:dealership|store|showroom|lot|place)\b"
            r"|\blocated\b|\blocation\b|\baddress\b|\baddy\b"
            r"|\bwhat (?:city|town|street)\b|\bwhere (?:are|r) (?:you|u) (?:guys )?at\b",
            re.IGNORECASE,
        ),
    ),
    (
        "phone",
        re.compile(
            r"\b(?:your|ur|the (?:store|dealership|showroom|main|sales|service)|dealership|store)"
            r"(?:'?s)? (?:phone(?: number)?|number|#)|\bwhat(?:'?s| is)? (?:the|your|ur) (?:phone"
            r" )?(?:number|#)|\bphone (?:number|#|no)[^?.!]{0,20}\b(?:store|dealership|showroom"
            r"|you|u|ya|y'?all|there)\b|\bnumber (?:to|i can|can i) call\b"
            r"|\bnumber (?:do|should|would|can) (?:i|we) (?:call|text|dial|use)\b"
            r"|\bphone (?:number|#)\s*\?|\btheir (?:phone(?: number)?|number|#|line)\b"
            r"|\b(?:number|phone|line|#) (?:for|to (?:reach|call)) (?:them|him|her)\b"
            r"|\bcan i call (?:you|u|the (?:store|dealership))\b"
            # a department's own line: "service number", "parts dept phone", "number for
            # finance", "direct line", "how do i reach service"
            rf"|\b{_DEPT}(?: {_UNIT})?(?:'?s)? (?:direct |main |own )?(?:phone(?: number)?"
            r"|number|line|#|ph)\b"
            rf"|\b(?:number|phone|line|#|contact) (?:for|to|of|at) (?:the |your |ur )?{_DEPT}"
            r"|\bdirect (?:line|number|#|phone)\b"
            rf"|\b(?:how (?:do|can|would) (?:i|we)|to) (?:call|reach|contact) (?:the |your |ur )?"
            rf"{_DEPT}",
            re.IGNORECASE,
        ),
    ),
    (
        "hours",
        re.compile(
            r"\b(?:hours?|hrs)\b(?! (?:ago|away|long|drive))"
            r"|\b(?:open|opens|opening|close|closes|closing|closed)\b"
            r"|\bwhat time (?:do|does|are|is|r|will) (?:you|u|y'?all|ya|the \w+|it"
            r"|service|sales|finance|parts)\b"
            # "is finance there sunday", "sales sunday till when", "how late is parts"
            rf"|\b(?:is|are|r) (?:the |your |ur )?(?:{_DEPT}|sales)(?: {_UNIT})? (?:there|in|around"
            r"|working|staffed)\b|\b(?:till|til|until|untill) when\b|\bhow late\b"
            r"|\b(?:is|are|r) (?:they|you|u|y'?all|ya) (?:around|working|staffed)\b",
            re.IGNORECASE,
        ),
    ),
]
# The showroom named: "sales sunday till when", "what about the showroom", "are y'all open".
_SALES = re.compile(rf"\b(?:sales|showroom|{_YOU})\b", re.IGNORECASE)
_DEPARTMENT = [
    ("service", re.compile(r"\bservice\b|\boil change\b|\bmechanics?\b", re.IGNORECASE)),
    ("parts", re.compile(r"\bparts\b", re.IGNORECASE)),
    ("finance", re.compile(r"\bfinanc\w*\b|\bbusiness office\b", re.IGNORECASE)),
]
# A booking in the same message ("what time can i test drive it saturday"): the booking flow
# answers, with open times; "open on sat" alone is about the hours.
BOOKING = re.compile(
    r"\b(?:test[ -]?drive|drive (?:it|the|that|this|one)|appointment|book|schedule"
    r"|see (?:it|the|that|this)|come (?:in|by|see|check)|stop by|swing by)\b",
    re.IGNORECASE,
)
_SHORT = re.compile(r"[a-z0-9']+", re.IGNORECASE)
# Words around a bare day in a follow-up ("what about service on sat", "n parts on sunday?").
_FILLER = re.compile(
    r"what|how|about|bout|abt|and|n|on|for|the|ur|your|y'?all|too|then|also|ok(?:ay)?|k|so"
    r"|service|parts|financ\w*|dept|department|office|counter|center|sales|showroom|store",
    re.IGNORECASE,
)
_HOURS_WORD = re.compile(r"\b(?:hours?|hrs)\b", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:today|tonight|now|rn)\b", re.IGNORECASE)
# Not about the dealership's hours: "open to offers", "is it still open (available)".
_NOT_HOURS = re.compile(
    r"\bopen (?:to|for) (?:offers?|negotiat\w*|trades?|suggestions)\b|\b(?:how many|\d+) hours?\b"
    r"|\bhours? (?:on|of) (?:the|it|that|this)\b|\bopen (?:box|road|house)\b",
    re.IGNORECASE,
)
# The day already under discussion: "how late r u open that day", "on the day i said".
_THAT_DAY = re.compile(
    r"\b(?:that|same|this) (?:day|date)\b|\bthe day (?:i|we|u|you) (?:said|mentioned|picked"
    r"|asked(?: about)?|chose|told (?:you|u)|talked about|booked)\b",
    re.IGNORECASE,
)


def asks(
    text: str,
    when: TimeRequest,
    *,
    after_facts: bool = False,
    day: date | None = None,
    department: str | None = None,
) -> tuple[list[Call], list[str]]:
    """The `dealership_info` calls the message's questions need, and its other questions.
    `after_facts`: the last answer was dealership facts, so a bare day ("n sunday?") asks for
    that day's hours. `day`: the day under discussion (the dialogue's `requested_day`); hours
    asked without a day of their own are that day's when the message points at it ("that
    day") or follows a facts answer ("and close?", "is finance open that late too").
    `department`: the department under discussion (the slot `department`): a question naming
    none ("are they open saturday", "their direct line") is about it; "sales" names the
    showroom."""
    if after_facts and when.day and not when.at and _bare_day(text):
        return _calls(f"hours {text}", when, department), []
    if day is not None and _about_day(text, when, after_facts):
        when = replace(when, day=day)
    calls: list[Call] = []
    others: list[str] = []
    for part in more_questions(text) or [text]:
        found = _calls(part, when, department)
        if found:
            calls += [c for c in found if c not in calls]
        else:
            others.append(part)
    if any(a["topic"] == "directions" for _, a in calls):  # directions include the address
        calls = [c for c in calls if c[1]["topic"] != "address"]
    return calls, (others if calls else [text])


def _bare_day(text: str) -> bool:
    """A follow-up that is a day and little else: "n sunday?", "how bout service on fri"."""
    words = [w.lower() for w in _SHORT.findall(text)]
    return len(words) <= 3 or (
        len(words) <= 6 and sum(not _FILLER.fullmatch(w) for w in words) <= 1
    )


def points_at_day(text: str) -> bool:
    """True when the message points at the day under discussion ("that day", "the day i
    said"): "how late r u open that day" asks that day's hours, not whether open now."""
    return bool(_THAT_DAY.search(text))


def _about_day(text: str, when: TimeRequest, after_facts: bool) -> bool:
    """True when a message naming no day of its own asks about the day under discussion."""
    if when.day or when.weekend or _TODAY.search(text):
        return False
    return bool(_THAT_DAY.search(text) or (after_facts and not _HOURS_WORD.search(text)))


def day_asked(calls: list[Call]) -> str | None:
    """The one date (YYYY-MM-DD) the hours calls ask about, to keep as the day under
    discussion; None for the week, a weekend or no hours asked."""
    days = {
        a.get("day") for name, a in calls if name == "dealership_info" and a["topic"] == "hours"
    }
    found = [d for d in days if d and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)]
    return found[0] if len(found) == 1 and len(days) == 1 else None


def department_asked(calls: list[Call]) -> str | None:
    """The department the calls ask about, to keep as the one under discussion: None for the
    showroom (sales) or when no hours or phone were asked."""
    named = {a.get("department", "sales") for _, a in calls if a["topic"] in ("hours", "phone")}
    return next(iter(named)) if len(named) == 1 and "sales" not in named else None


def _calls(part: str, when: TimeRequest, carried: str | None = None) -> list[Call]:
    department = next((name for name, cue in _DEPARTMENT if cue.search(part)), None)
    if department is None:  # "are they open saturday": the department under discussion
        department = carried if carried and not _SALES.search(part) else "sales"
    found: list[Call] = []
    for topic, pattern in _TOPICS:
        if not pattern.search(part) or (topic == "hours" and _NOT_HOURS.search(part)):
            continue
        if topic == "address" and any(a["topic"] == "directions" for _, a in found):
            continue  # directions include the address
        args: dict[str, Any] = {"topic": topic}
        if topic == "hours":
            if when.weekend:
                args["day"] = "weekend"
            elif when.day:
                args["day"] = when.day.isoformat()
            elif _HOURS_WORD.search(part) and not _TODAY.search(part):
                args["day"] = "week"  # "what are your hours"
            args["department"] = department
        if topic == "phone" and department != "sales":
            args["department"] = department  # "the service number": that department's line
        found.append(("dealership_info", args))
    return found


def text(results: list[dict[str, Any]], seed: str) -> str:
    """The answer to each `dealership_info` result, in the order asked."""
    parts: list[str] = []
    for result in results:
        if "error" in result:
            continue
        parts.append(_one(result, seed))
    return " ".join(p for p in parts if p)


def _one(r: dict[str, Any], seed: str) -> str:
    topic = r["topic"]
    if topic == "phone":
        department = r.get("department", "sales")
        if department != "sales" and r.get("department_phone"):
            return prompts.render(
                "facts_department_phone", seed, department=department, phone=r["department_phone"]
            )
        if department != "sales" and r.get("phone"):
            return prompts.render(
                "facts_department_no_phone",
                seed,
                department=department,
                dealership=r["name"],
                phone=r["phone"],
            )
        if r.get("phone"):
            return prompts.render("facts_phone", seed, dealership=r["name"], phone=r["phone"])
        return ""
    if topic == "parking":
        said = [s for s in r.get("directions") or [] if re.search(r"\bpark", s, re.I)]
        if said:
            return " ".join(said[:2])
        topic = "directions"  # no parking text: how to get there
    if topic in ("address", "directions"):
        if not r.get("address") and not r.get("phone"):
            return ""
        if r.get("address"):
            lines = [prompts.render("facts_address", seed, address=r["address"])]
        else:
            lines = [prompts.render("facts_no_address", seed, phone=r["phone"])]
        if topic == "directions":
            said = r.get("directions") or []
            parking = [s for s in said if re.search(r"\bpark", s, re.IGNORECASE)]
            route = [s for s in said if s not in parking]
            lines += route[:2] + parking[:1]
        return " ".join(lines)
    if r.get("department", "sales") != "sales":
        return _department(r, seed)
    if len(r["days"]) == 7:  # "what are your hours": the week, and whether open now
        return _week(r, seed)
    return " ".join(_day(d, r, seed) for d in r["days"])


def _week(r: dict[str, Any], seed: str) -> str:
    """'Mon-Fri 9:00 AM-8:00 PM, Sat 9:00 AM-7:00 PM, Sun closed', then open now or when next."""
    runs: list[tuple[list[str], str]] = []
    for day, span in r["week"].items():
        if runs and runs[-1][1] == span:
            runs[-1][0].append(day[:3])
        else:
            runs.append(([day[:3]], span))
    week = ", ".join(
        (f"{days[0]}-{days[-1]}" if len(days) > 1 else days[0]) + f" {span}" for days, span in runs
    )
    line = prompts.render("facts_week", seed, week=week)
    if r.get("open_now") and r.get("closes_at"):
        return line + " " + prompts.render("facts_open_now", seed, until=r["closes_at"])
    return line + " " + _closed_now(r, seed)


def _closed_now(r: dict[str, Any], seed: str) -> str:
    line = prompts.render("facts_closed_now", seed)
    if nxt := r.get("next_open"):
        line += " " + _next_open(nxt, seed)
    return line


def _next_open(nxt: dict[str, Any], seed: str) -> str:
    return prompts.render(
        "facts_next_open", seed, weekday=nxt["weekday"], relative=nxt["relative"], open=nxt["open"]
    )


def _day(d: dict[str, Any], r: dict[str, Any], seed: str) -> str:
    values = {"weekday": d["weekday"], "relative": d["relative"]}
    if d["closed"]:
        line = prompts.render("facts_closed_day", seed, **values)
        nxt = r.get("next_open")
        if nxt and d["relative"] == "today" and nxt["date"] != d["date"]:
            line += " " + _next_open(nxt, seed)
        return line
    line = prompts.render("facts_open_day", seed, open=d["open"], close=d["close"], **values)
    if d["relative"] == "today" and r.get("open_now") and r.get("closes_at"):
        line += " " + prompts.render("facts_open_now", seed, until=r["closes_at"])
    elif d["relative"] == "today":
        line += " " + _closed_now(r, seed)
    return line


def _department(r: dict[str, Any], seed: str) -> str:
    department = r["department"]
    days = r.get("department_days") or []
    if days and all(d["known"] for d in days):
        return " ".join(
            prompts.render(
                "facts_department_closed" if d["closed"] else "facts_department_open",
                seed,
                department=department,
                weekday=d["weekday"],
                relative=d["relative"],
                open=d["open"],
                close=d["close"],
            )
            for d in days
        )
    if r.get("department_text"):
        return " ".join(r["department_text"][:2])
    sales = _week(r, seed) if len(r["days"]) == 7 else " ".join(_day(d, r, seed) for d in r["days"])
    return prompts.render(
        "facts_department_unknown", seed, department=department, phone=r.get("phone"), sales=sales
    )
