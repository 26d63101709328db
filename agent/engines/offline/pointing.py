"""What a message points at among the vehicles shown in the chat (or the one booked):
`agent.references` first ("the cheapest one", "the blue one", "the second one", "the
tacoma"), then the older rules ("the other one", a trim or condition word only one of them
has, "that one" for the vehicle in focus); candidates when several fit.
"""

from __future__ import annotations

import re

from agent import references
from agent.dialogue import read_shown
from agent.nlu.vehicles import InventoryVocabulary, VehicleQuery
from agent.references import Reference
from contracts.dialogue import Slots
from crm_store.records import VehicleRecord

_OTHER = re.compile(r"\b(other|another|second|2nd)\b( one)?", re.IGNORECASE)
_THAT = re.compile(r"\b(that|this|the same|it|first|1st) (one|car|truck|suv|vehicle)\b|\bit\b")


def refer(
    text: str,
    slots: Slots,
    inventory: list[VehicleRecord],
    vocabulary: InventoryVocabulary,
    query: VehicleQuery,
) -> Reference:
    """What the message points at among the vehicles just shown (`agent.references`: "the
    cheapest one", "the blue one", "the second one", "the tacoma"), then the older rules
    ("the other one", a trim word, "the new one"); candidates when several fit."""
    by_stock = {v.stock: v for v in inventory}
    if query.stock and query.stock in by_stock:
        return Reference(stock=query.stock, by="stock")
    shown = read_shown(slots, by_stock.get)
    booked = None if shown else _booked(slots, by_stock)
    if booked:  # the booked car, as if shown: "is the telluride the 3 row one"
        shown = read_shown({"vehicles_shown": [booked.stock]}, by_stock.get)
    found = references.resolve(text, shown, slots.get("vehicle_of_interest"), query.model)
    if found.stock in by_stock:
        return found
    if booked and _names_booked(booked, query, vocabulary):  # "is the kia the 3 row one"
        return Reference(stock=booked.stock, by="description")
    if found.candidates:  # several fit: a trim or condition word may still tell them apart
        fitting = [by_stock[v["stock"]] for v in found.candidates if v["stock"] in by_stock]
        picked = _by_distinct_word(text, fitting)
        return Reference(stock=picked, by="description") if picked else found
    legacy = resolve_reference(text, slots, inventory, vocabulary, query)
    return Reference(stock=legacy, by="context") if legacy else found


def _booked(slots: Slots, by_stock: dict[str, VehicleRecord]) -> VehicleRecord | None:
    """With none shown, the car of the drive that stands (`agent.standing`), while no other
    is under discussion: "is the telluride the 3 row one" is about the Telluride booked."""
    booked = slots.get("appointment_stock")
    if booked not in by_stock or slots.get("vehicle_of_interest") not in (None, booked):
        return None
    return by_stock[booked]


def _names_booked(
    booked: VehicleRecord, query: VehicleQuery, vocabulary: InventoryVocabulary
) -> bool:
    """Whether the message names the booked car by its make or model (and nothing it isn't)."""
    named = bool(query.make or query.model) and query.make in (None, booked.make)
    return named and _fits(booked, query, vocabulary)


def resolve_reference(
    text: str,
    slots: Slots,
    inventory: list[VehicleRecord],
    vocabulary: InventoryVocabulary,
    query: VehicleQuery,
) -> str | None:
    """The stock number a message refers to, from what was shown earlier in the chat."""
    by_stock = {v.stock: v for v in inventory}
    if query.stock and query.stock in by_stock:
        return query.stock
    shown: list[str] = [str(s) for s in slots.get("vehicles_shown", []) if s in by_stock]
    focus = slots.get("vehicle_of_interest")
    if shown:
        if _OTHER.search(text) and len(shown) > 1:
            # "the other one": the shown vehicle not in focus; with none in focus, the second.
            return next((s for s in shown if s != focus), shown[1]) if focus in shown else shown[1]
        narrowed = [by_stock[s] for s in shown if _fits(by_stock[s], query, vocabulary)]
        if narrowed and len(narrowed) < len(shown) and describes(query):
            return narrowed[0].stock
        if re.search(r"\b(first|1st)\b", text, re.IGNORECASE):
            return shown[0]
        if re.search(r"\b(last|third|3rd)\b", text, re.IGNORECASE):
            return shown[-1]
        if (picked := _by_distinct_word(text, [by_stock[s] for s in shown])) is not None:
            return picked
    if focus in by_stock and (_THAT.search(text.lower()) or not describes(query)):
        return str(focus)
    return None


_CONDITION_WORDS = {"new": "new", "used": "used", "certified": "certified", "cpo": "certified"}
# "the used one" among a new and a certified one is the certified one: certified is used too
_ALSO_CALLED = {"certified": {"used", "preowned"}, "used": {"preowned"}}


def _by_distinct_word(text: str, shown: list[VehicleRecord]) -> str | None:
    """The one shown vehicle named by a word only it has: a trim word ("the xle", "the trd
    pro") or its condition ("the new one", "the certified one")."""
    if len(shown) < 2:
        return None
    said = re.findall(r"[a-z0-9]+", text.lower())
    # Only words that point: "the xle", "the trd pro", "that certified one", "the new one".
    words = {
        w
        for i, w in enumerate(said)
        if {"the", "that", "this"} & set(said[max(0, i - 2) : i]) or said[i + 1 : i + 2] == ["one"]
    }
    marks = [
        {t for t in re.findall(r"[a-z0-9]+", (v.trim or "").lower()) if len(t) > 1}
        | {w for w, c in _CONDITION_WORDS.items() if c == v.condition.value}
        | _ALSO_CALLED.get(v.condition.value, set())
        for v in shown
    ]
    shared = set.intersection(*marks)
    hits = [v.stock for v, mark in zip(shown, marks, strict=True) if (mark - shared) & words]
    return hits[0] if len(hits) == 1 else None


def describes(query: VehicleQuery) -> bool:
    """Whether `query` describes a vehicle: a make, model, trim, colour, year or body."""
    return any((query.make, query.model, query.trim, query.color, query.year_min, query.body))


def _fits(vehicle: VehicleRecord, query: VehicleQuery, vocabulary: InventoryVocabulary) -> bool:
    if query.color and query.color not in vocabulary.colors_of(vehicle):
        return False
    if query.model and query.model != vehicle.model:
        return False
    if query.trim and (vehicle.trim or "").lower() != query.trim.lower():
        return False
    if query.year_min and vehicle.year < query.year_min:
        return False
    return not (query.year_max and vehicle.year > query.year_max)
