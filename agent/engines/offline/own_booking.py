"""The shopper asking about their own test drive ("what time is my test drive again", "who am
i meeting", "still on for tmrw at 2?"): answered from `my_appointments`, i.e. from the store,
never from what the conversation remembers; a drive booked on another day or by staff counts.
While one stands, "how long is the drive" is the dealership's test drive length (its record)
and "is it the santa fe" whether the drive is of that car; "so nothing is booked now?" after
a cancellation is answered the same way (none: one is offered).

`refined` is the offline engine's hook in `refine`: the question is `own_booking`, and a shift
of the standing drive by an amount ("push it back an hour") is a move (`reschedule`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from agent import prompts
from agent.context import TurnContext
from agent.engines.offline import formatting as fmt
from agent.engines.offline.intents import HANDOFF_INTENTS
from agent.engines.offline.misuse import DECLINE_INTENTS
from agent.engines.offline.understand import Understanding
from agent.nlu.when import TimeRequest
from agent.standing import shifted
from contracts.dialogue import Slots, SlotUpdate

INTENT = "own_booking"
TOOL = "my_appointments"
Call = tuple[str, dict[str, Any]]

_DRIVE = r"(?:test[- ]?drive|td|appt|appointment|apt|booking|reservation|drive|visit)"
# Asking about it: when, what, who, whether it stands ("is my appt still on for thursday").
_ASKS = re.compile(
    r"\b(?:when|whens|what|whats|which|who|whom|where|wheres|remind|confirm\w*|details?|still|is|are"
    r"|r|do|did|have|got)\b",
    re.IGNORECASE,
)
_MINE = re.compile(
    rf"\bmy\s+(?:\w+\s+)?{_DRIVE}s?\b"  # "my test drive", "my tucson appt"
    r"|\b(?:am\s+i|are\s+we)\s+(?:still\s+)?(?:coming(?:\s+in)?|scheduled|booked"
    r"|set|supposed\s+to|driving|meeting|seeing|down\s+for|confirmed)\b"
    # said, not asked: "i'm booked for 2" is about the drive, "we're driving down" is not
    r"|\b(?:i'?m|im|we'?re)\s+(?:still\s+)?(?:coming\s+in|scheduled|booked|set\s+for"
    r"|supposed\s+to\s+(?:come|be)|down\s+for|confirmed)\b"
    rf"|\b(?:do|did)\s+i\s+(?:already\s+)?(?:have|book)\s+(?:a|an|the|my)\s+(?:\w+\s+)?{_DRIVE}"
    r"|\b(?:what|when|which)\b.{0,20}\bdid\s+i\s+book\b"
    r"|\b(?:when|what\s+time)\s+(?:do|should|shall|must)\s+i\s+(?:be\s+(?:there|here|in)|come\s+in"
    r"|come\s+(?:by|over)|show\s+up|arrive|get\s+there)\b"
    # whether any stands ("so nothing is booked now?", "do i still have a test drive")
    r"|\b(?:nothing|anything)\s+(?:is\s+|still\s+|else\s+)*(?:booked|scheduled|on\s+the\s+books)\b"
    rf"|\b(?:do|did)\s+(?:i|we)\s+still\s+have\s+(?:a|an|the|my|any)\s+(?:\w+\s+)?{_DRIVE}"
    rf"|\bis\s+(?:it|that|my\s+(?:\w+\s+)?{_DRIVE})\s+(?:still\s+)?(?:booked|scheduled"
    r"|cancell?ed)\b(?!\s+(?:up|solid|out|full))",
    re.IGNORECASE,
)
# "how long is the drive", "how long does the test drive take", "how much time should i plan":
# the dealership's test drive length; not how far away it is ("how long is the drive from
# wasilla") or how long something else takes ("how long will it take to get approved")
_LENGTH = re.compile(
    rf"\bh(?:o|)w\s+(?:long|much\s+time)\b[^?.!]{{0,12}}?\b(?:{_DRIVE}s?|(?:it|that|this)\s+take"
    r"|(?:i|we)\s+(?:be\s+there|need|plan|spend|budget|allow|have\s+(?:it|the\s+car))"
    r"|should\s+(?:i|we)\s+(?:plan|allow|budget|set\s+aside))\b"
    r"(?![^?.!]*\b(?:from|away|to|there|here|over|out|approv\w*|financ\w*|deliver\w*|paperwork"
    r"|charg\w*|ship\w*)\b)",
    re.IGNORECASE,
)
# "is it the santa fe", "wait is that the tucson", "is my appt for the palisade": which car
_WHICH_CAR = re.compile(
    r"^\W*(?:(?:so|and|wait|ok|okay|k|oh|hmm|sorry|just\s+to\s+(?:confirm|check))\W+)*"
    rf"(?:is|was|iz)\s+(?:it|that|this|the\s+(?:car|one|vehicle)|(?:my|the)\s+(?:\w+\s+)?{_DRIVE})"
    r"\s+(?:(?:for|with|of|in|on)\s+)?(?:the|a|an|my)\s+",
    re.IGNORECASE,
)
# "still on for tmrw at 2?", "we still good for thursday": the drive that stands, naming none
_STILL = re.compile(
    r"\b(?:still|we)\s+(?:on|good|set|booked|happening|confirmed)(?=\s+(?:for|at|on|tmrw"
    r"|tomorrow|today|tonight|this|next)\b|\W*$)",
    re.IGNORECASE,
)
# "can i book my test drive for sat", "i want to do my test drive friday": a booking request
_REQUEST = re.compile(
    r"\b(?:can|could|may|want\s+to|wanna|like\s+to|let'?s|please|pls|gonna|need\s+to)\s+"
    r"(?:i\s+|we\s+|you\s+)?(?:book|schedule|set\s+up|make|arrange|do|take|get)\b",
    re.IGNORECASE,
)


def refined(m: Understanding, slots: Slots) -> str | None:
    """`own_booking` for a question about the shopper's own drive, `reschedule` for a shift of
    it by an amount, else None (the rest of `refine` decides)."""
    if m.intent in DECLINE_INTENTS:
        return None  # "what did dana book": somebody else's, declined
    if m.by == "rule" and (m.intent in HANDOFF_INTENTS or m.intent == "cancel"):
        return None  # a question about it is never a guessed cancellation ("remind me when")
    if shifted(m.text, slots):
        return "reschedule"
    if m.by == "rule":  # the sharp rules (a move, a cancellation, the hours) stand
        return None
    if asks(m) or (slots.get("appointment_id") and (asks_length(m.text) or _asks_which(m, slots))):
        return INTENT
    return None


def asks_length(text: str) -> bool:
    """Whether the message asks how long the (test) drive takes ("how long is the drive")."""
    return bool(_LENGTH.search(text))


def _asks_which(m: Understanding, slots: Slots) -> bool:
    """ "is it the santa fe" with the drive's car, or none, under discussion: whether the
    drive is of the car named (a car, not one of its features: "is it the manual one" asks
    the listing)."""
    focus = slots.get("vehicle_of_interest")
    return (
        _names_car(m)
        and not m.feature
        and focus in (None, slots.get("appointment_stock"))
        and bool(_WHICH_CAR.search(m.text))
        and len(m.text.split()) <= 10
    )


def _names_car(m: Understanding) -> bool:
    return bool(m.query.make or m.query.model)


def asks(m: Understanding) -> bool:
    """Whether the message asks about the shopper's own booked drive."""
    text = m.text
    if _REQUEST.search(text) or not _ASKS.search(text):
        return False
    if _MINE.search(text):
        return True
    names_a_car = m.query.make or m.query.model or m.query.body or m.query.stock
    pointed = m.reference is not None and m.referred_by not in ("", "context", "pronoun")
    return bool(_STILL.search(text)) and not names_a_car and not pointed


def reply(
    m: Understanding, results: list[tuple[str, dict[str, Any]]], ctx: TurnContext
) -> tuple[str, SlotUpdate] | None:
    """The answer from `my_appointments`: the drive, confirmed when it is at the day (and time)
    asked, or where it really is; none booked: an offer to set one up. None when the tool did
    not run this turn."""
    found = [r for name, r in results if name == TOOL and "appointments" in r]
    if not found:
        return None
    seed = f"{ctx.conversation_id}:{ctx.turn}"
    booked: list[dict[str, Any]] = found[-1]["appointments"]
    if not booked:
        return prompts.render("own_booking_none", seed), {"pending": "offer_test_drive"}
    asked_day, asked_at = m.when.day, m.when.at if not m.when.rough else None
    fits = [a for a in booked if _fits(a["starts_at"], asked_day, asked_at)]
    which_car = bool(_WHICH_CAR.search(m.text)) and _names_car(m) and not m.feature
    named = [a for a in booked if _is_of(a, m)] if which_car else []
    drive = (named or fits or booked)[0]
    address = ctx.dealer.address or ctx.dealer.name
    values = {
        "title": drive["title"],
        "stock": drive["stock"],
        "when": fmt.when(drive["starts_at"]),
        "with_whom": f" with {drive['staff']}" if drive.get("staff") else "",
        "address": address,
    }
    updates: SlotUpdate = {"pending": None, "vehicle_of_interest": drive["stock"]}
    if asks_length(m.text):  # the dealership's length of a drive, and which drive is theirs
        minutes = ctx.dealer.test_drive_minutes
        text = prompts.render(
            "own_booking_length", seed, dealer=ctx.dealer.name, minutes=minutes, **values
        )
        return text, updates
    if which_car:  # "is it the santa fe"
        if named:
            return prompts.render("own_booking_is", seed, **values), updates
        asked = " ".join(w for w in (m.query.make, m.query.model) if w)
        return prompts.render("own_booking_is_not", seed, asked=asked, **values), updates
    if asked_day or asked_at:
        if fits:
            return prompts.render("own_booking_yes", seed, **values), updates
        asked = _asked(asked_day, asked_at)
        return prompts.render("own_booking_elsewhen", seed, asked=asked, **values), updates
    text = prompts.render("own_booking", seed, **values)
    if len(booked) > 1:
        others = fmt.joined([f"the {a['title']} on {fmt.when(a['starts_at'])}" for a in booked[1:]])
        text += " " + prompts.render("own_booking_more", seed, others=others)
    return text, updates


def _is_of(drive: dict[str, Any], m: Understanding) -> bool:
    """Whether the drive is of the car the message names (its make and model, as named)."""
    title = drive["title"].lower()
    return all(w.lower() in title for w in (m.query.make, m.query.model) if w)


def _fits(starts_at: str, day: date | None, at: Any) -> bool:
    moment = datetime.fromisoformat(starts_at)
    return (day is None or moment.date() == day) and (at is None or moment.time() == at)


def _asked(day: date | None, at: Any) -> str:
    if day and at:
        return fmt.when(datetime.combine(day, at).isoformat())
    if day:
        return fmt.day_name(datetime.combine(day, datetime.min.time()))
    return fmt.clock(at)


def move_of_standing(stock: str, when: TimeRequest, slots: Slots) -> Call | None:
    """A test drive asked for at an exact time of the very car whose drive stands (booked
    before, by staff, or earlier here; e.g. "saturday at 11" after "i need to reschedule"):
    that drive moved, never a second drive of the same car."""
    exact = when.day and when.at and not when.rough and not when.options
    if not exact or not slots.get("appointment_id") or stock != slots.get("appointment_stock"):
        return None
    assert when.day is not None and when.at is not None
    starts = datetime.combine(when.day, when.at).strftime("%Y-%m-%dT%H:%M")
    return ("reschedule_test_drive", {"starts_at": starts})
