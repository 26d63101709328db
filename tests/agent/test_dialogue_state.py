"""The dialogue state's types stay in step: every slot an update may set or clear is a slot of
the state with the same type, and an inventory search kept in the slots has only the filters
a search takes. mypy checks each read and write against these types, so a key or type that
drifted here would let a wrong one through unchecked."""

from __future__ import annotations

import dataclasses
from typing import get_type_hints

from agent.engines.offline.search_args import search_args
from agent.nlu.vehicles import VehicleQuery
from agent.state import merge_slots
from agent.tool_args import SearchInventory
from contracts.dialogue import SearchFilters, Slots, SlotUpdate


def test_an_update_has_the_slots_keys_each_clearable_with_none() -> None:
    slots, update = get_type_hints(Slots), get_type_hints(SlotUpdate)
    assert list(update) == list(slots)
    for key, kind in slots.items():
        assert update[key] == kind | None, key


def test_a_kept_search_has_the_filters_of_a_query_and_of_the_search_tool() -> None:
    filters = set(get_type_hints(SearchFilters))
    query = {f.name for f in dataclasses.fields(VehicleQuery)} - {"stock"}
    assert query <= filters
    assert filters == set(SearchInventory.model_fields)


def test_search_args_keep_the_filters_set() -> None:
    query = VehicleQuery(make="Honda", price_max=20000, features=("awd",), stock="A1")
    assert search_args(query) == {"make": "Honda", "price_max": 20000, "features": ["awd"]}


def test_an_update_sets_clears_and_leaves_slots() -> None:
    slots: Slots = {"vehicle_of_interest": "A1", "budget": 30000, "pending": "slot_choice"}
    update: SlotUpdate = {"vehicle_of_interest": "B2", "pending": None, "topic": "test drive"}
    assert merge_slots(slots, update) == {
        "vehicle_of_interest": "B2",
        "budget": 30000,
        "topic": "test drive",
    }
    assert slots["pending"] == "slot_choice"  # the state read is not changed in place
