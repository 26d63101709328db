"""`nightshift api-token create | list | revoke`: per-dealership API tokens for staff tools
and integrations. The token is printed once, at creation; only its hash is stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from crm_store.uow import UnitOfWork

app = typer.Typer(help="API tokens for staff routes and integrations.", no_args_is_help=True)

Dealership = Annotated[str, typer.Option("--dealership", help="the dealership's slug")]


@app.command("create")
def create(
    dealership: Dealership,
    name: Annotated[
        str | None, typer.Option(help="who or what uses it [default: the staff handle]")
    ] = None,
    staff: Annotated[
        str | None,
        typer.Option(help="act as this staff member (handle); without it: an integration"),
    ] = None,
) -> None:
    """Create a token and print it once (store it in a password manager or secret store)."""
    from crm_store import api_tokens
    from crm_store import staff as staff_store

    if staff is None and not name:
        _fail("--name: required for an integration token (or give --staff HANDLE)")
    with _unit_of_work(dealership) as (uow, dealer_id):
        member = (
            staff_store.find_staff(uow, dealership_id=dealer_id, handle=staff) if staff else None
        )
        record, token = api_tokens.create_token(
            uow,
            dealership_id=dealer_id,
            name=name or (member.handle if member else ""),
            staff_id=member.id if member else None,
        )
    acts = f"staff member {record.staff_handle} ({record.role})" if member else "an integration"
    typer.echo(f"token {record.id} for {dealership}, acting as {acts}:", err=True)
    typer.echo(token)
    typer.echo("It is shown only now. Send it as: Authorization: Bearer TOKEN", err=True)


@app.command("list")
def list_tokens(dealership: Dealership) -> None:
    """The dealership's tokens (never the tokens themselves: their first characters)."""
    from crm_store import api_tokens

    with _unit_of_work(dealership) as (uow, dealer_id):
        rows = api_tokens.list_tokens(uow, dealership_id=dealer_id)
    for r in rows:
        state = f"revoked {r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "active"
        used = f"{r.last_used_at:%Y-%m-%d %H:%M}" if r.last_used_at else "never"
        acts = f"staff {r.staff_handle} ({r.role})" if r.staff_id else "integration"
        typer.echo(f"{r.id}\t{r.prefix}…\t{r.name}\t{acts}\t{state}\tlast used {used}")


@app.command("revoke")
def revoke(
    dealership: Dealership, token_id: Annotated[int, typer.Argument(help="the token's id")]
) -> None:
    """Revoke a token at once: requests with it get 401 from then on."""
    from crm_store import api_tokens

    with _unit_of_work(dealership) as (uow, dealer_id):
        record = api_tokens.revoke(uow, dealership_id=dealer_id, token_id=token_id)
    typer.echo(f"token {record.id} ({record.name}) revoked")


@contextmanager
def _unit_of_work(slug: str) -> Iterator[tuple[UnitOfWork, int]]:
    """A unit of work and the dealership's id; a store error exits 2 with its message."""
    from crm_store import dealerships
    from crm_store.db import Store
    from crm_store.errors import StoreError
    from nightshift.cli import load_settings

    store = Store(load_settings().database_url)
    try:
        with store.unit_of_work() as uow:
            yield uow, dealerships.get_dealership(uow, slug=slug).id
    except StoreError as exc:
        _fail(str(exc))
    finally:
        store.dispose()


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(2)
