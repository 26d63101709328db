"""`nightshift outreach start KIND --dealership SLUG [--message TEXT] [--phones CSV]` starts a
campaign (`signals.outreach_campaign`): every customer of its audience gets an attempt,
queued at its send time or suppressed with its reason; the worker sends them when due.
`nightshift outreach report CAMPAIGN_ID` prints its attempts counted by status and reason.
Counts only: no phone or name is printed or logged.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer

from crm_store import outreach
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.outreach import CampaignKind
from crm_store.phones import normalise_phone
from nightshift.cli.imports import dealership_work
from signals.outreach_campaign import start_campaign

app = typer.Typer(
    help="Proactive outreach by SMS: campaigns and their report.", no_args_is_help=True
)


@app.command("start")
def start(
    kind: Annotated[CampaignKind, typer.Argument(help="Who to text: the campaign's audience")],
    dealership: Annotated[str, typer.Option("--dealership", help="The dealership's slug")],
    message: Annotated[
        str | None, typer.Option("--message", help="The text [default: the kind's own]")
    ] = None,
    phones: Annotated[
        Path | None, typer.Option("--phones", help="custom: a CSV with a `phone` column")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The campaign's name")] = None,
    by: Annotated[str, typer.Option("--by", help="Who started it (for the record)")] = "cli",
) -> None:
    """Start a campaign: texts only customers with SMS consent, in their 08:00-21:00."""
    if (kind is CampaignKind.CUSTOM) != (phones is not None):
        typer.echo("--phones: give a CSV of phones for a custom campaign, and only then", err=True)
        raise typer.Exit(2)
    listed = _phones(phones) if phones is not None else []
    with dealership_work(dealership) as (uow, dealer):
        try:
            started = start_campaign(
                uow,
                dealer=dealer,
                kind=kind,
                created_by=by,
                message=message,
                name=name,
                phones=listed,
            )
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
    suppressed = sum(started.suppressed.values())
    typer.echo(
        f"campaign {started.campaign.id}: {started.queued} queued "
        f"({started.deferred} after quiet hours), {suppressed} suppressed"
        + "".join(f", {reason.value} {n}" for reason, n in sorted(started.suppressed.items()))
    )


@app.command("report")
def report(campaign_id: Annotated[int, typer.Argument(help="The campaign's id")]) -> None:
    """The campaign's attempts counted by status and reason."""
    from nightshift.cli import load_settings

    store = Store(load_settings().database_url)
    try:
        with store.reading() as uow:
            try:
                campaign = outreach.get_campaign(uow, campaign_id=campaign_id)
            except NotFound as exc:
                typer.echo(f"CAMPAIGN_ID: {exc}", err=True)
                raise typer.Exit(2) from None
            found = outreach.counts(uow, campaign_id=campaign_id)
    finally:
        store.dispose()
    typer.echo(f"campaign {campaign.id} ({campaign.kind.value}): {campaign.name}")
    for (status, reason), n in sorted(found.items()):
        typer.echo(f"  {status:<10} {reason or '-':<12} {n}")
    typer.echo(f"  {'total':<23} {sum(found.values())}")


def _phones(file: Path) -> list[str]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"{file.name}: cannot read it ({exc}); expected a UTF-8 CSV file", err=True)
        raise typer.Exit(1) from None
    rows = csv.DictReader(io.StringIO(text))
    if "phone" not in (rows.fieldnames or []):
        got = rows.fieldnames
        typer.echo(f"{file.name}: line 1: expected a `phone` column, got {got}", err=True)
        raise typer.Exit(1)
    found = []
    for row in rows:
        try:
            found.append(normalise_phone(row["phone"] or ""))
        except InvalidValue as exc:
            typer.echo(f"{file.name}: line {rows.line_num}: {exc}", err=True)
            raise typer.Exit(1) from None
    return found
