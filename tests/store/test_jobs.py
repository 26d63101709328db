"""Durable jobs on both databases: scheduled once per key, claimed with a lease, resumed
after a worker dies, retried, failed, cancelled."""

from __future__ import annotations

import threading
from datetime import timedelta

from contracts.clock import FrozenClock
from crm_store import jobs
from crm_store.db import Store
from crm_store.types import JobStatus

LEASE = timedelta(minutes=2)


def test_a_key_is_scheduled_once(store: Store) -> None:
    with store.unit_of_work() as uow:
        first = jobs.schedule(uow, kind="turn", key="turn:1", payload={"n": 1})
        again = jobs.schedule(uow, kind="turn", key="turn:1", payload={"n": 2})
    assert again.id == first.id and again.payload == {"n": 1}
    with store.reading() as uow:
        assert [j.key for j in jobs.pending(uow)] == ["turn:1"]


def test_only_due_jobs_of_the_asked_kinds_are_claimed(store: Store, clock: FrozenClock) -> None:
    with store.unit_of_work() as uow:
        jobs.schedule(uow, kind="turn", key="turn:1")
        jobs.schedule(uow, kind="reminder", key="reminder:1")
        jobs.schedule(uow, kind="turn", key="turn:later", run_at=clock.now() + timedelta(hours=1))
    with store.unit_of_work() as uow:
        assert [j.key for j in jobs.claim(uow, kinds=["turn"], lease=LEASE)] == ["turn:1"]
    with store.unit_of_work() as uow:
        assert jobs.claim(uow, kinds=["turn"], lease=LEASE) == []  # leased, the other not due
        assert jobs.next_due(uow, kinds=["turn"]) == clock.now() + LEASE
    clock.advance(timedelta(hours=1))
    with store.unit_of_work() as uow:
        keys = {j.key for j in jobs.claim(uow, kinds=["turn", "reminder"], lease=LEASE)}
    # the dead worker's turn:1 comes back once its lease has run out
    assert keys == {"turn:1", "reminder:1", "turn:later"}


def test_done_and_cancelled_jobs_never_come_back(store: Store, clock: FrozenClock) -> None:
    with store.unit_of_work() as uow:
        job = jobs.schedule(uow, kind="turn", key="turn:1")
        jobs.schedule(uow, kind="reminder", key="reminder:7:24h")
        jobs.schedule(uow, kind="reminder", key="reminder:7:2h")
        jobs.schedule(uow, kind="reminder", key="reminder:8:2h")
    with store.unit_of_work() as uow:
        jobs.claim(uow, kinds=["turn"], lease=LEASE)
        jobs.complete(uow, job_id=job.id)
        assert jobs.cancel(uow, key_prefix="reminder:7:") == 2
    clock.advance(timedelta(hours=1))
    with store.unit_of_work() as uow:
        assert [j.key for j in jobs.claim(uow, kinds=["turn", "reminder"], lease=LEASE)] == [
            "reminder:8:2h"
        ]
        status = {k: jobs.get(uow, key=k) for k in ("turn:1", "reminder:7:2h")}
    assert status["turn:1"] is not None and status["turn:1"].status is JobStatus.DONE
    assert status["reminder:7:2h"] is not None
    assert status["reminder:7:2h"].status is JobStatus.CANCELLED


def test_failures_retry_then_fail_for_good(store: Store, clock: FrozenClock) -> None:
    with store.unit_of_work() as uow:
        job = jobs.schedule(uow, kind="turn", key="turn:1")
    with store.unit_of_work() as uow:
        jobs.claim(uow, kinds=["turn"], lease=LEASE)
        jobs.fail(uow, job_id=job.id, error="boom", retry_at=clock.now() + timedelta(seconds=10))
    clock.advance(timedelta(seconds=10))
    with store.unit_of_work() as uow:
        (again,) = jobs.claim(uow, kinds=["turn"], lease=LEASE)
        assert again.attempts == 1 and again.last_error == "boom"
        jobs.fail(uow, job_id=job.id, error="boom again", retry_at=None)
    clock.advance(timedelta(days=1))
    with store.unit_of_work() as uow:
        assert jobs.claim(uow, kinds=["turn"], lease=LEASE) == []
        final = jobs.get(uow, key="turn:1")
    assert final is not None and final.status is JobStatus.FAILED and final.attempts == 2


def test_concurrent_workers_never_take_the_same_job(store: Store) -> None:
    with store.unit_of_work() as uow:
        for n in range(40):
            jobs.schedule(uow, kind="turn", key=f"turn:{n}")
    taken: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with store.unit_of_work() as uow:
                batch = jobs.claim(uow, kinds=["turn"], lease=LEASE, limit=3)
            if not batch:
                return
            with lock:
                taken.extend(j.key for j in batch)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(f"turn:{n}" for n in range(40))
