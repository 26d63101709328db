"""The one conversation pipeline every channel feeds.

persist the inbound message (idempotently) -> compliance keywords -> human mode / opted out?
-> agent graph under a per-conversation lock, with a timeout -> guardrail (in the graph) ->
persist the reply and queue it in the outbox. If the engine fails or times out, the shopper
gets a safe fallback and a handoff is recorded; the inbound message is never lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict
from typing import Any

from langchain_core.runnables import RunnableConfig

from agent import prompts
from agent.context import AgentDeps, TurnContext
from agent.graph import AgentGraph
from agent.state import AgentState
from booking.replies import reply_to_reminder
from console import live
from contracts.channels import Bus
from contracts.dialogue import Slots
from contracts.messages import (
    MAX_TURN_TEXT,
    Accepted,
    InboundMessage,
    OutboundMessage,
)
from crm_store import (
    conversations,
    customers,
    dealerships,
    handoffs,
    jobs,
    messages,
    outbox,
)
from crm_store.jobs import JobRecord
from crm_store.locks import conversation_lock
from crm_store.records import ConversationRecord, CustomerRecord, DealershipRecord
from crm_store.types import Author, Consent, ConversationMode, Direction
from handoff.flow import HandoffFlow
from nightshift.conversation import bursts, compliance, escalation
from nightshift.conversation.context import turn_input
from nightshift.conversation.turns import (
    INBOUND_JOB,
    TURN_JOB,
    TurnResult,
    inbound_of,
    resolve_conversation,
    with_media_note,
)
from nightshift.infra import logs

log = logging.getLogger("nightshift.pipeline")


class Pipeline:
    def __init__(
        self,
        deps: AgentDeps,
        graph: AgentGraph,
        *,
        timeout_seconds: float,
        bus: Bus | None = None,
        on_queued: Callable[[], None] | None = None,
        on_turn_queued: Callable[[], None] | None = None,
        handoffs: HandoffFlow | None = None,
        reply_cap: int = 8,
    ) -> None:
        self.deps = deps
        self.graph = graph
        self.timeout = timeout_seconds
        self.bus = bus
        self.on_queued = on_queued or (lambda: None)
        self.on_turn_queued = on_turn_queued or (lambda: None)
        self.handoffs = handoffs
        self.reply_cap = reply_cap  # assistant replies per conversation per 10 minutes
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="graph")
        self._running: set[TurnContext] = set()
        self._running_lock = threading.Lock()

    def close(self) -> None:
        """Abandon running turns and wait until they have stopped, so the checkpointer and
        the store they write to are closed only after them (the job runner stops first)."""
        with self._running_lock:
            for ctx in self._running:
                ctx.cancelled.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def handle_inbound(self, inbound: InboundMessage) -> TurnResult:
        """Store the message and run the turn now (CLI, scenarios, tests). A staff member's
        text has no conversation and no turn (outcome `staff_answer`)."""
        accepted = self.take(inbound, queue_turn=False)
        if accepted is None:
            return TurnResult(0, "", 0, "staff_answer")
        return self.process(accepted)

    def take(self, inbound: InboundMessage, *, queue_turn: bool = True) -> Accepted | None:
        """A received text, whoever sent it. A text from a staff member's phone is their
        answer to a page (HandoffFlow.staff_message, answered by a job), never a shopper's
        message: None, nothing is stored for a shopper. Anything else is `accept`ed."""
        if inbound.channel == "sms" and self.handoffs is not None:
            member = self.handoffs.staff_member(inbound.dealership, inbound.sender)
            if member is not None:
                self.handoffs.staff_message(member, inbound)
                self.on_turn_queued()  # the answer to the staff member is a job too
                return None
        return self.accept(inbound, queue_turn=queue_turn)

    def accept(self, inbound: InboundMessage, *, queue_turn: bool = True) -> Accepted:
        """Store a shopper's message at once, idempotently by its channel id (persist
        first), and with it, in the same transaction, the durable job that will answer it.
        (Texts that may come from a staff member's phone go through `take`.)"""
        with self.deps.store.unit_of_work() as uow:
            convo = resolve_conversation(uow, inbound)
            stored = messages.record_message(
                uow,
                conversation_id=convo.id,
                direction=Direction.INBOUND,
                author=Author.SHOPPER,
                body=inbound.body,
                channel_message_id=inbound.channel_message_id,
                media=inbound.media,
            )
            if stored.created and queue_turn:
                payload = {
                    "inbound": asdict(inbound),
                    "message_id": stored.message.id,
                    "conversation_id": convo.id,
                    "public_id": convo.public_id,
                }
                jobs.schedule(
                    uow, kind=TURN_JOB, key=bursts.turn_key(stored.message.id), payload=payload
                )
        if stored.created:
            logs.event(log, "inbound", conversation=convo.id, channel=inbound.channel)
            self._wake(convo.dealership_id)  # the console shows it, whatever happens next
        return Accepted(inbound, stored.message.id, convo.id, convo.public_id, stored.created)

    def receive(self, inbound: InboundMessage) -> bool:
        """Store a provider's message with one write (a durable job keyed by its channel id)
        and leave the rest to the job runner: customer, conversation, message, turn. A repeat
        delivery (or a staff member's text without a channel id, answered at once) stores
        nothing for a shopper and returns False. Without a channel id: take, then turn."""
        if not inbound.channel_message_id:
            accepted = self.take(inbound)
            if accepted is None:
                return False
            self.process_later(accepted)
            return accepted.created
        with self.deps.store.unit_of_work() as uow:
            created = jobs.schedule_new(
                uow,
                kind=INBOUND_JOB,
                key=f"in:{inbound.channel}:{inbound.channel_message_id}",
                payload={"inbound": asdict(inbound)},
            )
        if created:
            self.on_turn_queued()
        return created

    def run_inbound_job(self, job: JobRecord) -> None:
        """The job runner's handler for a received message: store it in its conversation
        together with its turn job (one transaction), which answers it. The turn is a job of
        its own so that texts received together are all stored before the first of their
        turns runs, and are answered in one (nightshift.conversation.bursts). A retry after a
        crash finds the message stored and its turn job queued, and stores nothing twice."""
        accepted = self.take(inbound_of(job.payload))
        if accepted is not None:
            self.process_later(accepted)

    def process_later(self, accepted: Accepted) -> None:
        """Have the job runner take the stored turn now (webhooks answer before the
        assistant thinks); a repeat delivery queued nothing."""
        if accepted.created:
            self.on_turn_queued()

    def run_turn_job(self, job: JobRecord) -> None:
        """The job runner's handler for a queued turn; the reply and the job's completion
        are committed together, so a turn retried after a crash never answers twice."""
        p = job.payload
        accepted = Accepted(
            inbound_of(p), p["message_id"], p["conversation_id"], p["public_id"], True
        )
        self.process(accepted, job_id=job.id)

    def process(self, accepted: Accepted, *, job_id: int | None = None) -> TurnResult:
        """The assistant's turn for a stored message (nothing happens for a repeat)."""
        inbound = accepted.inbound
        result = TurnResult(
            accepted.conversation_id, accepted.public_id, accepted.message_id, "replied"
        )
        if not accepted.created:
            result.outcome = "duplicate"
            return result
        store = self.deps.store
        with store.reading() as uow:
            convo = conversations.get_conversation(uow, conversation_id=accepted.conversation_id)
            shopper = customers.get_customer(uow, customer_id=convo.customer_id)
            dealer = dealerships.get_dealership_by_id(uow, dealership_id=convo.dealership_id)

        keyword = compliance.keyword(inbound.body) if inbound.channel == "sms" else None
        if keyword == "start" and shopper.sms_consent is not Consent.REVOKED:
            keyword = None  # "yes" from a subscribed shopper is an answer, not a keyword
        if keyword is not None:
            text = compliance.apply(store, dealer, shopper, keyword)
            if text:
                result.replies.append(self._send(convo, shopper, text, inbound, job_id))
            result.outcome = "compliance"
            return result
        if convo.mode is ConversationMode.HUMAN:
            result.outcome = "human_mode"
            return result
        if inbound.channel == "sms" and shopper.sms_consent is Consent.REVOKED:
            result.outcome = "opted_out"
            return result
        answer = reply_to_reminder(store, shopper.id, inbound.body, prompts.render)
        if answer is not None:  # "C" to a reminder, or "can't make it": decided in code
            result.replies.append(self._send(convo, shopper, answer, inbound, job_id))
            return result

        with conversation_lock(store, convo.id):
            burst = bursts.gather(store, accepted)
            if burst is None:
                result.outcome = "coalesced"  # answered with an earlier message of its burst
                return result
            if bursts.over_cap(store, convo, burst, cap=self.reply_cap):
                result.outcome = "rate_limited"
                return result
            accepted, inbound, done = burst.accepted, burst.accepted.inbound, burst.job_ids
            self._publish(convo, {"type": "typing"})
            ctx = self._context(dealer, shopper, convo)
            before = escalation.live_handoff(store, convo.id)
            read = inbound.body[:MAX_TURN_TEXT]  # stored whole; read up to the bound
            try:
                turn = turn_input(
                    store,
                    conversation_id=convo.id,
                    body=with_media_note(read, len(inbound.media)),
                    message_id=accepted.message_id,
                )
                state = self._pool.submit(self._run, turn, ctx).result(timeout=self.timeout)
            except FutureTimeout:
                ctx.cancelled.set()  # whatever the turn still does must not take effect
                why = "engine timed out"
                return self._fallback(result, convo, shopper, inbound, why, job_id, done)
            except Exception as exc:  # any engine failure: the shopper still gets an answer
                log.exception("engine_failed conversation=%s", convo.id)
                timed_out = "timeout" in type(exc).__name__.lower()
                why = "engine timed out" if timed_out else f"engine error: {exc!r}"
                return self._fallback(result, convo, shopper, inbound, why, job_id, done)
            reply, violations = str(state.get("reply") or ""), list(state.get("violations") or [])
            notice = escalation.after_turn(
                store,
                self.handoffs,
                dealer=dealer,
                convo=convo,
                text=read,
                message_id=accepted.message_id,
                slots=state.get("slots") or Slots(),
                before=before,
            )
            if notice:
                reply = f"{reply} {notice}".strip()
            self.on_turn_queued()  # a handoff or booking of this turn has jobs to run now
            if violations:
                escalation.record_violations(store, convo, violations)
            result.violations = violations
            if reply:
                result.replies.append(self._send(convo, shopper, reply, inbound, job_id, done))
            else:
                bursts.settle(store, burst)  # no reply: still, none of them is asked again
        return result

    def _run(self, turn: AgentState, ctx: TurnContext) -> dict[str, Any]:
        config: RunnableConfig = {"configurable": {"thread_id": str(ctx.conversation_id)}}
        with self._running_lock:
            self._running.add(ctx)
        try:
            state: dict[str, Any] = self.graph.invoke(
                turn,
                config=config,
                context=ctx,
                durability="exit",  # one checkpoint write per turn, at its end
            )
        finally:
            with self._running_lock:
                self._running.discard(ctx)
        return state

    def _context(
        self, dealer: DealershipRecord, shopper: CustomerRecord, convo: ConversationRecord
    ) -> TurnContext:
        with self.deps.store.reading() as uow:
            counts = messages.count_by_author(uow, conversation_id=convo.id)
        return TurnContext(
            dealer=dealer,
            customer_id=shopper.id,
            conversation_id=convo.id,
            channel=convo.channel.value,
            # the assistant has said what it is once: in a reply, or in an automated text (an
            # outreach text ends with the disclosure; a person's hand-back notice names it)
            first_reply=not (counts.get(Author.ASSISTANT) or counts.get(Author.SYSTEM)),
            turn=counts.get(Author.SHOPPER, 0),
        )

    def _send(
        self,
        convo: ConversationRecord,
        shopper: CustomerRecord,
        text: str,
        inbound: InboundMessage,
        job_id: int | None,
        also_done: tuple[int, ...] = (),
    ) -> OutboundMessage:
        """Persist an assistant message and queue it for the shopper's channel, atomically,
        with the completion of the turn's job and of the other turn jobs its burst answers
        (`also_done`), so a retried turn never answers twice."""
        with self.deps.store.unit_of_work() as uow:
            if job_id is not None:  # fenced: a stalled second run of this turn replies nothing
                jobs.finish(uow, job_id=job_id)
            for done in also_done:
                jobs.complete(uow, job_id=done)
            stored = outbox.send_message(
                uow,
                conversation_id=convo.id,
                channel=convo.channel,
                recipient=inbound.sender,
                body=text,
            )
        self.on_queued()
        return OutboundMessage(stored.id, convo.id, inbound.channel, inbound.sender, text)

    def _publish(self, convo: ConversationRecord, event: dict[str, Any]) -> None:
        if self.bus is not None:
            self.bus.publish(convo.public_id, event)
        self._wake(convo.dealership_id)

    def _wake(self, dealership_id: int) -> None:
        """Tell the dealership's open console pages to look now (`console.live`)."""
        if self.bus is not None:
            self.bus.publish(live.topic(dealership_id), live.WAKE)

    def _fallback(
        self,
        result: TurnResult,
        convo: ConversationRecord,
        shopper: CustomerRecord,
        inbound: InboundMessage,
        why: str,
        job_id: int | None,
        also_done: tuple[int, ...] = (),
    ) -> TurnResult:
        with self.deps.store.unit_of_work() as uow:
            handoffs.create_for_failure(
                uow,
                conversation_id=convo.id,
                trigger_message_id=result.inbound_message_id,
                note=f"The assistant could not answer ({why}); please reply to the shopper.",
                fallback="timeout" if "timed out" in why else "error",
            )
        text = prompts.render("fallback", str(convo.id))
        with self.deps.store.reading() as uow:
            counts = messages.count_by_author(uow, conversation_id=convo.id)
        if not counts.get(Author.ASSISTANT):
            dealer_name = self._dealership_name(convo.dealership_id)
            text = f"{prompts.render('disclosure', dealership=dealer_name)} {text}"
        result.replies.append(self._send(convo, shopper, text, inbound, job_id, also_done))
        result.outcome = "fallback"
        return result

    def _dealership_name(self, dealership_id: int) -> str:
        with self.deps.store.reading() as uow:
            return dealerships.get_dealership_by_id(uow, dealership_id=dealership_id).name
