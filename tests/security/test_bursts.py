"""Bursts and the reply cap: texts sent in a row get one answer, a flood of texts gets at
most the cap, and compliance keywords are answered whatever the cap. The findings of the
issue-13 attack run (100 texts from one phone in 10 s got 100 replies) replayed against the
real runtime, with the job runner taking turns as it does in the server."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from contracts.clock import FrozenClock
from contracts.messages import Accepted, InboundMessage
from crm_store import conversations, customers, dealerships, jobs, messages, outbox, timeline
from crm_store.db import Store
from crm_store.jobs import JobRecord
from crm_store.records import MessageRecord
from crm_store.types import Author, Channel, Consent, Direction, JobStatus
from nightshift.conversation import bursts
from nightshift.conversation.turns import INBOUND_JOB, TURN_JOB
from nightshift.runtime import Runtime, open_runtime
from tests.demo import SLUG
from tests.factories import make_lot
from tests.security.conftest import prepare_demo

PHONE = "+18055550161"
BURST = ["hi", "do you have civics", "under 25k"]


def _texts(runtime: Runtime, bodies: list[str], *, phone: str = PHONE, tag: str = "b") -> None:
    """Texts as Twilio's webhook hands them over: one durable write each, nothing run yet."""
    for index, body in enumerate(bodies):
        sid = f"SM-{tag}-{index}"
        assert runtime.pipeline.receive(InboundMessage(SLUG, "sms", phone, body, sid))


def _transcript(runtime: Runtime, phone: str = PHONE) -> list[MessageRecord]:
    with runtime.store.reading() as uow:
        dealer_id = customers_dealer(uow)
        shopper = customers.find_by_phone(uow, dealership_id=dealer_id, phone=phone)
        assert shopper is not None
        found: list[MessageRecord] = []
        for convo in conversations.list_conversations(uow, customer_id=shopper.id):
            found += messages.list_messages(uow, conversation_id=convo.id)
    return found


def customers_dealer(uow: Any) -> int:
    return dealerships.id_for_slug(uow, slug=SLUG)


def _by(found: list[MessageRecord], author: Author) -> list[str]:
    return [m.body for m in found if m.author is author]


def _turn_jobs(runtime: Runtime) -> list[JobRecord]:
    with runtime.store.reading() as uow:
        return jobs.pending(uow, kinds=[TURN_JOB]) + jobs.handled(uow, kinds=[TURN_JOB])


def test_three_texts_in_a_row_get_one_reply_to_what_they_say_together(runtime: Runtime) -> None:
    _texts(runtime, BURST)
    runtime.jobs.run_due()
    found = _transcript(runtime)
    assert _by(found, Author.SHOPPER) == BURST  # all three stored, in order
    [reply] = _by(found, Author.ASSISTANT)
    # the car asked about in text 2, within the budget of text 3: only the $23,995 Civic
    assert "Civic" in reply and "$23,995" in reply and "C2202" in reply
    assert "$25,895" not in reply and "$28,395" not in reply
    turns = _turn_jobs(runtime)
    assert len(turns) == 3 and all(j.status is JobStatus.DONE for j in turns)


def test_web_chat_messages_sent_together_get_one_reply(runtime: Runtime) -> None:
    session = "s-burst-1"
    for index, body in enumerate(BURST):
        accepted = runtime.pipeline.accept(
            InboundMessage(SLUG, "web", session, body, f"{session}:m{index}")
        )
        runtime.pipeline.process_later(accepted)
    runtime.jobs.run_due()
    with runtime.store.reading() as uow:
        found = messages.list_messages(uow, conversation_id=accepted.conversation_id)
    assert _by(found, Author.SHOPPER) == BURST
    [reply] = _by(found, Author.ASSISTANT)
    assert "$23,995" in reply and "$25,895" not in reply


def test_a_crash_before_the_reply_commits_loses_nothing_and_answers_once(
    runtime: Runtime, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first turn writes its reply and completes the burst's jobs, then its transaction
    fails before commit (a crash at the worst moment): nothing of it may remain, and the
    texts are answered once, together, by the turns that run afterwards."""
    real_send = outbox.send_message
    crashes: list[int] = []

    def crash_once(uow: Any, **kwargs: Any) -> Any:
        stored = real_send(uow, **kwargs)
        if not crashes:
            crashes.append(stored.id)
            raise RuntimeError("worker died before commit")
        return stored

    monkeypatch.setattr(outbox, "send_message", crash_once)
    _texts(runtime, BURST)
    runtime.jobs.run_due()
    clock.advance(timedelta(minutes=10))  # retries and expired leases come due
    runtime.jobs.run_due()
    assert crashes  # the crash did happen
    found = _transcript(runtime)
    assert _by(found, Author.SHOPPER) == BURST
    [reply] = _by(found, Author.ASSISTANT)
    assert "$23,995" in reply
    with runtime.store.reading() as uow:
        assert outbox.total(uow) == 1
    assert all(j.status is JobStatus.DONE for j in _turn_jobs(runtime))


def test_a_turn_a_dead_worker_held_is_answered_by_its_burst_and_not_again(
    runtime: Runtime, clock: FrozenClock
) -> None:
    _texts(runtime, BURST)
    with runtime.store.unit_of_work() as uow:  # the inbound jobs store the texts ...
        inbound = jobs.claim(uow, kinds=[INBOUND_JOB], lease=timedelta(seconds=30))
    for job in inbound:
        runtime.pipeline.run_inbound_job(job)
        with runtime.store.unit_of_work() as uow:
            jobs.complete(uow, job_id=job.id)
    with runtime.store.unit_of_work() as uow:  # ... a worker takes the first turn and dies
        [held] = jobs.claim(uow, kinds=[TURN_JOB], lease=timedelta(minutes=5), limit=1)
    runtime.jobs.run_due()  # the turns still free answer the whole burst
    [reply] = _by(_transcript(runtime), Author.ASSISTANT)
    assert "$23,995" in reply and "$25,895" not in reply
    clock.advance(timedelta(minutes=10))  # the dead worker's lease runs out
    runtime.jobs.run_due()
    assert len(_by(_transcript(runtime), Author.ASSISTANT)) == 1  # not answered twice
    with runtime.store.reading() as uow:
        after = jobs.get(uow, key=held.key)
    assert after is not None and after.status is JobStatus.DONE


def test_a_hundred_texts_from_one_phone_get_at_most_the_cap_and_stop_is_still_answered(
    runtime: Runtime,
) -> None:
    for index in range(100):  # one at a time, each turn run before the next text
        _texts(runtime, [f"do you have civics {index}"], tag=f"f{index}")
        runtime.jobs.run_due()
    found = _transcript(runtime)
    assert len(_by(found, Author.SHOPPER)) == 100  # every text stored
    assert len(_by(found, Author.ASSISTANT)) == 8  # NIGHTSHIFT_MAX_REPLIES_PER_10_MIN
    convo_id = found[0].conversation_id
    assert [e.kind for e in _events(runtime, convo_id)].count("rate_limited") == 1

    _texts(runtime, ["HELP", "STOP"], tag="kw")  # compliance is never capped
    runtime.jobs.run_due()
    found = _transcript(runtime)
    replies = _by(found, Author.ASSISTANT)
    assert len(replies) == 10
    assert "Reply STOP to unsubscribe" in replies[-2]  # HELP
    assert "unsubscribed" in replies[-1]  # STOP
    with runtime.store.reading() as uow:
        shopper = customers.find_by_phone(uow, dealership_id=customers_dealer(uow), phone=PHONE)
    assert shopper is not None and shopper.sms_consent is Consent.REVOKED


def test_a_hundred_texts_at_once_are_all_stored_and_answered_within_the_cap(
    runtime: Runtime,
) -> None:
    _texts(runtime, [f"do you have civics under {20 + i % 10}k" for i in range(100)])
    runtime.jobs.run_due()
    found = _transcript(runtime)
    assert len(_by(found, Author.SHOPPER)) == 100
    assert 1 <= len(_by(found, Author.ASSISTANT)) <= 8
    kinds = [e.kind for e in _events(runtime, found[0].conversation_id)]
    assert kinds.count("rate_limited") == 1
    assert all(j.status is JobStatus.DONE for j in _turn_jobs(runtime))


def test_the_cap_counts_a_sliding_ten_minutes(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    settings = prepare_demo(tmp_path, models_dir, clock, max_replies_per_10_min=2)
    with open_runtime(settings, clock=clock, models_dir=models_dir) as rt:
        for index in range(4):
            _texts(rt, [f"how much is your doc fee {index}"], tag=f"c{index}")
            rt.jobs.run_due()
            clock.advance(timedelta(minutes=1))
        assert len(_by(_transcript(rt), Author.ASSISTANT)) == 2
        clock.advance(timedelta(minutes=9))  # the first reply is now 10+ minutes old
        _texts(rt, ["how much is your doc fee again"], tag="later")
        rt.jobs.run_due()
        replies = _by(_transcript(rt), Author.ASSISTANT)
        assert len(replies) == 3 and "$85" in replies[-1]


def _events(runtime: Runtime, conversation_id: int) -> list[Any]:
    with runtime.store.reading() as uow:
        convo = conversations.get_conversation(uow, conversation_id=conversation_id)
        return timeline.customer_timeline(uow, customer_id=convo.customer_id)


# The store side of a burst, on SQLite and PostgreSQL.


def _stored(store: Store, bodies: list[str], *, first_index: int = 0) -> list[Accepted]:
    """Shopper texts stored in the demo shopper's SMS conversation, each with its turn job."""
    lot = make_lot(store)
    accepted = []
    with store.unit_of_work() as uow:
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, channel=Channel.SMS
        )
        for index, body in enumerate(bodies, start=first_index):
            stored = messages.record_message(
                uow,
                conversation_id=convo.id,
                direction=Direction.INBOUND,
                author=Author.SHOPPER,
                body=body,
                channel_message_id=f"SM-s{index}",
            ).message
            jobs.schedule(uow, kind=TURN_JOB, key=bursts.turn_key(stored.id))
            inbound = InboundMessage(SLUG, "sms", lot.shopper.phone or "", body, f"SM-s{index}")
            accepted.append(Accepted(inbound, stored.id, convo.id, convo.public_id, True))
    return accepted


def test_gather_joins_the_pending_texts_in_order_and_skips_keywords(store: Store) -> None:
    first, stop, second, third = _stored(store, ["hi", "STOP", "any civics", "under 25k"])
    burst = bursts.gather(store, second)
    assert burst is not None
    assert burst.message_ids == (first.message_id, second.message_id, third.message_id)
    assert burst.accepted.inbound.body == "hi\nany civics\nunder 25k"
    assert burst.accepted.message_id == third.message_id
    assert len(burst.job_ids) == 3
    with store.unit_of_work() as uow:  # the reply's transaction completes them
        for job_id in burst.job_ids:
            jobs.complete(uow, job_id=job_id)
    assert bursts.gather(store, third) is None  # answered already: its job does nothing
    alone = bursts.gather(store, stop)  # the keyword keeps its own turn
    assert alone is not None and alone.message_ids == (stop.message_id,)
    with store.unit_of_work() as uow:  # answered; then the shopper writes again
        outbox.send_message(
            uow,
            conversation_id=third.conversation_id,
            channel=Channel.SMS,
            recipient="+15551230001",
            body="We have one Civic under $25,000.",
        )
    [later] = _stored(store, ["is it white"], first_index=9)
    again = bursts.gather(store, later)
    assert again is not None and again.message_ids == (later.message_id,)
    assert again.accepted.inbound.body == "is it white"


def test_over_cap_completes_the_burst_and_records_one_event_per_window(
    store: Store, clock: FrozenClock
) -> None:
    accepted = _stored(store, ["one", "two"])
    with store.unit_of_work() as uow:
        for _ in range(2):
            outbox.send_message(
                uow,
                conversation_id=accepted[0].conversation_id,
                channel=Channel.SMS,
                recipient="+15551230001",
                body="an answer",
            )
    with store.reading() as uow:
        convo = conversations.get_conversation(uow, conversation_id=accepted[0].conversation_id)
    burst = bursts.gather(store, accepted[0])
    assert burst is not None
    assert not bursts.over_cap(store, convo, burst, cap=3)
    assert bursts.over_cap(store, convo, burst, cap=2)
    assert bursts.gather(store, accepted[1]) is None  # its job is done: not answered later
    assert bursts.over_cap(store, convo, burst, cap=2)
    with store.reading() as uow:
        events = timeline.customer_timeline(uow, customer_id=convo.customer_id)
    assert [e.kind for e in events].count("rate_limited") == 1  # once per window
    clock.advance(timedelta(minutes=11))
    assert not bursts.over_cap(store, convo, burst, cap=2)  # the replies left the window
