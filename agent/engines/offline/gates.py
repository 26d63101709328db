"""What a message may be answered from: a vehicle's listing (not a handoff, a refusal, a
booking with a time or a question about the dealership), the dealership's record, or the
last question asked again of another vehicle; and what the shopper told about themselves."""

from __future__ import annotations

import re
from dataclasses import replace

from agent import followups
from agent.engines.offline import compose, facts_replies, own_booking
from agent.engines.offline.intents import HANDOFF_INTENTS
from agent.engines.offline.misuse import DECLINE_INTENTS
from agent.engines.offline.understand import Understanding
from contracts.dialogue import Slots, SlotUpdate

_POINTS = re.compile(r"\b(?:it|that|this|one)\b", re.IGNORECASE)


_NOT_LISTING = frozenset(
    {"cancel", "reschedule", "dealership_info", "open_now", "ai_disclosure", own_booking.INTENT}
    | {"compare"}  # "which has more range": the listings compared, not "which one?"
)


def asks_another(m: Understanding) -> bool:
    """ "what about the silverado", "and the other one?": the last question asked again, of a
    vehicle the message names or points at."""
    named = m.query.make or m.query.model or m.query.stock
    pointed = m.referred_by in ("other", "ordinal", "description", "superlative", "stock")
    return bool(named or pointed) and followups.asks_the_same(m.text)


def may_ask_listing(intent: str, m: Understanding) -> bool:
    """A question about a vehicle's listing may be answered from it: not a handoff, a refusal,
    a booking with a time, or a question about the dealership."""
    return (
        intent not in HANDOFF_INTENTS
        and intent not in DECLINE_INTENTS
        and intent not in _NOT_LISTING
        and not (intent == "test_drive" and not m.when.is_empty())
    )


def listing_asked(feature: str | None, intent: str, m: Understanding, slots: Slots) -> str | None:
    """The stock number whose listing a feature question asks about: the vehicle referred to,
    or the one in focus when the message names no other."""
    if not feature or not may_ask_listing(intent, m):
        return None
    if compose.asks_for_list(m.text) and not _POINTS.search(m.text):
        return None  # "any diesels?" asks for a list; "any sunroof on it" about one
    if m.reference:
        return m.reference
    focus = slots.get("vehicle_of_interest")
    other = replace(m.query, features=(), color=None)  # "is it a manual/blue": no other one
    return str(focus) if focus and other.is_empty() and not m.candidates else None


ASKS_OF_A_MODEL = frozenset({"knowledge", "out_of_scope", "small_talk", "vehicle_details"})


_NOT_FACTS = frozenset(
    {"open_now", "ai_disclosure", "cancel", "reschedule", "photo_only", "compare"}
    | {own_booking.INTENT}
)


def may_ask_facts(intent: str, m: Understanding) -> bool:
    """Whether a question about the dealership's address, phone or hours may be answered from
    its record: not a handoff, a refusal or a booking ("what time can I drive it saturday")."""
    return (
        intent not in HANDOFF_INTENTS
        and intent not in DECLINE_INTENTS
        and (
            intent not in _NOT_FACTS
            or (intent == "open_now" and facts_replies.points_at_day(m.text))
        )
        and not (m.wants_test_drive and facts_replies.BOOKING.search(m.text))
    )


_SPANISH = re.compile(
    r"\b(hola|gracias|quiero|tienen|usted|cuánto|cuanto|precio|carro|coche|camioneta|"
    r"prueba de manejo|buenas|por favor|habla|español)\b",
    re.IGNORECASE,
)


def shopper_facts(m: Understanding, intent: str) -> SlotUpdate:
    """What the shopper told us about themselves, kept for the salesperson's summary."""
    facts: SlotUpdate = {}
    if intent == "trade_in_valuation":
        facts["trade_in"] = m.text[:200]
    if intent == "financing_application":
        facts["financing"] = m.text[:200]
    if m.query.price_max:
        facts["budget"] = m.query.price_max
    if _SPANISH.search(m.text):
        facts["language"] = "es"
    return facts
