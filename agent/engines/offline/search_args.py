"""The inventory search a message asks for, in the context of the last one: a correction keeps
its other filters ("sorry i meant under 25k"), a narrowing keeps to those shown, "anything
similar" is like those shown, and a superlative may reach beyond them."""

from __future__ import annotations

import re
from typing import Any

from agent.dialogue import ShownVehicle, read_shown
from agent.engines.offline.understand import Understanding
from agent.nlu.vehicles import VehicleQuery


def kept_to_shown(m: Understanding, args: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
    """A narrowing of the last search ("which of those has a 3rd row") keeps its model only
    when the vehicles shown are of it: after the closest to a model not carried, it narrows
    those shown."""
    shown = {v["model"] for v in read_shown(slots)}
    kept = args.get("model") and not m.query.model and args["model"] not in shown
    return {k: v for k, v in args.items() if k not in _KIND} if kept and shown else args


def like_shown(shown: list[ShownVehicle]) -> dict[str, Any]:
    """Search arguments for "anything similar": the body style of those shown, up to a bit
    above the dearest of them."""
    prices = [v["price"] for v in shown if v["price"]]
    bodies = [v["body"] for v in shown if v["body"]]
    args: dict[str, Any] = {"body": bodies[0]} if bodies else {}
    if prices:
        args["price_max"] = round(max(prices) * 1.15)
    return args


def beyond_shown(m: Understanding, slots: dict[str, Any]) -> bool:
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


_KIND = ("make", "model", "trim", "body", "condition")


def corrected_search(m: Understanding, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The search asked for; a correction of the last search ("sorry i meant under 25k",
    "what about red ones") keeps that search's other filters, replacing what it names. A new
    kind of vehicle without a correction word ("any trucks") is a new search."""
    args = search_args(m.query)
    if not previous or not _CORRECTION.search(m.text):
        return args
    kept = dict(previous)
    if any(k in args for k in ("make", "model")):  # another make or model: its trim goes too
        kept = {k: v for k, v in kept.items() if k not in ("make", "model", "trim", "body")}
    return {**kept, **args}


def search_args(query: VehicleQuery) -> dict[str, Any]:
    args = {
        key: value
        for key, value in vars(query).items()
        if value not in (None, (), "") and key != "stock"
    }
    if "features" in args:
        args["features"] = list(args["features"])
    return args
