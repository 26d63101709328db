"""The graph's state: the message history plus structured slots the code keeps up to date."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages


def merge_slots(current: dict[str, Any] | None, update: dict[str, Any] | None) -> dict[str, Any]:
    """Slots merge key by key; a value of None clears the key."""
    merged = dict(current or {})
    for key, value in (update or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


class AgentState(TypedDict, total=False):
    """`slots` keys (all optional, JSON-serialisable):

    vehicle_of_interest (stock), vehicles_shown (stocks of the last search, in order),
    requested_day (ISO date), requested_time (HH:MM), offered_slots (local ISO datetimes),
    appointment_id, appointment_stock, appointment_day and appointment_time (the shopper's
    standing drive, booked here or before: read from the store every turn, agent.standing),
    name, email,
    budget (max price), trade_in, financing, language, misunderstandings (count in a row),
    last_intent, search (the last inventory search's filters, kept for a correction).
    """

    messages: Annotated[list[AnyMessage], add_messages]
    slots: Annotated[dict[str, Any], merge_slots]
    reply: str
    violations: list[str]
