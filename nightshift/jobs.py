"""The job runner: runs durable jobs (crm_store.jobs) when they come due.

Assistant turns, reminders and handoff ack timeouts are all jobs, so a restart loses none:
a job claimed by a worker that died comes back when its lease runs out. The runner lives in
the web process by default (`make run`) or in its own process (`nightshift worker`), so
turns never slow down the webhooks that Twilio is waiting on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from crm_store import jobs
from crm_store.db import Store
from crm_store.jobs import JobRecord
from nightshift import logs

log = logging.getLogger("nightshift.jobs")
Handler = Callable[[JobRecord], None]
RETRY = (timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5))
MAX_ATTEMPTS = 4


class Postpone(Exception):
    """Raised by a handler to run its job later instead (e.g. it came due in quiet hours)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


class JobRunner:
    def __init__(
        self,
        store: Store,
        handlers: dict[str, Handler],
        *,
        lease: timedelta,
        concurrency: int = 2,
        poll_seconds: float = 1.0,
    ) -> None:
        self.store = store
        self.handlers = handlers
        self.lease = lease
        self.poll_seconds = poll_seconds
        self._slots = threading.BoundedSemaphore(concurrency)
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="job")
        self._concurrency = concurrency
        self._wake = threading.Event()
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

    def stop(self) -> None:
        """Stop claiming; wait for running jobs (their work is recorded before we close)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._pool.shutdown(wait=True, cancel_futures=True)

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
        with self.store.unit_of_work() as uow:
            return jobs.claim(uow, kinds=self.handlers, lease=self.lease, limit=limit)

    def _run_released(self, job: JobRecord) -> None:
        try:
            self._run(job)
        finally:
            self._slots.release()
            self._wake.set()

    def _run(self, job: JobRecord) -> None:
        try:
            self.handlers[job.kind](job)
        except Postpone as later:
            with self.store.unit_of_work() as uow:
                jobs.postpone(uow, job_id=job.id, run_at=later.until)
            return
        except Exception as exc:
            log.exception("job_failed job=%s kind=%s", job.id, job.kind)
            attempt = job.attempts + 1
            retry_at = (
                None
                if attempt >= MAX_ATTEMPTS
                else self.store.clock.now() + RETRY[min(attempt - 1, len(RETRY) - 1)]
            )
            with self.store.unit_of_work() as uow:
                jobs.fail(uow, job_id=job.id, error=repr(exc), retry_at=retry_at)
            logs.event(log, "job_retry" if retry_at else "job_dead", job=job.id, kind=job.kind)
            return
        with self.store.unit_of_work() as uow:
            jobs.complete(uow, job_id=job.id)
