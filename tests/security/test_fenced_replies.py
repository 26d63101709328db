"""A turn run twice (a worker that stalled past its lease while another took the job) replies
once: the turn checks its job under the conversation lock, and the reply's transaction
finishes the job with a fenced update, so a late run that got past the check (another
process, no shared lock) rolls its reply back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from contracts.messages import InboundMessage
from crm_store import jobs, messages
from crm_store.db import Store
from crm_store.jobs import Superseded
from crm_store.types import Author, JobStatus
from nightshift.conversation.turns import TURN_JOB
from nightshift.runtime import Runtime
from tests.demo import SLUG


def test_finish_is_fenced_on_both_backends(store: Store) -> None:
    with store.unit_of_work() as uow:
        job = jobs.schedule(uow, kind="turn", key="turn:fence", payload={})
    with store.unit_of_work() as uow:
        jobs.finish(uow, job_id=job.id)
    with pytest.raises(Superseded), store.unit_of_work() as uow:
        jobs.finish(uow, job_id=job.id)


def test_two_concurrent_finishers_one_wins(store: Store) -> None:
    with store.unit_of_work() as uow:
        job = jobs.schedule(uow, kind="turn", key="turn:race", payload={})
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def finisher() -> None:
        start.wait()
        try:
            with store.unit_of_work() as uow:
                jobs.finish(uow, job_id=job.id)
            outcomes.append("done")
        except Superseded:
            outcomes.append("superseded")

    threads = [threading.Thread(target=finisher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["done", "superseded"]
    with store.reading() as uow:
        assert jobs.get(uow, key="turn:race").status is JobStatus.DONE  # type: ignore[union-attr]


def test_a_stalled_second_run_of_a_turn_sends_nothing(runtime: Runtime) -> None:
    accepted = runtime.pipeline.accept(
        InboundMessage(SLUG, "sms", "+15557770311", "any civics under 25k?", "SMfence1")
    )
    with runtime.store.unit_of_work() as uow:
        [job] = jobs.claim(uow, kinds=[TURN_JOB], lease=timedelta(seconds=10))
    runtime.pipeline.run_turn_job(job)  # the run that took the job over
    runtime.pipeline.run_turn_job(job)  # the stalled one wakes up: its job is done already
    runtime.jobs._run(job)  # and through the runner: no failure recorded
    with runtime.store.reading() as uow:
        found = messages.list_messages(uow, conversation_id=accepted.conversation_id)
        record = jobs.get(uow, key=job.key)
    assert [m.author for m in found].count(Author.ASSISTANT) == 1
    assert record is not None and record.status is JobStatus.DONE and record.last_error is None


def test_a_run_overtaken_after_its_check_rolls_its_reply_back(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nightshift.conversation import bursts

    accepted = runtime.pipeline.accept(
        InboundMessage(SLUG, "sms", "+15557770312", "do you have any crvs?", "SMfence2")
    )
    with runtime.store.unit_of_work() as uow:
        [job] = jobs.claim(uow, kinds=[TURN_JOB], lease=timedelta(seconds=10))
    gather = bursts.gather

    def overtaken(store: Store, accepted: object) -> object:
        found = gather(store, accepted)  # type: ignore[arg-type]
        with store.unit_of_work() as uow:  # meanwhile another process answered and finished it
            jobs.finish(uow, job_id=job.id)
        return found

    monkeypatch.setattr(bursts, "gather", overtaken)
    with pytest.raises(Superseded):
        runtime.pipeline.run_turn_job(job)
    with runtime.store.reading() as uow:
        found = messages.list_messages(uow, conversation_id=accepted.conversation_id)
    assert [m.author for m in found] == [Author.SHOPPER]  # no reply, nothing queued
