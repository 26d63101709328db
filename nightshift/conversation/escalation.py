"""Escalation rules in code, every turn, whatever the engine did (DESIGN principle 2): the
detectors of `handoff.detect` read the shopper's message; when they find a reason and the
engine did not hand off, the pipeline does, and tells the shopper honestly when a person
will answer. Either way a handoff created or extended in this turn gets a fresh summary from
the turn's final state."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from agent import prompts
from agent.engines.offline.formatting import next_opening
from contracts.dialogue import Slots
from crm_store import handoffs, timeline
from crm_store.db import Store
from crm_store.records import ConversationRecord, DealershipRecord, HandoffRecord
from handoff.detect import URGENT_REASONS, detect
from handoff.flow import HandoffFlow
from nightshift.conversation import interest

MISUNDERSTOOD = 2  # misunderstandings in a row that make a question "unanswered"


def live_handoff(store: Store, conversation_id: int) -> HandoffRecord | None:
    with store.reading() as uow:
        return handoffs.live_for_conversation(uow, conversation_id=conversation_id)


def after_turn(
    store: Store,
    flow: HandoffFlow | None,
    *,
    dealer: DealershipRecord,
    convo: ConversationRecord,
    text: str,
    message_id: int,
    slots: Slots,
    before: HandoffRecord | None,
) -> str | None:
    """Apply the rules to this turn; returns a sentence to add to the reply when code (not the
    engine) escalated, else None. The vehicles the shopper asked about are remembered."""
    interest.remember(store, convo, slots)
    found = detect(
        text,
        misunderstood_before=int(slots.get("misunderstandings") or 0) >= MISUNDERSTOOD,
        misunderstood_now=int(slots.get("misunderstandings") or 0) >= MISUNDERSTOOD,
    )
    engine_live = live_handoff(store, convo.id)
    notice = None
    if found.reasons:
        with store.unit_of_work() as uow:
            record = handoffs.create_handoff(
                uow,
                dealership_id=dealer.id,
                conversation_id=convo.id,
                customer_id=convo.customer_id,
                reasons=list(found.reasons),
                confidence=found.confidence,
                trigger_message_id=message_id,
                note="detected in code: " + "; ".join(found.evidence)[:300],
                urgent=bool(URGENT_REASONS & set(found.reasons)),
            )
        if engine_live is None and before is None:
            notice = handoff_notice(dealer, store.clock, record.reasons[0], str(convo.id))
    after = live_handoff(store, convo.id) if found.reasons else engine_live
    changed = after is not None and (before is None or after.reasons != before.reasons)
    if changed and after is not None and flow is not None:
        flow.summarize(after.id, slots)
    return notice


def handoff_notice(dealer: DealershipRecord, clock: Any, reason: str, seed: str) -> str:
    """'A member of our team will get back to you at 9:00 AM tomorrow.' from the hours."""
    now = clock.now().astimezone(ZoneInfo(dealer.timezone))
    is_open, next_in = next_opening(dealer, now)
    when = prompts.render("team_open" if is_open else "team_closed", seed, when=next_in)
    return prompts.render(f"handoff_{reason}", seed, when=when)


def record_violations(store: Store, convo: ConversationRecord, violations: list[str]) -> None:
    """What the output guardrail blocked in a reply, on the customer's timeline (the review
    queue lists it)."""
    with store.unit_of_work() as uow:
        timeline.add_event(
            uow,
            dealership_id=convo.dealership_id,
            customer_id=convo.customer_id,
            conversation_id=convo.id,
            kind="guardrail_violation",
            data={"violations": violations},
        )
