"""Times in the booking talk: a bare time filled from the day or the slots under discussion,
an "ok" to several offered times answered with the question which, several fitting vehicles
named and asked about, a visit asked beside a question about the dealership."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from langchain_core.messages import AIMessage

from agent import prompts
from agent.context import TurnContext
from agent.dialogue import shown_updates
from agent.engines import EngineStep
from agent.engines.offline import facts_replies
from agent.engines.offline import formatting as fmt
from agent.engines.offline.understand import Understanding
from agent.engines.offline.vehicle_replies import which_one_text
from agent.nlu.when import TimeRequest
from contracts.dialogue import Slots, SlotUpdate


def with_context(m: Understanding, slots: Slots) -> TimeRequest:
    """Fill a bare time ("10 works") with the day under discussion or an offered slot."""
    when = m.when
    picked = (slots.get("heard") or {}).get("picked")  # "first one", "yes" to a single time
    if picked and not (when.day and when.at):
        moment = datetime.fromisoformat(picked)
        return TimeRequest(day=moment.date(), at=moment.time(), earliest=None, latest=None)
    if when.at and not when.day:
        for offered in slots.get("offered_slots", []):
            moment = datetime.fromisoformat(offered)
            if moment.time() == when.at:
                return TimeRequest(day=moment.date(), at=when.at, earliest=None, latest=None)
        if slots.get("requested_day"):  # a rough "like 6" stays rough: times around it
            return replace(when, day=date.fromisoformat(slots["requested_day"]))
    return when


AGREEMENT = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|k|perfect|great|cool|awesome|nice|yes|yeah|yep|sure|sounds good"
    r"|thanks|thank you|thx|alright)\b\W*)+",
    re.IGNORECASE,
)


QUESTION = re.compile(
    r"\?|^(?:do|does|did|what|whats|what's|how|where|when|is|are|can|could|should|will|who"
    r"|which|any)\b",
    re.IGNORECASE,
)


def asks_to_book(question: str, m: Understanding, slots: Slots) -> bool:
    """A question beside a question about the dealership that asks to come in for a vehicle
    at a time ("want to see the odyssey at like 10")."""
    vehicle = m.reference or slots.get("vehicle_of_interest") or not m.query.is_empty()
    wants = m.wants_test_drive or facts_replies.BOOKING.search(question)
    return bool(vehicle and wants and not m.when.is_empty())


def unpicked(slots: Slots, results: list[tuple[str, dict[str, Any]]]) -> bool:
    """ "ok"/"perfect" to several offered times and nothing booked: a time must be asked."""
    tried = any(n in ("book_test_drive", "reschedule_test_drive") for n, _ in results)
    return bool((slots.get("heard") or {}).get("ambiguous")) and not tried


def ask_which(step: EngineStep, slots: Slots, ctx: TurnContext) -> EngineStep:
    """The reply, then the question which of the offered times to book."""
    offered = list((slots.get("heard") or {}).get("offered") or [])
    seed = f"{ctx.conversation_id}:{ctx.turn}"
    which = prompts.render("which_time", seed, times=fmt.times_list(offered))
    text = f"{step.message.text} {which}".strip()
    updates: SlotUpdate = {**step.slots, "offered_slots": offered, "pending": "slot_choice"}
    return EngineStep(AIMessage(content=text), updates)


def which_one(m: Understanding, intent: str, updates: SlotUpdate, ctx: TurnContext) -> EngineStep:
    """Several vehicles just shown fit: name them and ask, keeping what was asked for."""
    updates["pending"] = "ask_vehicle" if intent == "test_drive" else "which_vehicle"
    updates.update(shown_updates(m.candidates))  # the answer picks among these ("the older one")
    remember_time(m.when, updates)
    text = which_one_text(m.candidates, f"{ctx.conversation_id}:{ctx.turn}")
    return EngineStep(AIMessage(content=text), updates)


def remember_time(when: TimeRequest, updates: SlotUpdate) -> None:
    if when.day:
        updates["requested_day"] = when.day.isoformat()
