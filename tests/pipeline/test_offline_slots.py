"""The offline engine keeps what the shopper said about budget, trade-in, financing and
language in the conversation's slots (for the salesperson's summary)."""

from __future__ import annotations

from contracts.messages import InboundMessage
from nightshift.runtime import Runtime
from tests.demo import SLUG


def _slots(rt: Runtime, conversation_id: int) -> dict[str, object]:
    state = rt.graph.get_state({"configurable": {"thread_id": str(conversation_id)}})
    return dict(state.values.get("slots", {}))


def test_budget_trade_in_financing_and_language_are_kept(runtime: Runtime) -> None:
    send = runtime.pipeline.handle_inbound
    first = send(InboundMessage(SLUG, "sms", "+18055550177", "any suvs under 30k?"))
    send(InboundMessage(SLUG, "sms", "+18055550177", "what's my 2015 camry worth as a trade?"))
    send(InboundMessage(SLUG, "sms", "+18055550177", "can i get approved with a 580 credit score"))
    send(InboundMessage(SLUG, "sms", "+18055550177", "hola, hablan español?"))
    slots = _slots(runtime, first.conversation_id)
    assert slots["budget"] == 30000
    assert "2015 camry" in str(slots["trade_in"])
    assert "580 credit score" in str(slots["financing"])
    assert slots["language"] == "es"
