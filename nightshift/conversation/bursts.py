"""Bursts and the reply cap: how many turns the assistant takes for what a shopper sends.

A shopper often sends several texts in a row ("hi" / "do you have civics" / "under 20k").
Each stored message has a durable turn job (`turn:<message id>`); the first of those jobs to
get the conversation's lock answers every message of the run that still has a pending turn
job, in one turn on their texts joined in order, and marks those jobs done in the same
transaction as the reply. A later job whose message was answered that way finds its job done
and does nothing, so a crash never loses a message and never answers one twice.

Messages handled one by one in code (STOP/HELP/START keywords, "C" to a reminder) are never
merged into another message's turn: their own job handles them as before.

The reply cap bounds what one conversation costs: at most `cap` assistant replies per
`REPLY_WINDOW`, counted from the messages table (so every process sees the same count). Over
it a message is stored and not answered, and a `rate_limited` timeline event (once per
window) lets staff see it. Compliance confirmations are sent outside the turn, never capped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from booking.replies import is_reminder_answer
from contracts.messages import Accepted, Attachment
from crm_store import jobs, messages, timeline
from crm_store.db import Store
from crm_store.records import ConversationRecord, MessageRecord
from crm_store.types import Author, JobStatus
from nightshift.conversation import compliance
from nightshift.infra import logs

log = logging.getLogger("nightshift.bursts")
REPLY_WINDOW = timedelta(minutes=10)
MAX_BURST = 10  # messages answered in one turn; the rest of a flood get turns of their own
SCAN = 50  # stored messages looked at to find a burst


def turn_key(message_id: int) -> str:
    """The key of the durable job that answers stored message `message_id`."""
    return f"turn:{message_id}"


@dataclass(frozen=True, slots=True)
class Burst:
    """The messages one turn answers: `accepted` carries their texts joined in order (and
    all their photos) under the id of the last one; `job_ids` are their pending turn jobs,
    completed together with the reply."""

    accepted: Accepted
    message_ids: tuple[int, ...]
    job_ids: tuple[int, ...]


def gather(store: Store, accepted: Accepted) -> Burst | None:
    """The burst that answers `accepted`, or None when an earlier turn of its burst already
    answered it (its turn job is no longer pending). Call under the conversation lock."""
    with store.reading() as uow:
        own = jobs.get(uow, key=turn_key(accepted.message_id))
        if own is not None and own.status is not JobStatus.PENDING:
            return None
        run = messages.shopper_run(
            uow,
            conversation_id=accepted.conversation_id,
            message_id=accepted.message_id,
            limit=SCAN,
        )
        others = {m.id: m for m in run if m.id != accepted.message_id and _mergeable(m)}
        waiting = jobs.pending_with_keys(uow, keys=[turn_key(i) for i in others])
    pending = {int(job.key.removeprefix("turn:")): job.id for job in waiting}
    ids = sorted({*pending, accepted.message_id})
    at = ids.index(accepted.message_id)
    ids = ids[max(0, at - MAX_BURST + 1) :][:MAX_BURST]  # holds accepted, earliest first
    job_ids = tuple(pending[i] for i in ids if i in pending)
    if own is not None:
        job_ids += (own.id,)
    if len(ids) == 1:
        return Burst(accepted, (accepted.message_id,), job_ids)
    parts = [others.get(i) for i in ids]
    bodies = [accepted.inbound.body if m is None else m.body for m in parts]
    media = tuple(
        attachment
        for m in parts
        for attachment in (
            accepted.inbound.media
            if m is None
            else tuple(Attachment(x.url, x.content_type) for x in m.media)
        )
    )
    inbound = replace(accepted.inbound, body="\n".join(bodies), media=media)
    merged = replace(accepted, inbound=inbound, message_id=ids[-1])
    logs.event(log, "burst", conversation=accepted.conversation_id, messages=len(ids))
    return Burst(merged, tuple(ids), job_ids)


def settle(store: Store, burst: Burst) -> None:
    """Mark the burst's turn jobs done when its turn ended without a reply."""
    with store.unit_of_work() as uow:
        for job_id in burst.job_ids:
            jobs.complete(uow, job_id=job_id)


def over_cap(store: Store, convo: ConversationRecord, burst: Burst, *, cap: int) -> bool:
    """Whether the conversation already had `cap` assistant replies in the window. If so, the
    burst's jobs are done unanswered and, once per window, a `rate_limited` event goes on the
    customer's timeline; all in one transaction. Call under the conversation lock."""
    with store.unit_of_work() as uow:
        since = uow.now() - REPLY_WINDOW
        sent = messages.count_since(
            uow, conversation_id=convo.id, author=Author.ASSISTANT, since=since
        )
        if sent < cap:
            return False
        for job_id in burst.job_ids:
            jobs.complete(uow, job_id=job_id)
        first = not timeline.has_event_since(
            uow,
            customer_id=convo.customer_id,
            conversation_id=convo.id,
            kind="rate_limited",
            since=since,
        )
        if first:
            timeline.add_event(
                uow,
                dealership_id=convo.dealership_id,
                customer_id=convo.customer_id,
                conversation_id=convo.id,
                kind="rate_limited",
                data={
                    "replies": sent,
                    "window_minutes": int(REPLY_WINDOW.total_seconds() // 60),
                    "message_ids": list(burst.message_ids),
                },
            )
    logs.event(log, "rate_limited", conversation=convo.id, replies=sent, recorded=first)
    return True


def _mergeable(message: MessageRecord) -> bool:
    """Whether a message may be answered inside another's turn: not a compliance keyword
    nor an answer to a reminder, which their own jobs handle one by one in code."""
    text = message.body
    if message.channel.value == "sms" and compliance.keyword(text) is not None:
        return False
    return not is_reminder_answer(text)
