"""Engines decide the next step of the graph: `openai` (a chat model) and `offline` (embedded)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.messages import AIMessage

from agent.context import TurnContext
from agent.state import AgentState


@dataclass(frozen=True)
class EngineStep:
    """One step: an AI message (tool calls or the reply text) and slot updates."""

    message: AIMessage
    slots: dict[str, Any] = field(default_factory=dict)


class Engine(Protocol):
    name: str

    def respond(self, state: AgentState, ctx: TurnContext) -> EngineStep: ...
