"""The graph's state: the message history plus the dialogue state (`contracts.dialogue.Slots`)
the code keeps up to date."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, TypedDict, cast

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from contracts.dialogue import Slots, SlotUpdate


def merge_slots(current: Slots | None, update: SlotUpdate | None) -> Slots:
    """Slots merge key by key; a value of None clears the key."""
    merged: dict[str, object] = dict(current or {})
    for key, value in (update or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    # every key and value is one of the Slots' or of the update's but for None: a Slots
    return cast(Slots, merged)


class AgentState(TypedDict, total=False):
    """What the graph checkpoints per conversation: the history, the dialogue state (merged
    by `merge_slots`), and the turn's guarded reply with the guardrail's violations."""

    messages: Annotated[list[AnyMessage], add_messages]
    slots: Annotated[Slots, merge_slots]
    reply: str
    violations: list[str]


class StateUpdate(TypedDict, total=False):
    """What a node of the graph returns: messages to add, slots to change (None clears one),
    and, from the guard, the reply and its violations."""

    messages: Sequence[AnyMessage]
    slots: SlotUpdate
    reply: str
    violations: list[str]
