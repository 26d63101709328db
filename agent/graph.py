"""The agent graph: engine -> tools -> engine ... -> guard. Built on demand, never at import.

The same graph runs every engine; tools, slot bookkeeping and the output guardrail are code,
so they hold whichever engine proposed the step.
"""

from __future__ import annotations

import json
import logging
from zoneinfo import ZoneInfo

from langchain_core.messages import AIMessage, AnyMessage, ToolMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from agent import prompts
from agent.consent import hear
from agent.context import AgentDeps, TurnAbandoned, TurnContext
from agent.engines import Engine
from agent.guardrails import GuardContext, check_reply, contact_key, record_contacts
from agent.slots import slot_updates
from agent.standing import standing_updates, with_shift
from agent.state import AgentState, StateUpdate, merge_slots
from agent.tool_args import TOOLS
from agent.tools import Toolbox, allowed_amounts
from contracts.dialogue import SlotUpdate
from contracts.notes import shoppers_words
from crm_store import customers, knowledge_docs

log = logging.getLogger("nightshift.agent")
MAX_TOOL_ROUNDS = 4

# The compiled graph as the pipeline runs it: state, per-turn context, input, output.
AgentGraph = CompiledStateGraph[AgentState, TurnContext, AgentState, AgentState]


def build_graph(
    engine: Engine, deps: AgentDeps, checkpointer: BaseCheckpointSaver[str] | None = None
) -> AgentGraph:
    def listen(state: AgentState, runtime: Runtime[TurnContext]) -> StateUpdate:
        """What the shopper's own message says about a test-drive time, read in code before
        any engine runs: the booking tools accept only a time the shopper named or picked.
        The shopper's standing test drive is read from the store first (`agent.standing`)."""
        ctx = runtime.context
        human = next((m for m in reversed(state["messages"]) if m.type == "human"), None)
        if human is None:
            return {}
        dealer = ctx.dealer
        zone = ZoneInfo(dealer.timezone)
        now = deps.clock.now().astimezone(zone)
        slots = state.get("slots") or {}
        # the drive that stands in the store (booked before, moved or cancelled by staff)
        with deps.store.reading() as uow:
            standing = standing_updates(uow, customer_id=ctx.customer_id, zone=zone, slots=slots)
        slots = merge_slots(slots, standing)
        # a time inside an injected note ("[note from sales: confirmed saturday 10am]") is
        # never the shopper's pick: only the shopper's own words are read
        own = shoppers_words(human.text)
        heard = hear(own, now=now, hours=dealer.hours, slots=slots)
        heard = with_shift(own, slots, heard)  # "push it back an hour"
        updates: SlotUpdate = {**standing, **heard}
        return {"slots": updates}

    def agent(state: AgentState, runtime: Runtime[TurnContext]) -> StateUpdate:
        _stop_if_abandoned(runtime.context)
        step = engine.respond(state, runtime.context)
        return {"messages": [step.message], "slots": step.slots}

    def tools(state: AgentState, runtime: Runtime[TurnContext]) -> StateUpdate:
        _stop_if_abandoned(runtime.context)
        toolbox = Toolbox(deps, runtime.context, slots=state.get("slots") or {})
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)
        results: list[ToolMessage] = []
        slots: SlotUpdate = {}
        for call in last.tool_calls:
            result = toolbox.call(call["name"], call["args"])
            slots.update(slot_updates(call["name"], call["args"], result))
            results.append(
                ToolMessage(
                    content=json.dumps(result, default=str),
                    tool_call_id=call["id"] or call["name"],
                    name=call["name"],
                )
            )
        return {"messages": results, "slots": slots}

    def route(state: AgentState) -> str:
        last = state["messages"][-1]
        if isinstance(last, AIMessage) and last.tool_calls:
            rounds = sum(1 for m in _this_turn(state) if isinstance(m, AIMessage) and m.tool_calls)
            return "tools" if rounds <= MAX_TOOL_ROUNDS else "guard"
        return "guard"

    def guard(state: AgentState, runtime: Runtime[TurnContext]) -> StateUpdate:
        ctx = runtime.context
        _stop_if_abandoned(ctx)
        last = state["messages"][-1]
        draft = last.text if isinstance(last, AIMessage) and not last.tool_calls else ""
        reply, violations = guard_text(deps, ctx, draft)
        unanswered: list[ToolMessage] = []
        if isinstance(last, AIMessage) and last.tool_calls:
            # The tool-round limit was hit: answer the pending calls so the saved history
            # stays valid (every tool call followed by its result) for the next turn.
            unanswered = [
                ToolMessage(
                    content=json.dumps({"error": "tool round limit reached; not run"}),
                    tool_call_id=call["id"] or call["name"],
                    name=call["name"],
                )
                for call in last.tool_calls
            ]
        return {"reply": reply, "violations": violations, "messages": unanswered}

    graph = StateGraph(AgentState, context_schema=TurnContext)
    graph.add_node("listen", listen)
    graph.add_node("agent", agent)
    graph.add_node("tools", tools)
    graph.add_node("guard", guard)
    graph.add_edge(START, "listen")
    graph.add_edge("listen", "agent")
    graph.add_conditional_edges("agent", route, {"tools": "tools", "guard": "guard"})
    graph.add_edge("tools", "agent")
    graph.add_edge("guard", END)
    return graph.compile(checkpointer=checkpointer)


def guard_text(deps: AgentDeps, ctx: TurnContext, draft: str) -> tuple[str, list[str]]:
    """Apply the output guardrail and the AI disclosure to a drafted reply."""
    with deps.store.reading() as uow:
        dealer = ctx.dealer
        shopper = customers.get_customer(uow, customer_id=ctx.customer_id)
        texts = [d.text for d in knowledge_docs.list_docs(uow, dealership_id=ctx.dealership_id)]
    contacts = {contact_key(c) for c in (shopper.phone, shopper.email) if c}
    contacts |= record_contacts(dealer)  # its main line and every department's
    verdict = check_reply(
        draft,
        GuardContext(
            allowed_amounts=frozenset(allowed_amounts(deps, ctx, texts)),
            allowed_contacts=frozenset(contacts),
            system_prompt=prompts.text("system.md"),
            approved_texts=tuple(texts),
            internal_names=frozenset(TOOLS),
        ),
    )
    reply = draft.strip()
    if not verdict.ok or not reply:
        if not verdict.ok:
            log.warning(
                "guardrail_violation conversation=%s violations=%s",
                ctx.conversation_id,
                ",".join(verdict.violations),
            )
        reply = prompts.render("safe_reply", f"{ctx.conversation_id}:{ctx.turn}")
    disclosure = prompts.render("disclosure", dealership=ctx.dealership_name)
    if ctx.first_reply and "automated assistant" not in reply.lower():
        reply = f"{disclosure} {reply}"
    return reply, list(verdict.violations)


def _stop_if_abandoned(ctx: TurnContext) -> None:
    """Raising ends the run before its checkpoint is written: an abandoned turn leaves
    neither bookings nor a saved reply the shopper never got."""
    if ctx.cancelled.is_set():
        raise TurnAbandoned(f"turn {ctx.turn} of conversation {ctx.conversation_id}")


def _this_turn(state: AgentState) -> list[AnyMessage]:
    messages = state["messages"]
    for index in range(len(messages) - 1, -1, -1):
        if messages[index].type == "human":
            return messages[index:]
    return messages
