"""Engines decide the next step of the graph: `openai` (a chat model) and `offline` (embedded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from langchain_core.messages import AIMessage

from agent.context import TurnContext
from agent.state import AgentState
from contracts.dialogue import SlotUpdate


@dataclass(frozen=True)
class EngineStep:
    """One step: an AI message (tool calls or the reply text) and slot updates."""

    message: AIMessage
    slots: SlotUpdate = field(default_factory=lambda: SlotUpdate())


class Engine(Protocol):
    name: str

    def respond(self, state: AgentState, ctx: TurnContext) -> EngineStep: ...
