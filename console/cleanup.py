"""The console's daily cleanup: used or expired sign-in links and ended sessions (expired,
signed out, idled out) are deleted once they have been over for `sign_in_retention`
(30 days by default). A link that can still be redeemed and a live session are never
deleted; the audit log keeps its entries (they name a session by id, not by reference).

It is a durable job (`crm_store.jobs`), one per UTC day keyed by the day, so several
workers schedule and run it once between them and a restart loses none: the composition
root calls `schedule_next` when its worker starts, and each run schedules the next day's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from console.config import ConsoleConfig
from crm_store import jobs, sign_in, staff_sessions
from crm_store.db import Store
from crm_store.jobs import Handler, JobRecord

CLEANUP_JOB = "console_sign_in_cleanup"
RUN_AT = time(3, 0)  # UTC: night in the Americas, before the first shift anywhere there

log = logging.getLogger("nightshift.console")


@dataclass(frozen=True, slots=True)
class Purged:
    links: int
    sessions: int


class SignInCleanup:
    def __init__(self, store: Store, config: ConsoleConfig) -> None:
        self.store = store
        self.config = config

    def handlers(self) -> dict[str, Handler]:
        return {CLEANUP_JOB: self.run_job}

    def run(self) -> Purged:
        """Delete what has been over for longer than the retention; how many of each."""
        with self.store.unit_of_work() as uow:
            before = uow.now() - self.config.sign_in_retention
            links = sign_in.purge_links(uow, done_before=before)
            sessions = staff_sessions.purge(uow, ended_before=before, idle=self.config.session_idle)
        log.info("console_cleanup links=%d sessions=%d", links, sessions)
        return Purged(links=links, sessions=sessions)

    def run_job(self, job: JobRecord) -> None:
        self.run()
        self.schedule_next()

    def schedule_next(self) -> datetime:
        """Schedule the next run (the coming RUN_AT, UTC), once; when it will run."""
        with self.store.unit_of_work() as uow:
            now = uow.now().astimezone(UTC)
            at = datetime.combine(now.date(), RUN_AT, tzinfo=UTC)
            if at <= now:
                at += timedelta(days=1)
            found = jobs.schedule(
                uow, kind=CLEANUP_JOB, key=f"{CLEANUP_JOB}:{at.date()}", run_at=at
            )
        return found.run_at
