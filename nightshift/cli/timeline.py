"""`nightshift timeline PHONE|EMAIL`: a customer's timeline on the command line, the entries
the console's customer page shows (`console.timeline`), as text lines or JSON.

The operator runs it on the server, so it prints what the customer and staff wrote; the log
never holds it (nor the phone or e-mail asked for). A phone or e-mail that several
dealerships know asks for `--dealership`; an unknown one exits 1.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from console.timeline import MAX_PAGE, PAGE, Timeline, read_timeline
from crm_store.customer_timeline import find_customers
from crm_store.db import Store
from crm_store.errors import InvalidValue
from crm_store.phones import normalise_phone


def timeline_command(
    key: Annotated[str, typer.Argument(help="The customer's phone number or e-mail")],
    dealership: Annotated[
        str | None, typer.Option(help="The dealership's slug (when several know the customer)")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON, one object per entry")
    ] = False,
    limit: Annotated[
        int, typer.Option(min=1, max=MAX_PAGE, help="How many entries, newest first")
    ] = PAGE,
) -> None:
    """Print a customer's timeline, newest first: messages, notes, website activity
    (collapsed), alerts, handoffs, test drives and their outcomes, consent, service visits."""
    from nightshift.cli import load_settings

    store = Store(load_settings().database_url)
    try:
        with store.reading() as uow:
            found = find_customers(uow, dealership_slug=dealership, **_contact(key))
            if not found:
                where = f" in dealership {dealership!r}" if dealership else ""
                typer.echo(f"no customer with {_kind(key)} {key!r}{where}", err=True)
                raise typer.Exit(1)
            slugs = sorted({m.dealership_slug for m in found})
            if len(slugs) > 1:
                typer.echo(
                    f"{_kind(key)} {key!r} is a customer of several dealerships "
                    f"({', '.join(slugs)}): give --dealership SLUG",
                    err=True,
                )
                raise typer.Exit(2)
            shown = read_timeline(uow, customer_id=found[0].customer_id, limit=limit)
    finally:
        store.dispose()
    typer.echo(as_json_text(shown) if as_json else as_text(shown))


def as_text(shown: Timeline) -> str:
    """A header line, then one line per entry (a message's or note's words indented below)."""
    card = shown.customer
    contact = " · ".join(p for p in (card.phone, card.email) if p)
    lines = [f"{card.name}" + (f" ({contact})" if contact else "") + f" at {card.dealership}"]
    for e in shown.entries:
        meta = f" [{e.meta}]" if e.meta else ""
        lines.append(f"{e.at:%Y-%m-%d %H:%M} {e.kind:<13} {e.title}{meta}")
        if e.text:
            lines.extend(f"    {line}" for line in e.text.splitlines())
    if shown.more_before is not None:
        lines.append(f"(older entries left out: --limit, up to {MAX_PAGE}, shows more)")
    return "\n".join(lines)


def as_json_text(shown: Timeline) -> str:
    return json.dumps([e.as_json() for e in shown.entries], indent=2, ensure_ascii=False)


def _contact(key: str) -> dict[str, str]:
    if "@" in key:
        return {"email": key.strip()}
    try:
        return {"phone": normalise_phone(key)}
    except InvalidValue:
        typer.echo(f"{key!r}: expected a phone number or an e-mail address", err=True)
        raise typer.Exit(2) from None


def _kind(key: str) -> str:
    return "e-mail" if "@" in key else "phone"
