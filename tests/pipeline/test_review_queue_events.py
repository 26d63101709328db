"""What the managers' review queue reads of a turn is durable: a fallback reply (the engine
failed) leaves a `fallback_reply` event on the conversation, and the queue lists the
conversation as "fallback" (besides the handoff the failure raised)."""

from __future__ import annotations

from datetime import timedelta

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import conversations, review, timeline
from nightshift.runtime import Runtime
from tests.demo import SLUG
from tests.pipeline.test_pipeline import _BrokenEngine, _pipeline_with


def test_a_fallback_reply_is_recorded_and_queued_for_review(
    runtime: Runtime, clock: FrozenClock
) -> None:
    pipeline = _pipeline_with(runtime, _BrokenEngine())
    try:
        result = pipeline.handle_inbound(InboundMessage(SLUG, "sms", "+18055550198", "hello?"))
    finally:
        pipeline.close()
    assert result.outcome == "fallback"
    with runtime.store.reading() as uow:
        convo = conversations.get_conversation(uow, conversation_id=result.conversation_id)
        events = [
            e
            for e in timeline.customer_timeline(uow, customer_id=convo.customer_id)
            if e.kind == "fallback_reply"
        ]
        lo, hi = clock.now() - timedelta(hours=1), clock.now() + timedelta(hours=1)
        queued = review.queue(uow, dealership_id=convo.dealership_id, start=lo, end=hi)
    assert [(e.conversation_id, e.data) for e in events] == [(convo.id, {"why": "error"})]
    assert [(q.public_id, q.reasons) for q in queued] == [
        (convo.public_id, ("handed_off", "fallback"))
    ]
