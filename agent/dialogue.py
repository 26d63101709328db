"""Typed dialogue state about vehicles: the ones shown to the shopper, in order, with the facts
a follow-up can point at ("the cheapest one", "the blue one", "the truck"), and the topic a
follow-up question is about ("do I need to bring anything" during a test-drive talk).

Kept in the `Slots` (`contracts.dialogue`): `shown_vehicles` is a list of `ShownVehicle`
dicts, `topic` a short phrase. The older `vehicles_shown` key (stock numbers only) is still
written and still read, so checkpoints saved before it load and resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from contracts.dialogue import ShownVehicle, Slots, SlotUpdate


def shown_vehicle(view: Mapping[str, Any]) -> ShownVehicle:
    """A `ShownVehicle` from a tool's vehicle view (`agent.tools.vehicle_view`) or a record."""
    price = view.get("price")
    return ShownVehicle(
        stock=str(view["stock"]),
        year=_int(view.get("year")),
        make=str(view.get("make") or ""),
        model=str(view.get("model") or ""),
        trim=view.get("trim") or None,
        body=view.get("body") or None,
        color=view.get("color") or None,
        condition=_text(view.get("condition")),
        mileage=_int(view.get("mileage")),
        price=float(price) if price is not None else None,
    )


def shown_updates(views: Sequence[Mapping[str, Any]]) -> SlotUpdate:
    """The slot values for a list just shown: typed entries plus the old stock-only key."""
    shown = [shown_vehicle(v) for v in views]
    return {"shown_vehicles": shown, "vehicles_shown": [v["stock"] for v in shown]}


def read_shown(slots: Slots, lookup: Callable[[str], Any] | None = None) -> list[ShownVehicle]:
    """The vehicles last shown, in order. A checkpoint from before `shown_vehicles` has only
    stock numbers (`vehicles_shown`): their facts come from `lookup` (stock -> vehicle view
    or record), and a stock it no longer knows is dropped."""
    stocks = [str(s) for s in slots.get("vehicles_shown") or []]
    typed = [shown_vehicle(v) for v in slots.get("shown_vehicles") or [] if v.get("stock")]
    if typed and (not stocks or [v["stock"] for v in typed] == stocks):
        return typed
    known = {v["stock"]: v for v in typed}
    shown: list[ShownVehicle] = []
    for stock in stocks:
        if stock in known:
            shown.append(known[stock])
        elif lookup is not None and (found := lookup(stock)) is not None:
            shown.append(shown_vehicle(found if isinstance(found, Mapping) else _as_view(found)))
    return shown


def _as_view(record: Any) -> dict[str, Any]:
    """The fields of a `VehicleRecord`-like object (enums read by value)."""
    names = ("stock", "year", "make", "model", "trim", "body", "color", "mileage", "price")
    view = {name: getattr(record, name, None) for name in names}
    condition = getattr(record, "condition", None)
    view["condition"] = getattr(condition, "value", condition)
    return view


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _text(value: Any) -> str | None:
    value = getattr(value, "value", value)
    return str(value) if value else None
