"""Rules across items of a world: unique keys and references that must resolve.

They run on the raw mapping (not on validated models), so they are reported in the same pass
as field errors: a file with an unknown key, a bad timezone and a duplicate stock number gets
all three problems at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crm_store.errors import InvalidValue
from crm_store.phones import normalise_phone

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]


def cross_checks(world: dict[str, Any]) -> list[Problem]:
    staff = _items(world, "staff")
    inventory = _items(world, "inventory")
    problems: list[Problem] = []
    problems += _unique(staff, "staff", "handle", "staff handle")
    problems += _unique(staff, "staff", "phone", "staff phone", normalise=_phone_key)
    problems += _unique(inventory, "inventory", "stock", "stock number")
    problems += _unique(inventory, "inventory", "vin", "VIN", normalise=_vin_key)
    problems += _unique(_items(world, "knowledge"), "knowledge", "title", "knowledge title")
    problems += _unique(
        _items(world, "customers"), "customers", "phone", "customer phone", normalise=_phone_key
    )

    handles = {str(item.get("handle")) for _, item in staff}
    stocks = {str(item.get("stock")) for _, item in inventory}
    known = "one of the staff handles: " + (", ".join(sorted(handles)) or "(no staff defined)")
    for index, customer in _items(world, "customers"):
        ref = customer.get("assigned_to")
        if ref is not None and str(ref) not in handles:
            problems.append(
                (("customers", index, "assigned_to"), f"{ref!r} is not a staff member; {known}")
            )
    for index, appointment in _items(world, "appointments"):
        stock, ref = appointment.get("stock"), appointment.get("staff")
        if stock is not None and str(stock) not in stocks:
            problems.append(
                (("appointments", index, "stock"), f"{stock!r} is not a stock number in inventory")
            )
        if ref is not None and str(ref) not in handles:
            problems.append(
                (("appointments", index, "staff"), f"{ref!r} is not a staff member; {known}")
            )
    status = world.get("staff_status")
    if isinstance(status, dict):
        for handle in status:
            if str(handle) not in handles:
                problems.append((("staff_status", str(handle)), f"{handle!r}: expected {known}"))
    return problems


def _items(world: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    items = world.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _unique(
    items: list[tuple[int, dict[str, Any]]],
    section: str,
    field: str,
    what: str,
    normalise: Callable[[Any], str | None] = str,
) -> list[Problem]:
    first_seen: dict[str, int] = {}
    problems: list[Problem] = []
    for index, item in items:
        value = item.get(field)
        if value is None:
            continue
        key = normalise(value)
        if key is None:
            continue
        if key in first_seen:
            problems.append(
                (
                    (section, index, field),
                    f"duplicate {what} {value!r} (already used by {section}[{first_seen[key]}]);"
                    f" expected each {what} once",
                )
            )
        else:
            first_seen[key] = index
    return problems


def _phone_key(value: Any) -> str | None:
    try:
        return normalise_phone(value)
    except (InvalidValue, TypeError):
        return None  # reported by the field validation


def _vin_key(value: Any) -> str:
    return str(value).strip().upper()
