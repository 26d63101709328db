"""`nightshift jobs`: the quarantined jobs an operator looks at, and putting one back.

Listings show what a job is and why it failed, never what it carries: no payload (a
shopper's text, a phone number), and errors with phone numbers and e-mails masked.
"""

from __future__ import annotations

from datetime import UTC
from typing import Annotated

import typer

from crm_store import jobs
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.jobs import FailedJob, JobRecord
from nightshift.infra import logs

app = typer.Typer(help="Durable jobs: the quarantined ones, retrying one.", no_args_is_help=True)
ERROR_CHARS = 160


def failed_lines(store: Store, *, limit: int = 50) -> list[str]:
    """One line per failed job, the most recent first: id, kind, attempts, when, error."""
    with store.reading() as uow:
        found = jobs.failed(uow, limit=limit)
    return [_line(job) for job in found]


def retry_job(store: Store, job_id: int) -> JobRecord:
    """Put failed job `job_id` back to pending, attempts reset, due now (a running worker
    takes it at its next poll). `NotFound` / `InvalidValue` name the id when it cannot."""
    with store.unit_of_work() as uow:
        return jobs.retry(uow, job_id=job_id)


def _line(job: FailedJob) -> str:
    error = logs.mask(" ".join((job.last_error or "(no error recorded)").split()))
    if len(error) > ERROR_CHARS:
        error = error[: ERROR_CHARS - 3] + "..."
    when = job.failed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{job.id:>6}  {job.kind:<22} {job.attempts:>2}  {when}  {error}"


def _store() -> Store:
    from nightshift.cli import load_settings

    return Store(load_settings().database_url)


@app.command("failed")
def failed_command(
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many")] = 50,
) -> None:
    """List quarantined (failed) jobs: id, kind, attempts, when, last error."""
    store = _store()
    try:
        lines = failed_lines(store, limit=limit)
    finally:
        store.dispose()
    if not lines:
        typer.echo("no failed jobs")
        return
    typer.echo(f"{'id':>6}  {'kind':<22} {'n':>2}  {'failed at':<23}  last error")
    for line in lines:
        typer.echo(line)


@app.command("retry")
def retry_command(
    job_id: Annotated[int, typer.Argument(metavar="ID", help="A failed job's id (jobs failed)")],
) -> None:
    """Put a failed job back: pending, attempts reset, run at once."""
    store = _store()
    try:
        job = retry_job(store, job_id)
    except (NotFound, InvalidValue) as exc:
        typer.echo(f"jobs retry: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        store.dispose()
    typer.echo(f"job {job.id} ({job.kind}) is pending again and runs at the next poll")
