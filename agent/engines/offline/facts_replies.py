"""Questions about the dealership itself (where, phone, hours on a day, directions) and the
offline engine's answers to them from the `dealership_info` tool.

`asks` finds the facts a message asks for, one `dealership_info` call each, and the parts
of the message that are other questions (looked up in the knowledge as before); `text` writes
the answer for the day asked ("hours on saturday" gets Saturday, not the week). The words are
the templates `facts_*` in `agent/prompts/replies.yaml`; the facts are the tool's.
"""

from __future__ import annotations

import re
from typing import Any

from agent import prompts
from agent.engines.offline.answers import more_questions
from agent.nlu.when import TimeRequest

Call = tuple[str, dict[str, Any]]

_YOU = r"(?:you|u|y'?all|ya|you guys|u guys|the (?:dealership|store|showroom|dealer)|your (?:store|dealership|showroom|place|lot))"  # noqa: E501
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
            r"|\bphone (?:number|#)\s*\?"
            r"|\bcan i call (?:you|u|the (?:store|dealership))\b",
            re.IGNORECASE,
        ),
    ),
    (
        "hours",
        re.compile(
            r"\bhours?\b(?! (?:ago|away|long|drive))|\b(?:open|opens|opening|close|closes|closing"
            r"|closed)\b|\bwhat time (?:do|does|are|is|r|will) (?:you|u|y'?all|ya|the \w+|it"
            r"|service|sales|finance|parts)\b",
            re.IGNORECASE,
        ),
    ),
]
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
_HOURS_WORD = re.compile(r"\bhours?\b", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:today|tonight|now|rn)\b", re.IGNORECASE)
# Not about the dealership's hours: "open to offers", "is it still open (available)".
_NOT_HOURS = re.compile(
    r"\bopen (?:to|for) (?:offers?|negotiat\w*|trades?|suggestions)\b|\b(?:how many|\d+) hours?\b"
    r"|\bhours? (?:on|of) (?:the|it|that|this)\b|\bopen (?:box|road|house)\b",
    re.IGNORECASE,
)


def asks(
    text: str, when: TimeRequest, *, after_facts: bool = False
) -> tuple[list[Call], list[str]]:
    """The `dealership_info` calls the message's questions need, and its other questions.
    `after_facts`: the last answer was dealership facts, so a bare day ("n sunday?") asks for
    that day's hours."""
    if after_facts and when.day and not when.at and len(_SHORT.findall(text)) <= 3:
        return _calls(f"hours {text}", when), []
    calls: list[Call] = []
    others: list[str] = []
    for part in more_questions(text) or [text]:
        found = _calls(part, when)
        if found:
            calls += [c for c in found if c not in calls]
        else:
            others.append(part)
    if any(a["topic"] == "directions" for _, a in calls):  # directions include the address
        calls = [c for c in calls if c[1]["topic"] != "address"]
    return calls, (others if calls else [text])


def _calls(part: str, when: TimeRequest) -> list[Call]:
    department = next((name for name, cue in _DEPARTMENT if cue.search(part)), "sales")
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
