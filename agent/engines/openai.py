"""The `openai` engine: any OpenAI-compatible chat model (OpenAI, vLLM, llama.cpp server)
with the agent's tools bound. It proposes; the graph's tools and guardrail dispose."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from langchain_core.messages import AnyMessage, BaseMessage, SystemMessage, trim_messages
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from agent import prompts
from agent.context import AgentDeps, TurnContext
from agent.engines import EngineStep
from agent.state import AgentState
from agent.tool_args import openai_tool_schemas
from contracts.dialogue import Slots

MAX_HISTORY_MESSAGES = 24  # older turns are dropped; slots keep what matters from them
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Slots the model is told about; `offered_slots` are the times the shopper may pick from.
KNOWN_SLOTS = ("vehicle_of_interest", "name", "email", "appointment_day", "budget", "offered_slots")


class OpenAIEngine:
    name = "openai"

    def __init__(
        self,
        deps: AgentDeps,
        *,
        model: str,
        base_url: str | None,
        api_key: str | None,
        timeout: float,
    ) -> None:
        self.deps = deps
        chat = ChatOpenAI(
            model=model,
            base_url=base_url,
            api_key=SecretStr(api_key or "not-set"),
            timeout=timeout,
            max_retries=1,
            temperature=0,
        )
        self.model = chat.bind_tools(openai_tool_schemas())

    def respond(self, state: AgentState, ctx: TurnContext) -> EngineStep:
        history = bounded_history(state.get("messages", []))
        system = SystemMessage(content=self.system_prompt(ctx, state.get("slots") or {}))
        answer = self.model.invoke([system, *history])
        return EngineStep(answer, {})

    def system_prompt(self, ctx: TurnContext, slots: Slots) -> str:
        dealer = ctx.dealer
        now: datetime = self.deps.clock.now().astimezone(ZoneInfo(dealer.timezone))
        hours = ", ".join(
            f"{WEEKDAYS[d]} {a:%H:%M}-{b:%H:%M}" for d, (a, b) in sorted(dealer.hours.items())
        )
        text = prompts.text("system.md").format(
            dealership=dealer.name,
            address=dealer.address or "",
            phone=dealer.phone or "",
            today=f"{now:%A %Y-%m-%d %H:%M}",
            timezone=dealer.timezone,
            hours=hours or "by appointment",
        )
        known = {k: v for k, v in slots.items() if k in KNOWN_SLOTS}
        if known:
            text += "\nKnown about this shopper: " + ", ".join(f"{k}={v}" for k, v in known.items())
        return text


def bounded_history(messages: list[AnyMessage]) -> list[BaseMessage]:
    """The current turn whole, plus as many earlier turns as fit the budget; the window
    always starts at a shopper message, so every tool result travels with its call."""
    start = max((i for i, m in enumerate(messages) if m.type == "human"), default=0)
    current: list[BaseMessage] = list(messages[start:])
    budget = MAX_HISTORY_MESSAGES - len(current)
    if budget <= 0:
        return current
    earlier: list[BaseMessage] = trim_messages(
        messages[:start],
        strategy="last",
        token_counter=len,
        max_tokens=budget,
        start_on="human",
        include_system=False,
    )
    return [*earlier, *current]
