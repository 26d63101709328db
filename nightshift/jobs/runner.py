"""The job runner: runs durable jobs (crm_store.jobs) when they come due.

Assistant turns, reminders and handoff ack timeouts are all jobs, so a restart loses none:
a job is claimed with a short lease that a heartbeat renews while it runs, so a job claimed
by a worker that died comes back within seconds, and a slow, healthy one is never taken by a
second worker. A job that failed or whose worker died `max_attempts` times is quarantined:
marked failed for good (`nightshift jobs failed` lists it, `nightshift jobs retry` puts it
back) and handed to its kind's quarantine callback, so a person sees what it was about; a
poisonous message can thus never take the workers down again and again. The runner lives in
the web process by default (`make run`) or in its own process (`nightshift worker`), so
turns never slow down the webhooks that Twilio is waiting on.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from crm_store import jobs
from crm_store.db import Store
from crm_store.jobs import Handler, JobRecord, OnQuarantine, Postpone
from nightshift.infra import logs

log = logging.getLogger("nightshift.jobs")
RETRY = (timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5))
# A dead worker's job is claimable again within LEASE (+ a poll); a running job's lease is
# renewed every HEARTBEAT_SECONDS, so a live worker keeps it however long it takes (up to
# `max_run`), even if one renewal is late.
LEASE = timedelta(seconds=10)
HEARTBEAT_SECONDS = 3.0


class JobRunner:
    def __init__(
        self,
        store: Store,
        handlers: dict[str, Handler],
        *,
        lease: timedelta = LEASE,
        max_attempts: int = 3,
        on_quarantine: Mapping[str, OnQuarantine] | None = None,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        max_run: timedelta = timedelta(minutes=2),
        concurrency: int = 2,
        poll_seconds: float = 1.0,
        wakeup: threading.Event | None = None,
    ) -> None:
        """`max_attempts`: failures or worker deaths before a job is quarantined;
        `on_quarantine`: per kind, what a quarantined job leaves for a person (every
        quarantine is logged as `job_quarantined`); `max_run`: how long a job's lease is
        renewed at most (a job still running then is stuck, and let go); `wakeup`: set by
        whoever queues a job that is due now (created first, so both sides get it when built)."""
        self.store = store
        self.handlers = handlers
        self.lease = lease
        self.max_attempts = max_attempts
        self.on_quarantine = dict(on_quarantine or {})
        self.heartbeat_seconds = heartbeat_seconds
        self.max_run = max_run
        self.poll_seconds = poll_seconds
        self._running: dict[int, tuple[int, datetime]] = {}  # job id -> (run serial, start)
        self._running_lock = threading.Lock()
        self._serial = itertools.count(1)
        self._beat: threading.Thread | None = None
        self._beat_stop = threading.Event()
        self._slots = threading.BoundedSemaphore(concurrency)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="job")
        self._concurrency = concurrency
        self._wake = wakeup or threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """Look for due jobs now (a turn was queued), not at the next poll."""
        self._wake.set()

    def run_due(self) -> int:
        """Run every job due now, in this thread, until none is left (scenarios, tests, the
        clock moved forward); returns how many ran."""
        ran = 0
        while batch := self._claim(20):
            for job in batch:
                self._run(job)
                ran += 1
        return ran

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
        self._thread.start()
        self._beat = threading.Thread(target=self._heartbeats, name="jobs-heartbeat", daemon=True)
        self._beat.start()

    def stop(self) -> None:
        """Stop claiming; wait for running jobs (their work is recorded before we close)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._beat_stop.set()  # only now: the last jobs kept their leases until they ended
        if self._beat is not None:
            self._beat.join(timeout=30)

    def heartbeat(self) -> int:
        """Renew the lease of every job this runner is running, with one UPDATE in its own
        unit of work; returns how many were renewed. A job running longer than `max_run` is
        stuck: it is no longer renewed, so it comes back (as another attempt) when its lease
        runs out."""
        now = self.store.clock.now()
        with self._running_lock:  # a job's final write waits: a renewal never undoes it
            for job_id, (_, started) in list(self._running.items()):
                if now - started > self.max_run:
                    del self._running[job_id]
                    logs.event(log, "job_overran", level=logging.WARNING, job=job_id)
            if not self._running:
                return 0
            with self.store.unit_of_work() as uow:
                return jobs.renew(uow, job_ids=list(self._running), lease=self.lease)

    def _heartbeats(self) -> None:
        while not self._beat_stop.wait(self.heartbeat_seconds):
            try:
                self.heartbeat()
            except Exception:
                log.exception("job_heartbeat_failed")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                started = self._fill()
            except Exception:
                log.exception("job_loop_failed")
                started = 0
            if not started:
                self._wake.wait(timeout=self.poll_seconds)
                self._wake.clear()

    def _fill(self) -> int:
        """Claim as many due jobs as there are free workers and start them."""
        free = 0
        while free < self._concurrency and self._slots.acquire(blocking=free == 0):
            free += 1
        try:
            batch = self._claim(free)
        except Exception:
            for _ in range(free):
                self._slots.release()
            raise
        for _ in range(free - len(batch)):
            self._slots.release()
        for job in batch:
            self._pool.submit(self._run_released, job)
        return len(batch)

    def _claim(self, limit: int) -> list[JobRecord]:
        with self._running_lock:
            mine = list(self._running)
        with self.store.unit_of_work() as uow:
            return jobs.claim(uow, kinds=self.handlers, lease=self.lease, limit=limit, exclude=mine)

    def _run_released(self, job: JobRecord) -> None:
        try:
            self._run(job)
        finally:
            self._slots.release()
            self._wake.set()

    def _run(self, job: JobRecord) -> None:
        serial = self._begin(job.id)
        try:
            self._attempt(job, serial)
        finally:
            self._end(job.id, serial)

    def _attempt(self, job: JobRecord, serial: int) -> None:
        if job.attempts >= self.max_attempts:  # claimed that often, never finished: it kills
            # workers. Past that, a worker died during the quarantine itself: no callback then
            # (it may be what kills), only the failed mark.
            callback = job.attempts <= self.max_attempts
            self._quarantine(job, serial, _died(job), callback=callback)
            return
        try:
            self.handlers[job.kind](job)
        except jobs.Superseded:  # another run finished it: nothing to record, nothing to retry
            self._end(job.id, serial)
            logs.event(log, "job_superseded", job=job.id, kind=job.kind)
            return
        except Postpone as later:
            self._end(job.id, serial)
            with self.store.unit_of_work() as uow:
                jobs.postpone(uow, job_id=job.id, run_at=later.until)
            return
        except Exception as exc:
            log.exception("job_failed job=%s kind=%s", job.id, job.kind)
            attempt, error = job.attempts + 1, logs.mask(repr(exc))
            if attempt >= self.max_attempts:
                self._quarantine(job, serial, error, callback=True)
                return
            self._end(job.id, serial)
            retry_at = self.store.clock.now() + RETRY[min(attempt - 1, len(RETRY) - 1)]
            with self.store.unit_of_work() as uow:
                jobs.fail(uow, job_id=job.id, error=error, retry_at=retry_at)
            logs.event(log, "job_retry", job=job.id, kind=job.kind, attempt=attempt)
            return
        self._end(job.id, serial)
        with self.store.unit_of_work() as uow:
            jobs.complete(uow, job_id=job.id)

    def _quarantine(self, job: JobRecord, serial: int, error: str, *, callback: bool) -> None:
        """Give up on `job` for good: its kind's callback first (so a person sees what it
        was about; a failure there is logged, never retried), then failed with `error`."""
        on_quarantine = self.on_quarantine.get(job.kind) if callback else None
        if on_quarantine is not None:
            try:
                on_quarantine(job, error)
            except Exception:
                log.exception("job_quarantine_callback_failed job=%s kind=%s", job.id, job.kind)
        self._end(job.id, serial)
        with self.store.unit_of_work() as uow:
            jobs.fail(uow, job_id=job.id, error=error, retry_at=None)
        logs.event(
            log,
            "job_quarantined",
            level=logging.WARNING,
            job=job.id,
            kind=job.kind,
            attempts=job.attempts + 1,
            error=error[:200],
        )
        self._wake.set()  # e.g. the routing of the handoff it raised is due now

    def _begin(self, job_id: int) -> int:
        serial = next(self._serial)
        with self._running_lock:
            self._running[job_id] = (serial, self.store.clock.now())
        return serial

    def _end(self, job_id: int, serial: int) -> None:
        """This run of `job_id` holds its lease no more (before its final write, so no
        heartbeat renews the lease over the retry time or postponement written next)."""
        with self._running_lock:
            entry = self._running.get(job_id)
            if entry is not None and entry[0] == serial:
                del self._running[job_id]


def _died(job: JobRecord) -> str:
    if job.last_error is None:
        return f"worker died {job.attempts} times while running this job"
    return (
        f"worker died while running this job (claimed {job.attempts} times); "
        f"last error: {job.last_error}"
    )
