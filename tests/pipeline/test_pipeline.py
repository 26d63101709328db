"""The conversation pipeline: persist first, never twice, silent when it must be, and a
safe fallback plus a handoff when the engine fails."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver

from agent.context import TurnContext
from agent.engines import EngineStep
from agent.graph import build_graph
from agent.state import AgentState
from contracts.messages import InboundMessage
from crm_store import conversations, customers, dealerships, handoffs, messages, outbox
from crm_store.types import Author, Consent, ConversationMode
from nightshift.conversation.pipeline import Pipeline
from nightshift.runtime import Runtime
from tests.demo import SLUG

PHONE = "+18055550199"


def _sms(body: str, sid: str | None = None, phone: str = PHONE) -> InboundMessage:
    return InboundMessage(SLUG, "sms", phone, body, channel_message_id=sid)


def _stored(runtime: Runtime, conversation_id: int) -> list[tuple[str, str]]:
    with runtime.store.unit_of_work() as uow:
        return [
            (m.author.value, m.body)
            for m in messages.list_messages(uow, conversation_id=conversation_id)
        ]


def test_reply_is_persisted_and_queued(runtime: Runtime) -> None:
    result = runtime.pipeline.handle_inbound(_sms("how much is your doc fee", "SM1"))
    assert result.outcome == "replied"
    [reply] = result.replies
    assert "$85" in reply.body and "automated assistant" in reply.body
    assert _stored(runtime, result.conversation_id) == [
        ("shopper", "how much is your doc fee"),
        ("assistant", reply.body),
    ]
    with runtime.store.unit_of_work() as uow:
        assert outbox.pending_count(uow) == 1


def test_retried_message_is_stored_once_and_answered_once(runtime: Runtime) -> None:
    first = runtime.pipeline.handle_inbound(_sms("any trucks?", "SM-RETRY"))
    again = runtime.pipeline.handle_inbound(_sms("any trucks?", "SM-RETRY"))
    assert again.outcome == "duplicate" and again.replies == []
    assert again.inbound_message_id == first.inbound_message_id
    assert len(_stored(runtime, first.conversation_id)) == 2


def test_human_mode_keeps_the_assistant_silent(runtime: Runtime) -> None:
    first = runtime.pipeline.handle_inbound(_sms("hi"))
    with runtime.store.unit_of_work() as uow:
        conversations.set_mode(
            uow, conversation_id=first.conversation_id, mode=ConversationMode.HUMAN
        )
    second = runtime.pipeline.handle_inbound(_sms("are you still there?"))
    assert second.outcome == "human_mode" and second.replies == []
    assert _stored(runtime, first.conversation_id)[-1] == ("shopper", "are you still there?")


def test_stop_then_nothing_until_start(runtime: Runtime) -> None:
    stop = runtime.pipeline.handle_inbound(_sms("  Stop "))
    assert stop.outcome == "compliance" and "unsubscribed" in stop.replies[0].body.lower()
    quiet = runtime.pipeline.handle_inbound(_sms("do you have a tacoma"))
    assert quiet.outcome == "opted_out" and quiet.replies == []
    again = runtime.pipeline.handle_inbound(_sms("STOP"))
    assert again.replies == []  # one confirmation only
    start = runtime.pipeline.handle_inbound(_sms("START"))
    assert "resubscribed" in start.replies[0].body.lower()
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        shopper = customers.find_by_phone(uow, dealership_id=dealer.id, phone=PHONE)
        assert shopper is not None
        history = customers.consent_history(uow, customer_id=shopper.id)
    assert shopper.sms_consent is Consent.GRANTED
    assert [h.state for h in history] == [Consent.REVOKED, Consent.GRANTED]
    assert all(h.source == "sms_keyword" for h in history)


def test_yes_from_a_subscribed_shopper_is_an_answer(runtime: Runtime) -> None:
    runtime.pipeline.handle_inbound(_sms("do you have a subaru outback"))
    result = runtime.pipeline.handle_inbound(_sms("yes"))
    assert result.outcome == "replied"
    assert "resubscribed" not in result.replies[0].body.lower()


def test_help_names_the_dealership_and_how_to_opt_out(runtime: Runtime) -> None:
    result = runtime.pipeline.handle_inbound(_sms("help"))
    body = result.replies[0].body
    assert "Harbor Point Honda" in body and "(805) 555-0100" in body and "STOP" in body


class _BrokenEngine:
    name = "broken"

    def respond(self, state: AgentState, ctx: TurnContext) -> EngineStep:
        raise RuntimeError("model endpoint unreachable")


class _SlowEngine:
    name = "slow"

    def respond(self, state: AgentState, ctx: TurnContext) -> EngineStep:
        import time

        time.sleep(2)
        return EngineStep(AIMessage(content="too late"))


def _pipeline_with(runtime: Runtime, engine: Any, timeout: float = 5) -> Pipeline:
    graph = build_graph(engine, runtime.pipeline.deps, InMemorySaver())
    return Pipeline(runtime.pipeline.deps, graph, timeout_seconds=timeout)


def _handoff_reasons(runtime: Runtime, conversation_id: int) -> list[tuple[str, ...]]:
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        return [
            h.reasons
            for h in handoffs.list_handoffs(
                uow, dealership_id=dealer.id, conversation_id=conversation_id
            )
        ]


def test_engine_failure_gives_fallback_and_handoff_and_keeps_the_message(
    runtime: Runtime,
) -> None:
    pipeline = _pipeline_with(runtime, _BrokenEngine())
    try:
        result = pipeline.handle_inbound(_sms("can i see the tacoma tomorrow at 3?", "SM-X"))
    finally:
        pipeline.close()
    assert result.outcome == "fallback"
    assert "team" in result.replies[0].body
    stored = _stored(runtime, result.conversation_id)
    assert stored[0] == ("shopper", "can i see the tacoma tomorrow at 3?")
    assert stored[1][0] == Author.ASSISTANT.value
    assert _handoff_reasons(runtime, result.conversation_id) == [("other",)]


def test_engine_timeout_gives_fallback_and_handoff(runtime: Runtime) -> None:
    pipeline = _pipeline_with(runtime, _SlowEngine(), timeout=0.3)
    try:
        result = pipeline.handle_inbound(_sms("hello?"))
    finally:
        pipeline.close()
    assert result.outcome == "fallback"
    assert all("too late" not in r.body for r in result.replies)
    assert _handoff_reasons(runtime, result.conversation_id) == [("other",)]


def test_web_session_is_one_customer_and_conversation(runtime: Runtime) -> None:
    first = runtime.pipeline.handle_inbound(InboundMessage(SLUG, "web", "sess-1", "hi"))
    second = runtime.pipeline.handle_inbound(InboundMessage(SLUG, "web", "sess-1", "any minivans?"))
    other = runtime.pipeline.handle_inbound(InboundMessage(SLUG, "web", "sess-2", "hi"))
    assert first.conversation_id == second.conversation_id != other.conversation_id
    assert "Odyssey" in second.replies[0].body or "Sienna" in second.replies[0].body


def test_photos_are_kept_and_acknowledged(runtime: Runtime) -> None:
    from contracts.messages import Attachment

    photo = Attachment(
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", "image/jpeg"
    )
    result = runtime.pipeline.handle_inbound(
        InboundMessage(
            SLUG, "sms", PHONE, "what would you give me for my car as a trade?", "MM1", (photo,)
        )
    )
    reply = result.replies[0].body
    assert "Thanks for the photo." in reply and "team" in reply
    with runtime.store.unit_of_work() as uow:
        [inbound] = [
            m
            for m in messages.list_messages(uow, conversation_id=result.conversation_id)
            if m.author is Author.SHOPPER
        ]
    assert [m.url for m in inbound.media] == [photo.url]
    assert inbound.body == "what would you give me for my car as a trade?"  # stored as sent
    assert _handoff_reasons(runtime, result.conversation_id) == [("trade_in",)]
    only = runtime.pipeline.handle_inbound(InboundMessage(SLUG, "sms", PHONE, "", "MM2", (photo,)))
    assert "Thanks for the photo." in only.replies[0].body and "trade in" in only.replies[0].body
