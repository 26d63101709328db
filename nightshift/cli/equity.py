"""`nightshift equity report --dealership SLUG [--json] [--as-of DATE]`: the dealership's
customers whose vehicles raise an equity or lifecycle flag, one line each with the numbers
(`signals.equity_report`), or JSON. The day is the dealership's today unless `--as-of`
gives one. It prints names for the operator; nothing of it is logged.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from nightshift.cli.imports import dealership_work
from signals import alerting
from signals.equity_report import flagged_owners

app = typer.Typer(help="Equity and lifecycle flags.", no_args_is_help=True)


@app.command("report")
def report(
    dealership: Annotated[str, typer.Option("--dealership", help="The dealership's slug")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, one object each")] = False,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="The day [default: today]"),
    ] = None,
) -> None:
    """List the flagged customers and their numbers (equity, lease, loan, warranty, miles)."""
    with dealership_work(dealership) as (uow, dealer):
        today: date = (
            as_of.date() if as_of else uow.now().astimezone(ZoneInfo(dealer.timezone)).date()
        )
        rules = alerting.load(uow, dealership_id=dealer.id).config  # `signals: {lifecycle: ...}`
        found = flagged_owners(uow, dealership_id=dealer.id, today=today, config=rules.lifecycle)
    if as_json:
        typer.echo(json.dumps([f.as_json() for f in found], indent=2, ensure_ascii=False))
    elif not found:
        typer.echo(f"no flagged customers at {dealer.name} on {today.isoformat()}")
    else:
        typer.echo("\n".join(f.line() for f in found))
