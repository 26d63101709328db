"""Poison jobs, invalid senders and orphaned claims (issue 13).

A message whose job keeps crashing or killing its worker is quarantined after
`max_attempts` (never claimed again, one handoff so a person answers it), an operator lists
and retries quarantined jobs with `nightshift jobs`, a `From` we could never answer is
refused at the webhook, and a dead worker's claim comes back within seconds while a slow,
healthy job keeps its lease (renewed by the runner's heartbeat).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import dealerships, handoffs, jobs, messages
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.jobs import JobRecord, Postpone
from crm_store.types import Author, JobStatus
from nightshift.cli.jobs import failed_lines, retry_job
from nightshift.conversation.turns import INBOUND_JOB
from nightshift.jobs.runner import LEASE, JobRunner
from nightshift.runtime import Runtime
from tests.channels.conftest_twilio import (
    SHOPPER,
    SMS_PATH,
    build_app,
    received,
    signed_post,
    sms_form,
    transcript,
)
from tests.demo import SLUG
from tests.helpers import run_cli

SID = "SM" + "5" * 32
KINDS = ("turn", "orphan")


def _job(store: Store, key: str) -> JobRecord:
    with store.reading() as uow:
        found = jobs.get(uow, key=key)
    assert found is not None
    return found


def _die_while_running(store: Store, kinds: list[str], times: int, clock: FrozenClock) -> None:
    """A worker claims the job and is killed before it finishes, `times` over."""
    for _ in range(times):
        with store.unit_of_work() as uow:
            assert len(jobs.claim(uow, kinds=kinds, lease=LEASE)) == 1
        clock.advance(LEASE)


def _wait(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


# -- quarantine -------------------------------------------------------------------------


def test_a_message_that_killed_its_worker_three_times_goes_to_a_person_once(
    runtime: Runtime, clock: FrozenClock
) -> None:
    inbound = InboundMessage(SLUG, "sms", SHOPPER, "is the 2021 tacoma still there?", SID)
    assert runtime.pipeline.receive(inbound) is True
    key = f"in:sms:{SID}"
    _die_while_running(runtime.store, [INBOUND_JOB], 3, clock)

    assert runtime.jobs.run_due() >= 1  # the quarantine, then the handoff's routing
    job = _job(runtime.store, key)
    assert job.status is JobStatus.FAILED
    assert job.last_error == "worker died 3 times while running this job"
    with runtime.store.reading() as uow:
        stored = messages.find_by_channel_id(uow, channel="sms", channel_message_id=SID)
        assert stored is not None and stored.body == "is the 2021 tacoma still there?"
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        raised = handoffs.list_handoffs(uow, dealership_id=dealer_id)
        assert [h.reasons for h in raised] == [("other",)]
        assert raised[0].conversation_id == stored.conversation_id
        assert raised[0].trigger_message_id == stored.id
        assert "could not process this message" in (raised[0].note or "")
        trail = [s.action for s in handoffs.steps(uow, handoff_id=raised[0].id)]
        assert "paged" in trail or "queued" in trail  # the handoff flow took it from here
        said = messages.list_messages(uow, conversation_id=stored.conversation_id)
        assert [m.author for m in said] == [Author.SHOPPER]  # the assistant never ran it

    clock.advance(timedelta(hours=2))  # long past any lease or retry: never claimed again
    runtime.jobs.run_due()
    assert runtime.pipeline.receive(inbound) is False  # Twilio's retry stores nothing new
    runtime.jobs.run_due()
    assert _job(runtime.store, key).status is JobStatus.FAILED
    with runtime.store.reading() as uow:
        assert len(handoffs.list_handoffs(uow, dealership_id=dealer_id)) == 1


def test_a_stored_turn_that_keeps_crashing_is_quarantined_with_its_error_and_one_handoff(
    runtime: Runtime, clock: FrozenClock
) -> None:
    accepted = runtime.pipeline.accept(InboundMessage(SLUG, "sms", SHOPPER, "hello", "SM-P2"))
    key = f"turn:{accepted.message_id}"
    poisoned = _job(runtime.store, key).payload | {"inbound": {"bad": "shape"}}
    with runtime.store.unit_of_work() as uow:  # the turn, with a payload it cannot run on
        jobs.cancel(uow, key_prefix=key)
        jobs.schedule(uow, kind="turn", key=key + ":poisoned", payload=poisoned)
    for _ in range(4):
        runtime.jobs.run_due()
        clock.advance(timedelta(minutes=10))  # past every retry backoff
    job = _job(runtime.store, key + ":poisoned")
    assert job.status is JobStatus.FAILED and job.attempts == 3
    assert job.last_error is not None and "TypeError" in job.last_error
    with runtime.store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        raised = handoffs.list_handoffs(uow, dealership_id=dealer_id)
    assert [(h.conversation_id, h.reasons) for h in raised] == [
        (accepted.conversation_id, ("other",))
    ]


def test_quarantine_on_both_databases_runs_the_callback_once_and_never_the_job_again(
    store: Store, clock: FrozenClock
) -> None:
    ran: list[int] = []
    quarantined: list[tuple[int, str]] = []

    def crashes(job: JobRecord) -> None:
        ran.append(job.attempts)
        raise RuntimeError("model output made the parser explode for +18055550142")

    runner = JobRunner(
        store,
        {"crashes": crashes, "killer": lambda job: ran.append(-1)},
        on_quarantine={
            "crashes": lambda job, error: quarantined.append((job.id, error)),
            "killer": lambda job, error: quarantined.append((job.id, error)),
        },
    )
    with store.unit_of_work() as uow:
        crashing = jobs.schedule(uow, kind="crashes", key="crashes:1")
        killing = jobs.schedule(uow, kind="killer", key="killer:1")
    _die_while_running(store, ["killer"], 3, clock)
    for _ in range(5):
        runner.run_due()
        clock.advance(timedelta(minutes=10))

    assert ran == [0, 1, 2]  # the crashing job three times; the killer never again
    assert [job_id for job_id, _ in quarantined] == [killing.id, crashing.id]
    assert quarantined[0][1] == "worker died 3 times while running this job"
    crashed = _job(store, "crashes:1")
    assert crashed.status is JobStatus.FAILED and crashed.attempts == 3
    assert crashed.last_error is not None and "parser explode" in crashed.last_error
    assert "+18055550142" not in crashed.last_error  # errors are stored masked
    assert _job(store, "killer:1").status is JobStatus.FAILED
    with store.reading() as uow:
        assert jobs.pending(uow) == []


def test_a_worker_dying_inside_the_quarantine_leaves_a_failed_job_without_a_loop(
    store: Store, clock: FrozenClock
) -> None:
    calls: list[int] = []

    def deadly_callback(job: JobRecord, error: str) -> None:
        calls.append(job.attempts)
        raise RuntimeError("the callback is poisoned too")

    runner = JobRunner(
        store, {"killer": lambda job: None}, on_quarantine={"killer": deadly_callback}
    )
    with store.unit_of_work() as uow:
        jobs.schedule(uow, kind="killer", key="killer:2")
    _die_while_running(store, ["killer"], 4, clock)  # the 4th death: during the quarantine
    runner.run_due()
    assert calls == []  # a callback that a worker died in is not run again
    with store.unit_of_work() as uow:
        jobs.schedule(uow, kind="killer", key="killer:3")
    _die_while_running(store, ["killer"], 3, clock)
    runner.run_due()
    assert calls == [3]  # a callback that raises is logged; the job is failed anyway
    assert _job(store, "killer:2").status is JobStatus.FAILED
    assert _job(store, "killer:3").status is JobStatus.FAILED


def test_a_postponed_job_is_not_a_failed_attempt(store: Store, clock: FrozenClock) -> None:
    seen: list[int] = []

    def quiet_hours(job: JobRecord) -> None:
        seen.append(job.attempts)
        if len(seen) < 5:
            raise Postpone(clock.now() + timedelta(hours=1))

    runner = JobRunner(store, {"reminder": quiet_hours})
    with store.unit_of_work() as uow:
        jobs.schedule(uow, kind="reminder", key="reminder:1")
    for _ in range(6):
        runner.run_due()
        clock.advance(timedelta(hours=1))
    assert seen == [0, 0, 0, 0, 0]
    assert _job(store, "reminder:1").status is JobStatus.DONE


# -- nightshift jobs failed / retry -----------------------------------------------------


def test_retry_puts_a_quarantined_job_back_and_it_runs(store: Store, clock: FrozenClock) -> None:
    fixed = threading.Event()

    def flaky(job: JobRecord) -> None:
        if not fixed.is_set():
            raise RuntimeError("downstream is down")

    runner = JobRunner(store, {"flaky": flaky})
    with store.unit_of_work() as uow:
        scheduled = jobs.schedule(uow, kind="flaky", key="flaky:1", payload={"to": SHOPPER})
        pending = jobs.schedule(
            uow, kind="flaky", key="flaky:2", run_at=clock.now() + timedelta(days=1)
        )
    for _ in range(3):
        runner.run_due()
        clock.advance(timedelta(minutes=10))
    [line] = failed_lines(store)
    assert line.split()[:3] == [str(scheduled.id), "flaky", "3"]
    assert "downstream is down" in line and SHOPPER not in line

    with pytest.raises(NotFound, match="job id 999999 not found"):
        retry_job(store, 999999)
    with pytest.raises(InvalidValue, match="expected a failed job"):
        retry_job(store, pending.id)
    again = retry_job(store, scheduled.id)
    assert (again.status, again.attempts, again.run_at) == (JobStatus.PENDING, 0, clock.now())
    fixed.set()
    assert runner.run_due() == 1
    assert _job(store, "flaky:1").status is JobStatus.DONE
    assert failed_lines(store) == []


def test_the_jobs_command_lists_and_retries_without_showing_what_a_job_carries(
    store: Store, db_url: str, clock: FrozenClock
) -> None:
    with store.unit_of_work() as uow:
        job = jobs.schedule(
            uow,
            kind="inbound",
            key="in:sms:SM-CLI",
            payload={"inbound": {"sender": SHOPPER, "body": "my secret trade-in offer"}},
        )
        ok = jobs.schedule(uow, kind="turn", key="turn:cli-ok")
    _die_while_running(store, ["inbound"], 3, clock)
    JobRunner(store, {"inbound": lambda job: None}).run_due()

    listed = run_cli("jobs", "failed", database_url=db_url)
    assert listed.returncode == 0, listed.stderr
    assert f"{job.id}" in listed.stdout and "inbound" in listed.stdout
    assert "worker died 3 times while running this job" in listed.stdout
    assert SHOPPER not in listed.stdout and "secret trade-in" not in listed.stdout

    unknown = run_cli("jobs", "retry", "999999", database_url=db_url)
    assert unknown.returncode == 2 and "job id 999999 not found" in unknown.stderr
    not_failed = run_cli("jobs", "retry", str(ok.id), database_url=db_url)
    assert not_failed.returncode == 2 and "expected a failed job" in not_failed.stderr
    retried = run_cli("jobs", "retry", str(job.id), database_url=db_url)
    assert retried.returncode == 0, retried.stderr
    back = _job(store, "in:sms:SM-CLI")
    assert (back.status, back.attempts) == (JobStatus.PENDING, 0)
    assert run_cli("jobs", "failed", database_url=db_url).stdout.strip() == "no failed jobs"


# -- the webhook refuses a From it could never answer -----------------------------------


def test_an_invalid_from_is_refused_with_400_and_nothing_is_stored(runtime: Runtime) -> None:
    bad = ["1" * 5000, "whatsapp:+18055550142", "not a number", "+1805", "+1805555014212345"]
    with TestClient(build_app(runtime)) as client:
        for n, sender in enumerate(bad):
            form = sms_form("hi", f"SM-BADFROM{n}", sender=sender)
            response = signed_post(client, SMS_PATH, form)
            assert response.status_code == 400, sender
            error = response.json()["error"]
            assert error.startswith("From: ") and "E.164" in error and len(error) < 400
        assert received(runtime) == [] and transcript(runtime) == []
        with runtime.store.reading() as uow:
            assert jobs.pending(uow, kinds=[INBOUND_JOB, "turn"]) == []
        national = sms_form("hi", "SM-GOODFROM", sender="(805) 555-0142")
        assert signed_post(client, SMS_PATH, national).status_code == 200  # not over-strict
        assert received(runtime) == [("SM-GOODFROM", "hi")]


# -- leases: renewed while a job runs, back soon after its worker died ------------------


def test_a_slow_healthy_job_keeps_its_lease_and_a_dead_workers_claim_comes_back(
    store: Store, clock: FrozenClock
) -> None:
    started, release = threading.Event(), threading.Event()
    second: list[int] = []

    def slow_turn(job: JobRecord) -> None:
        started.set()
        assert release.wait(timeout=30)

    first = JobRunner(store, {"turn": slow_turn}, heartbeat_seconds=0.02)
    other = JobRunner(store, {kind: lambda job: second.append(job.id) for kind in KINDS})
    with store.unit_of_work() as uow:
        slow = jobs.schedule(uow, kind="turn", key="turn:slow")
    first.start()
    try:
        assert started.wait(timeout=10)
        for _ in range(4):  # 32 s in all: longer than a model turn may take (20 s)
            clock.advance(timedelta(seconds=8))
            _wait(lambda: _job(store, "turn:slow").run_at == clock.now() + LEASE)
            assert other.run_due() == 0  # renewed by the heartbeat: not taken by another
        with store.unit_of_work() as uow:  # meanwhile a worker claims another job and dies
            jobs.schedule(uow, kind="orphan", key="orphan:1")
            assert [j.key for j in jobs.claim(uow, kinds=["orphan"], lease=LEASE)] == ["orphan:1"]
        clock.advance(timedelta(seconds=9))
        _wait(lambda: _job(store, "turn:slow").run_at == clock.now() + LEASE)
        assert other.run_due() == 0  # the orphan's lease has not run out yet
        clock.advance(timedelta(seconds=1))
        assert other.run_due() == 1  # 10 s after its claim: back, well within 15 s
        release.set()
        _wait(lambda: _job(store, "turn:slow").status is JobStatus.DONE)
    finally:
        release.set()
        first.stop()
    assert second == [_job(store, "orphan:1").id] and slow.id not in second
    assert _job(store, "orphan:1").attempts == 2


def test_a_job_stuck_past_its_longest_run_is_let_go(store: Store, clock: FrozenClock) -> None:
    started, release = threading.Event(), threading.Event()

    def stuck(job: JobRecord) -> None:
        started.set()
        release.wait(timeout=30)

    runner = JobRunner(store, {"page": stuck}, max_run=timedelta(seconds=100))
    with store.unit_of_work() as uow:
        jobs.schedule(uow, kind="page", key="page:stuck")
    worker = threading.Thread(target=runner.run_due)
    worker.start()
    try:
        assert started.wait(timeout=10)
        clock.advance(timedelta(seconds=90))
        assert runner.heartbeat() == 1
        clock.advance(timedelta(seconds=5))
        assert runner.heartbeat() == 1  # leased until 105 s
        clock.advance(timedelta(seconds=6))
        assert runner.heartbeat() == 0  # stuck: no more renewals, another claim will come
        with store.unit_of_work() as uow:
            assert jobs.claim(uow, kinds=["page"], lease=LEASE) == []  # leased till +10 s
        clock.advance(LEASE)
        with store.unit_of_work() as uow:
            assert [j.attempts for j in jobs.claim(uow, kinds=["page"], lease=LEASE)] == [1]
    finally:
        release.set()
        worker.join(timeout=10)
