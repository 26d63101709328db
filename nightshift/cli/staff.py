"""`nightshift staff invite | login-link`: a one-time link into the staff console.

The link is printed on stdout (and e-mailed when SMTP is configured); what it is for and
until when goes to stderr, so `make run` can show a manager's link the way Jupyter shows its
token URL, with no default password anywhere. A refusal (no such e-mail, an inactive or
shared address, no manager with an e-mail) says why on stderr and exits 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from crm_store.db import Store
    from crm_store.records import DealershipRecord
    from crm_store.types import LinkPurpose

app = typer.Typer(help="Staff console sign-in links.", no_args_is_help=True)

Email = Annotated[
    str | None, typer.Argument(help="the staff member's e-mail (or give --role instead)")
]
DealershipOption = Annotated[
    str | None,
    typer.Option("--dealership", help="the dealership's slug [default: the only one]"),
]
RoleOption = Annotated[
    str | None,
    typer.Option(help="instead of an e-mail: the dealership's first active staff of this role"),
]


@app.command("invite")
def invite(
    email: Email = None, dealership: DealershipOption = None, role: RoleOption = None
) -> None:
    """Print a first-sign-in link, valid for 7 days (e-mailed too when SMTP is set)."""
    from crm_store.types import LinkPurpose

    _issue(LinkPurpose.INVITE, email, dealership, role)


@app.command("login-link")
def login_link(
    email: Email = None, dealership: DealershipOption = None, role: RoleOption = None
) -> None:
    """Print a sign-in link, valid for 15 minutes (e-mailed too when SMTP is set)."""
    from crm_store.types import LinkPurpose

    _issue(LinkPurpose.LOGIN, email, dealership, role)


def _issue(purpose: LinkPurpose, email: str | None, slug: str | None, role: str | None) -> None:
    from console.accounts import Accounts
    from console.config import ConsoleConfig
    from console.passwords import Passwords
    from console.sign_in_mail import sign_in_message
    from crm_store.db import Store
    from crm_store.errors import StoreError
    from nightshift.cli import load_settings
    from nightshift.infra.mail import build_mailer

    if (email is None) == (role is None):
        _fail("give the staff member's EMAIL, or --role ROLE (not both)")
    settings = load_settings()
    store = Store(settings.database_url)
    try:
        dealer = _dealership(store, slug)
        address = email if email is not None else _email_of_first(store, dealer, str(role))
        accounts = Accounts(store, ConsoleConfig(settings.public_base_url), Passwords())
        asked = accounts.request_link(dealership_id=dealer.id, email=address, purpose=purpose)
    except StoreError as exc:
        _fail(str(exc))
    finally:
        store.dispose()
    link = asked.link
    if link is None:
        _fail(f"no link for {address} at {dealer.slug}: {asked.refused}")
    member = link.staff
    typer.echo(f"Sign-in link for {member.name} ({member.role.value}), {dealer.name}:", err=True)
    typer.echo(link.url)
    again = f"nightshift staff login-link {address} --dealership {dealer.slug}"
    typer.echo(
        f"It works once, until {link.expires_at:%Y-%m-%d %H:%M %Z}. A new one: {again}", err=True
    )
    if settings.smtp.host:
        message = sign_in_message(link, dealership=dealer.name, mail_from=settings.mail_from)
        build_mailer(settings).send(message)
        typer.echo(f"E-mailed to {member.email}.", err=True)


def _dealership(store: Store, slug: str | None) -> DealershipRecord:
    from crm_store import dealerships

    with store.reading() as uow:
        if slug is not None:
            return dealerships.get_dealership(uow, slug=slug)
        listed = dealerships.list_dealerships(uow)
    if len(listed) != 1:
        names = ", ".join(d.slug for d in listed) or "none (run nightshift load-world)"
        _fail(f"--dealership: give one of the dealerships' slugs: {names}")
    return listed[0]


def _email_of_first(store: Store, dealer: DealershipRecord, role: str) -> str:
    from crm_store import staff
    from crm_store.types import Role

    if role not in {r.value for r in Role}:
        _fail(f"--role: {role!r} is not a staff role; one of {', '.join(r.value for r in Role)}")
    with store.reading() as uow:
        members = staff.list_staff(uow, dealership_id=dealer.id, role=Role(role))
    found = next((m.email for m in members if m.email), None)
    if found is None:
        _fail(f"--role: {dealer.slug} has no active {role} with an e-mail")
    return found


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)
