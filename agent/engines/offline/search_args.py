"""The inventory search a message asks for, in the context of the last one: a correction keeps
its other filters ("sorry i meant under 25k"), a narrowing keeps to those shown, "anything
similar" is like those shown, and a superlative may reach beyond them."""

from __future__ import annotations

import re
from typing import Any, Literal, cast

from agent.dialogue import read_shown
from agent.engines.offline.understand import Understanding
from agent.nlu.vehicles import VehicleQuery
from contracts.dialogue import SearchFilters, ShownVehicle, Slots


def kept_to_shown(m: Understanding, args: SearchFilters, slots: Slots) -> SearchFilters:
    """A narrowing of the last search ("which of those has a 3rd row") keeps its model only
    when the vehicles shown are of it: after the closest to a model not carried, it narrows
    those shown."""
    shown = {v["model"] for v in read_shown(slots)}
    kept = args.get("model") and not m.query.model and args["model"] not in shown
    if not (kept and shown):
        return args
    narrowed = args.copy()
    for key in _KIND:
        narrowed.pop(key, None)
    return narrowed


def like_shown(shown: list[ShownVehicle]) -> dict[str, Any]:
    """Search arguments for "anything similar": the body style of those shown, up to a bit
    above the dearest of them."""
    prices = [v["price"] for v in shown if v["price"]]
    bodies = [v["body"] for v in shown if v["body"]]
    args: dict[str, Any] = {"body": bodies[0]} if bodies else {}
    if prices:
        args["price_max"] = round(max(prices) * 1.15)
    return args


def beyond_shown(m: Understanding, slots: Slots) -> bool:
    """A superlative ("the cheapest one") after a search that matched more than it showed."""
    shown = len(slots.get("vehicles_shown") or [])
    return (
        m.referred_by == "superlative"
        and bool(_MOST.search(m.text))  # "the older one" picks between those named
        and slots.get("pending") != "which_vehicle"
        and bool(slots.get("search"))
        and int(slots.get("search_total") or 0) > shown
    )


_MOST = re.compile(r"\b(?:\w+est|least|most)\b", re.IGNORECASE)


_CORRECTION = re.compile(
    r"\b(?:i meant|i mean|meant|sorry|actually|instead|rather|make (?:it|that)|change (?:it|that)"
    r"|what about|how about|same but|but|ones|of (?:them|those|these))\b",
    re.IGNORECASE,
)


_Kind = Literal["make", "model", "trim", "body", "condition"]
_KIND: tuple[_Kind, ...] = ("make", "model", "trim", "body", "condition")
_VEHICLE: tuple[_Kind, ...] = ("make", "model", "trim", "body")  # what another model replaces


def corrected_search(m: Understanding, previous: SearchFilters | None) -> SearchFilters:
    """The search asked for; a correction of the last search ("sorry i meant under 25k",
    "what about red ones") keeps that search's other filters, replacing what it names. A new
    kind of vehicle without a correction word ("any trucks") is a new search."""
    args = search_args(m.query)
    if not previous or not _CORRECTION.search(m.text):
        return args
    kept = previous.copy()
    if "make" in args or "model" in args:  # another make or model: its trim goes too
        for key in _VEHICLE:
            kept.pop(key, None)
    return {**kept, **args}


def search_args(query: VehicleQuery) -> SearchFilters:
    """The query's filters as search arguments: those set, `stock` aside (asked of itself)."""
    args = {
        key: value
        for key, value in vars(query).items()
        if value not in (None, (), "") and key != "stock"
    }
    if "features" in args:
        args["features"] = list(args["features"])
    # the fields of a VehicleQuery but `stock` are SearchFilters' keys (a test checks it)
    return cast(SearchFilters, args)
