"""Durable jobs: work that must happen later or in another process, and survive a restart.

A job is scheduled once per `key` (scheduling again returns the first one), claimed with a
lease (its `run_at` moves forward, so no second worker takes it meanwhile; the worker renews
the lease while the job runs, and if the worker dies the job comes back when the lease runs
out), then marked done, retried or failed. Every claim counts as an attempt, so a job whose
worker keeps dying on it can be told apart (and quarantined by the runner) from a slow one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from crm_store.errors import InvalidValue
from crm_store.models import Job
from crm_store.types import JobStatus
from crm_store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    status: JobStatus
    run_at: datetime
    attempts: int
    last_error: str | None


# What runs a job of one kind (the runner calls it with the claimed job; raising retries it).
Handler = Callable[[JobRecord], None]
# Called once when a job of its kind is quarantined, with the error kept on the job; it runs
# before the job is marked failed, so it must be idempotent (a worker may die during it).
OnQuarantine = Callable[[JobRecord, str], None]


class Postpone(Exception):
    """Raised by a handler to run its job later instead (e.g. it came due in quiet hours)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


def schedule(
    uow: UnitOfWork,
    *,
    kind: str,
    key: str,
    run_at: datetime | None = None,
    payload: dict[str, Any] | None = None,
) -> JobRecord:
    """Schedule `kind` at `run_at` (default now), once per `key`."""
    if uow.session.scalar(sa.select(Job.id).where(Job.key == key)) is not None:
        return _record(uow.session.scalars(sa.select(Job).where(Job.key == key)).one())
    now = uow.now()
    row = Job(
        kind=kind,
        key=key,
        payload=dict(payload or {}),
        status=JobStatus.PENDING,
        run_at=run_at or now,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.flush()
    return _record(row)


def schedule_new(
    uow: UnitOfWork, *, kind: str, key: str, payload: dict[str, Any], run_at: datetime | None = None
) -> bool:
    """`schedule` in one statement (INSERT ... ON CONFLICT DO NOTHING), for hot paths such as
    a webhook; returns False when a job with `key` already exists."""
    now = uow.now()
    values = {
        "kind": kind,
        "key": key,
        "payload": payload,
        "status": JobStatus.PENDING,
        "run_at": run_at or now,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Job).values(**values).on_conflict_do_nothing(index_elements=["key"])
    result = uow.session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


def claim(
    uow: UnitOfWork,
    *,
    kinds: Iterable[str],
    lease: timedelta,
    limit: int = 20,
    exclude: Collection[int] = (),
) -> list[JobRecord]:
    """Take due pending jobs of `kinds`, oldest due first, hidden from others for `lease`.

    The records are as before the claim (`attempts` counts the earlier claims). `exclude`:
    jobs the caller is running itself, never taken twice even if their lease ran out."""
    now = uow.now()
    query = (
        sa.select(Job)
        .where(Job.status == JobStatus.PENDING, Job.run_at <= now, Job.kind.in_(list(kinds)))
        .order_by(Job.run_at, Job.id)
        .limit(limit)
    )
    if exclude:
        query = query.where(Job.id.not_in(list(exclude)))
    if uow.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for row in uow.session.scalars(query):
        claimed.append(_record(row))
        row.run_at = now + lease
        row.attempts += 1
    uow.flush()
    return claimed


def renew(uow: UnitOfWork, *, job_ids: Collection[int], lease: timedelta) -> int:
    """Extend the lease of running jobs to `lease` from now, in one statement (the runner's
    heartbeat); finished jobs are left alone. Returns how many were renewed."""
    if not job_ids:
        return 0
    statement = (
        sa.update(Job)
        .where(Job.id.in_(list(job_ids)), Job.status == JobStatus.PENDING)
        .values(run_at=uow.now() + lease)
    )
    result = uow.session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


class Superseded(Exception):
    """Another run of this job finished it first (a worker that stalled past its lease):
    whatever this run was about to commit must not take effect."""


def finish(uow: UnitOfWork, *, job_id: int) -> None:
    """Mark a pending job done as part of the unit of work that does its effect (a reply),
    fenced: if another run already finished it, raise `Superseded` so that the caller's
    transaction rolls back. One conditional UPDATE, so on PostgreSQL a concurrent finisher
    waits for the first and then matches no row."""
    done = uow.session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.PENDING)
        .values(status=JobStatus.DONE, updated_at=uow.now())
        .execution_options(synchronize_session=False)
    )
    if not getattr(done, "rowcount", 0):
        raise Superseded(f"job {job_id} was already finished by another run")


def complete(uow: UnitOfWork, *, job_id: int) -> None:
    row = uow.get(Job, job_id, "job")
    if row.status is JobStatus.PENDING:
        row.status = JobStatus.DONE
        row.updated_at = uow.now()


def fail(uow: UnitOfWork, *, job_id: int, error: str, retry_at: datetime | None) -> None:
    """Record a failed attempt: retried at `retry_at`, or failed for good when it is None."""
    row = uow.get(Job, job_id, "job")
    row.last_error = error[:500]
    row.updated_at = uow.now()
    if retry_at is None:
        row.status = JobStatus.FAILED
    else:
        row.run_at = retry_at


def cancel(uow: UnitOfWork, *, key_prefix: str, keep_prefix: str | None = None) -> int:
    """Cancel the pending jobs whose key starts with `key_prefix` (but not `keep_prefix`);
    returns how many."""
    query = sa.select(Job).where(Job.status == JobStatus.PENDING, Job.key.startswith(key_prefix))
    if keep_prefix is not None:
        query = query.where(sa.not_(Job.key.startswith(keep_prefix)))
    rows = uow.session.scalars(query).all()
    for row in rows:
        row.status = JobStatus.CANCELLED
        row.updated_at = uow.now()
    return len(rows)


def postpone(uow: UnitOfWork, *, job_id: int, run_at: datetime) -> None:
    """Run a claimed job later instead (not a failure: e.g. it came due in quiet hours), so
    this claim does not count as an attempt."""
    row = uow.get(Job, job_id, "job")
    row.run_at = run_at
    row.attempts = max(row.attempts - 1, 0)
    row.updated_at = uow.now()


@dataclass(frozen=True, slots=True)
class FailedJob:
    """A job given up on, as an operator sees it: no payload (it may hold a shopper's text
    and phone number)."""

    id: int
    kind: str
    attempts: int
    failed_at: datetime
    last_error: str | None


def failed(uow: UnitOfWork, *, limit: int = 100) -> list[FailedJob]:
    """Failed (quarantined) jobs, the most recent first."""
    query = (
        sa.select(Job)
        .where(Job.status == JobStatus.FAILED)
        .order_by(Job.updated_at.desc(), Job.id.desc())
        .limit(limit)
    )
    return [
        FailedJob(row.id, row.kind, row.attempts, row.updated_at, row.last_error)
        for row in uow.session.scalars(query)
    ]


def retry(uow: UnitOfWork, *, job_id: int) -> JobRecord:
    """Put a failed job back: pending, due now, its attempts reset (its last error stays
    until it runs). `NotFound` for an unknown id, `InvalidValue` for a job that is not
    failed."""
    row = uow.get(Job, job_id, "job")
    if row.status is not JobStatus.FAILED:
        raise InvalidValue("job", job_id, f"a failed job (this one is {row.status.value})")
    now = uow.now()
    row.status = JobStatus.PENDING
    row.attempts = 0
    row.run_at = now
    row.updated_at = now
    uow.flush()
    return _record(row)


def get(uow: UnitOfWork, *, key: str) -> JobRecord | None:
    row = uow.session.scalar(sa.select(Job).where(Job.key == key))
    return None if row is None else _record(row)


def pending_with_keys(uow: UnitOfWork, *, keys: Iterable[str]) -> list[JobRecord]:
    """The pending jobs among `keys` (one query), in the order they were scheduled."""
    wanted = list(keys)
    if not wanted:
        return []
    query = sa.select(Job).where(Job.status == JobStatus.PENDING, Job.key.in_(wanted))
    return [_record(row) for row in uow.session.scalars(query.order_by(Job.id))]


def pending(uow: UnitOfWork, *, kinds: Iterable[str] | None = None) -> list[JobRecord]:
    """Pending jobs (due or not), soonest first."""
    query = sa.select(Job).where(Job.status == JobStatus.PENDING)
    if kinds is not None:
        query = query.where(Job.kind.in_(list(kinds)))
    return [_record(row) for row in uow.session.scalars(query.order_by(Job.run_at, Job.id))]


def count(uow: UnitOfWork, *, kinds: Iterable[str]) -> int:
    """Every job of `kinds` ever scheduled, whatever its status."""
    return (
        uow.session.scalar(sa.select(sa.func.count(Job.id)).where(Job.kind.in_(list(kinds)))) or 0
    )


def handled(uow: UnitOfWork, *, kinds: Iterable[str]) -> list[JobRecord]:
    """Jobs of `kinds` that are no longer pending (done, failed or cancelled), oldest first."""
    query = sa.select(Job).where(Job.status != JobStatus.PENDING, Job.kind.in_(list(kinds)))
    return [_record(row) for row in uow.session.scalars(query.order_by(Job.id))]


def next_due(uow: UnitOfWork, *, kinds: Iterable[str]) -> datetime | None:
    """When the soonest pending job of `kinds` is due (None when there is none)."""
    return uow.session.scalar(
        sa.select(sa.func.min(Job.run_at)).where(
            Job.status == JobStatus.PENDING, Job.kind.in_(list(kinds))
        )
    )


def _record(row: Job) -> JobRecord:
    return JobRecord(
        row.id,
        row.kind,
        row.key,
        dict(row.payload),
        row.status,
        row.run_at,
        row.attempts,
        row.last_error,
    )
