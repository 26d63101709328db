"""Turns are durable jobs: a webhook's message is answered even if the process that took it
died before answering, exactly once, and a separate `nightshift worker` process can answer
what the web process accepted."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import httpx
from twilio.request_validator import RequestValidator

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import jobs, messages, migrate, outbox
from crm_store.db import Store
from crm_store.jobs import JobRecord
from crm_store.types import Author, JobStatus
from nightshift.conversation.turns import INBOUND_JOB, TURN_JOB
from nightshift.jobs.runner import JobRunner
from nightshift.runtime import open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, SLUG, demo_settings
from tests.helpers import NIGHTSHIFT, live_server

PHONE = "+18055550177"


def _replies(store: Store, conversation_id: int) -> list[str]:
    with store.reading() as uow:
        return [
            m.body
            for m in messages.list_messages(uow, conversation_id=conversation_id)
            if m.author is Author.ASSISTANT
        ]


def _demo(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> None:
    settings = demo_settings(tmp_path)
    migrate.upgrade(settings.database_url)
    with open_runtime(settings, clock=clock, models_dir=models_dir) as rt:
        apply_world(rt.store, load_world_file(DEMO))
        sync_world_knowledge(rt.store, rt.knowledge, SLUG)


def test_a_turn_accepted_before_a_restart_is_answered_after_it_once(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    _demo(tmp_path, models_dir, clock)
    settings = demo_settings(tmp_path)
    with open_runtime(settings, clock=clock, models_dir=models_dir) as first:
        accepted = first.pipeline.accept(
            InboundMessage(SLUG, "sms", PHONE, "how much is your doc fee", "SM-R1")
        )
        # the process dies here: the message is stored, nobody has answered yet
    with open_runtime(settings, clock=clock, models_dir=models_dir) as second:
        assert second.jobs.run_due() == 1
        assert second.jobs.run_due() == 0
        replies = _replies(second.store, accepted.conversation_id)
        assert len(replies) == 1 and "$85" in replies[0]
        with second.store.reading() as uow:
            job = jobs.get(uow, key=f"turn:{accepted.message_id}")
            assert job is not None and job.status is JobStatus.DONE
            assert outbox.total(uow) == 1


def test_a_turn_claimed_by_a_worker_that_died_comes_back_after_its_lease(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    _demo(tmp_path, models_dir, clock)
    settings = demo_settings(tmp_path)
    with open_runtime(settings, clock=clock, models_dir=models_dir) as rt:
        accepted = rt.pipeline.accept(InboundMessage(SLUG, "sms", PHONE, "any trucks?", "SM-R2"))
        with rt.store.unit_of_work() as uow:  # a worker claims the turn, then dies
            assert len(jobs.claim(uow, kinds=[TURN_JOB], lease=rt.jobs.lease)) == 1
        assert rt.jobs.run_due() == 0  # still leased to the dead worker
        clock.advance(rt.jobs.lease)
        assert rt.jobs.run_due() == 1
        clock.advance(rt.jobs.lease * 2)
        assert rt.jobs.run_due() == 0  # done: a later sweep does not answer twice
        assert len(_replies(rt.store, accepted.conversation_id)) == 1


def test_a_repeat_delivery_queues_no_second_turn(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    _demo(tmp_path, models_dir, clock)
    with open_runtime(demo_settings(tmp_path), clock=clock, models_dir=models_dir) as rt:
        inbound = InboundMessage(SLUG, "sms", PHONE, "hi", "SM-R3")
        first, again = rt.pipeline.accept(inbound), rt.pipeline.accept(inbound)
        assert first.created and not again.created
        assert rt.jobs.run_due() == 1


def test_a_failing_job_is_retried_with_backoff_then_given_up(
    store: Store, clock: FrozenClock
) -> None:
    calls: list[int] = []

    def broken(job: JobRecord) -> None:
        calls.append(job.attempts)
        raise RuntimeError("database went away")

    runner = JobRunner(store, {"flaky": broken}, lease=timedelta(minutes=1))
    with store.unit_of_work() as uow:
        jobs.schedule(uow, kind="flaky", key="flaky:1")
    for _ in range(6):
        runner.run_due()
        clock.advance(timedelta(minutes=10))
    with store.reading() as uow:
        job = jobs.get(uow, key="flaky:1")
    assert calls == [0, 1, 2]  # max_attempts (3 by default), then quarantined: no more
    assert job is not None and job.status is JobStatus.FAILED
    assert job.last_error is not None and "database went away" in job.last_error


def test_a_separate_worker_process_answers_what_the_web_process_accepted(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    _demo(tmp_path, models_dir, clock)
    token = "worker-test-token"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=demo_settings(tmp_path).database_url,
        data_dir=tmp_path,
        inline_worker=False,
        twilio_auth_token=token,
        public_base_url="https://dealer.example",
    )
    (tmp_path / "models").exists() or (tmp_path / "models").symlink_to(models_dir)
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "NIGHTSHIFT_DATA_DIR": str(tmp_path),
        "NIGHTSHIFT_JOB_POLL_SECONDS": "0.2",
        "ORT_DISABLE_TELEMETRY": "1",
    }
    store = Store(settings.database_url)
    with live_server(settings, models_dir) as base:
        params = {
            "MessageSid": "SM" + "7" * 32,
            "AccountSid": "AC" + "0" * 32,
            "From": PHONE,
            "To": "+18055550100",
            "Body": "how much is your doc fee",
            "NumMedia": "0",
        }
        signature = RequestValidator(token).compute_signature(
            "https://dealer.example/channels/twilio/sms", params
        )
        response = httpx.post(
            base + "/channels/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
        )
        assert response.status_code == 200
        time.sleep(1.0)
        with store.reading() as uow:  # the web process answers nothing by itself
            assert outbox.total(uow) == 0
            assert len(jobs.pending(uow, kinds=[INBOUND_JOB])) == 1  # stored, not answered
        worker = subprocess.Popen(
            [NIGHTSHIFT, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                with store.reading() as uow:
                    if outbox.pending_count(uow) == 0 and outbox.total(uow) == 1:
                        break
                time.sleep(0.2)
        finally:
            worker.send_signal(signal.SIGTERM)
            _out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        with store.reading() as uow:
            assert outbox.total(uow) == 1 and outbox.pending_count(uow) == 0
            assert jobs.pending(uow, kinds=[INBOUND_JOB]) == []
        assert b"SMS NOT SENT" in err  # sent by the worker's log transport...
        assert b"$85" not in err and b"doc fee" not in err  # ...which logs no message text
    store.dispose()


def test_a_received_sms_is_stored_and_answered_after_a_restart_once(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    _demo(tmp_path, models_dir, clock)
    settings = demo_settings(tmp_path)
    inbound = InboundMessage(SLUG, "sms", PHONE, "how much is your doc fee", "SM-R4")
    with open_runtime(settings, clock=clock, models_dir=models_dir) as first:
        assert first.pipeline.receive(inbound) is True
        assert first.pipeline.receive(inbound) is False  # Twilio's retry stores nothing new
        # the process dies here: the message is durable, not yet in a conversation
    with open_runtime(settings, clock=clock, models_dir=models_dir) as second:
        assert second.jobs.run_due() == 2  # the inbound job stores it, its turn job answers
        assert second.pipeline.receive(inbound) is False  # nor after it was handled
        assert second.jobs.run_due() == 0
        with second.store.reading() as uow:
            stored = messages.find_by_channel_id(uow, channel="sms", channel_message_id="SM-R4")
        assert stored is not None and stored.body == "how much is your doc fee"
        replies = _replies(second.store, stored.conversation_id)
        assert len(replies) == 1 and "$85" in replies[0]
