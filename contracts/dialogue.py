"""The agent's dialogue state ("slots"): what the conversation has established, kept up to
date by code (the tool results, the shopper's own words, the store) and checkpointed with the
graph, so JSON-serialisable.

Shared here because both the agent (which writes and reads it) and the handoff summary (which
may not import the agent) read it.

Two types with the same keys: `Slots`, the state as it stands, where a key is either absent or
holds a value (never None), so a read is `slots.get("x")` or `slots["x"]` and mypy knows its
type; and `SlotUpdate`, what a step changes, where None clears a key (`agent.state.merge_slots`
applies one to the other). One type whose values all allow None would make every read of a
standing value check for a None the state never holds. `tests/agent/test_dialogue_state.py`
checks that the two keep the same keys.
"""

from __future__ import annotations

from typing import Literal, TypedDict


class ShownVehicle(TypedDict):
    """One vehicle as the shopper saw it in a list (values from the inventory tool)."""

    stock: str
    year: int | None
    make: str
    model: str
    trim: str | None
    body: str | None
    color: str | None
    condition: str | None
    mileage: int | None
    price: float | None


class SearchFilters(TypedDict, total=False):
    """An inventory search's filters, as `search_inventory` takes them (`agent.tool_args`)."""

    make: str
    model: str
    trim: str
    year_min: int
    year_max: int
    condition: str
    body: str
    color: str
    price_min: int
    price_max: int
    mileage_max: int
    features: list[str]
    sort: str


class Heard(TypedDict, total=False):
    """What the shopper's last message said about a test-drive time (`agent.consent.hear`)."""

    offered: list[str]  # the times on offer when it arrived (local YYYY-MM-DDTHH:MM)
    picked: str | None  # the offered time it picked, if any
    named: str | None  # the exact time named in this booking talk, if any
    ambiguous: bool  # agreed to several offered times without picking one


class Compared(TypedDict):
    """The vehicles of the last comparison, and the list they were compared among."""

    stocks: list[str]
    among: list[str]


class ListingCheck(TypedDict):
    """A fact no listing states, offered to be checked by a person ("yes" hands it off)."""

    stock: str  # the stock number(s) asked about ("A1 and B2")
    feature: str


# The question the assistant's last reply left open.
Pending = Literal[
    "slot_choice",  # which of the offered times
    "ask_vehicle",  # which vehicle to drive
    "which_vehicle",  # which of several vehicles a question is about
    "offer_test_drive",  # would they like to drive it
    "ask_reschedule_time",  # when to move the drive to
    "offer_check",  # should someone check what the listing does not say
]


class Slots(TypedDict, total=False):
    """The dialogue state as it stands: an absent key is unknown; no value is None."""

    # vehicles
    vehicle_of_interest: str  # stock number of the vehicle under discussion
    shown_vehicles: list[ShownVehicle]  # the last list shown, in order (`agent.dialogue`)
    vehicles_shown: list[str]  # its stock numbers (older checkpoints have only these)
    search: SearchFilters  # the last inventory search, kept for a correction
    search_total: int  # how many vehicles that search matched (more than shown: "+2 more")
    compared: Compared  # the last comparison, in play while its list is
    asked_feature: str  # the feature a pending "which one?" asked about
    last_feature: str  # the feature last asked of a listing ("and the ram?")
    check: ListingCheck  # a fact offered to be checked by a person
    # booking talk (`agent.consent`)
    requested_day: str  # the day under discussion (ISO date)
    requested_time: str  # the exact time the shopper named (HH:MM)
    offered_slots: list[str]  # the times offered to pick from (local YYYY-MM-DDTHH:MM)
    heard: Heard  # what the last message said about a time
    rescheduling: bool  # the open times offered are for a move of the standing drive
    # the shopper's standing drive, read from the store every turn (`agent.standing`)
    appointment_id: int
    appointment_stock: str
    appointment_day: str  # ISO date, local
    appointment_time: str  # HH:MM, local
    # the shopper, for the salesperson's summary
    name: str
    email: str
    budget: float  # the most they want to pay
    trade_in: str  # what they said about a trade-in
    financing: str  # what they said about financing
    language: str  # "es" when they wrote Spanish
    # the conversation
    last_intent: str  # what the last message asked for
    pending: Pending  # the question the last reply left open
    misunderstandings: int  # messages in a row not understood
    department: str  # the department last asked about ("are they open saturday")
    topic: str  # what a follow-up question is about (`agent.followups`)
    handoff_reason: str  # why a person was asked for


class SlotUpdate(TypedDict, total=False):
    """What a step changes in the `Slots` (same keys and meanings): a value sets its key, None
    clears it, an absent key stays as it is."""

    vehicle_of_interest: str | None
    shown_vehicles: list[ShownVehicle] | None
    vehicles_shown: list[str] | None
    search: SearchFilters | None
    search_total: int | None
    compared: Compared | None
    asked_feature: str | None
    last_feature: str | None
    check: ListingCheck | None
    requested_day: str | None
    requested_time: str | None
    offered_slots: list[str] | None
    heard: Heard | None
    rescheduling: bool | None
    appointment_id: int | None
    appointment_stock: str | None
    appointment_day: str | None
    appointment_time: str | None
    name: str | None
    email: str | None
    budget: float | None
    trade_in: str | None
    financing: str | None
    language: str | None
    last_intent: str | None
    pending: Pending | None
    misunderstandings: int | None
    department: str | None
    topic: str | None
    handoff_reason: str | None
