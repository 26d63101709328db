"""`nightshift conversations`: a conversation saved as a QA scenario, and the conversations CSV.

`scenario PUBLIC_ID -o FILE.yaml` writes what the console's "Save as QA scenario" writes
(evals/export.py), ready for `nightshift eval FILE.yaml`; `csv --dealership SLUG --since DATE
--until DATE` writes one row per conversation started on those days (console/conversations_csv.py).
(`nightshift eval PATH...` takes scenario paths, so these live beside it, not under it.)
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from crm_store.db import Store
from crm_store.errors import NotFound

app = typer.Typer(
    help="Conversations: save one as a QA scenario, export a period as CSV.",
    no_args_is_help=True,
)


@app.command("scenario")
def scenario(
    public_id: Annotated[str, typer.Argument(help="The conversation's public id")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write the scenario here [default: stdout]"),
    ] = None,
) -> None:
    """Write a conversation as a QA scenario (../shared/EVAL_FORMAT.md): the dealership's
    world, the shopper's turns and the observed end state, phones and e-mails replaced."""
    from evals.export import ExportError, export_scenario

    store = _store()
    try:
        text = export_scenario(store, public_id)
    except (NotFound, ExportError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    finally:
        store.dispose()
    _write(text, output)


@app.command("csv")
def conversations_csv(
    dealership: Annotated[str, typer.Option(help="The dealership's slug")],
    since: Annotated[
        datetime, typer.Option(formats=["%Y-%m-%d"], help="First day (dealership-local)")
    ],
    until: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="Last day, included")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the CSV here [default: stdout]")
    ] = None,
) -> None:
    """One row per conversation the dealership started from SINCE to UNTIL (both days
    included, in the dealership's time zone)."""
    from console.conversations_csv import conversations_csv as render
    from crm_store import dealerships

    if until < since:
        typer.echo(f"--until {until:%Y-%m-%d}: expected a day on or after --since", err=True)
        raise typer.Exit(2)
    store = _store()
    try:
        with store.reading() as uow:
            try:
                dealer = dealerships.get_dealership(uow, slug=dealership)
            except NotFound as exc:
                typer.echo(f"--dealership: {exc}", err=True)
                raise typer.Exit(2) from None
            start, end = day_bounds(since.date(), until.date(), dealer.timezone)
            text = render(uow, dealership_id=dealer.id, start=start, end=end)
    finally:
        store.dispose()
    _write(text, output, newline="")


def day_bounds(first: date, last: date, timezone: str) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the dealership's time zone."""
    zone = ZoneInfo(timezone)
    return (
        datetime.combine(first, time(), tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time(), tzinfo=zone),
    )


def _write(text: str, output: Path | None, newline: str | None = None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    with output.open("w", encoding="utf-8", newline=newline) as file:
        file.write(text)
    typer.echo(f"wrote {output}", err=True)


def _store() -> Store:
    from nightshift.cli import load_settings

    return Store(load_settings().database_url)
