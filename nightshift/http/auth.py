"""Who may call which route: one rule per route, whatever the credential.

Every route declares its rule as a dependency made here: `public(reason)` (a page, the
widget, a webhook that checks its own signature, a calendar file by unguessable token,
health), `requires(*roles)` (a per-dealership API token acting as a staff member of one of
`roles`, or as an integration), or the signed handoff link (`nightshift.http.handoffs.signed`,
marked with `rule`). The rule is read back from the route table by a test, so a new route
without one fails. The staff console's sign-in sessions will be a second credential behind
`requires(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field

from crm_store import api_tokens, audit, staff
from crm_store.errors import InvalidValue
from crm_store.records import StaffRecord
from crm_store.types import Role
from crm_store.uow import UnitOfWork
from nightshift.http.deps import StoreDep

INTEGRATION = "integration"
ANY_STAFF = (*(r.value for r in Role), INTEGRATION)
MANAGERS = (Role.MANAGER.value, INTEGRATION)
ACCESS = "__nightshift_access__"
F = TypeVar("F", bound=Callable[..., Any])

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="api_token",
    description="A dealership API token: `nightshift api-token create --dealership SLUG`.",
)


class Unauthenticated(Exception):
    """No credential, or one that is not (or no longer) valid: 401."""


class Forbidden(Exception):
    """A valid credential that may not do this (role, or another dealership's data): 403."""


def rule(access: str) -> Callable[[F], F]:
    """Mark a dependency as a route's authorisation rule (read back by the route matrix)."""

    def mark(dependency: F) -> F:
        setattr(dependency, ACCESS, access)
        return dependency

    return mark


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a staff member or an integration of one dealership, and how."""

    dealership_id: int
    via: str  # "token" | "link"
    actor: str  # for the audit log: a name and handle, never a secret
    role: str  # a staff Role value, or "integration"
    staff_id: int | None = None
    token_id: int | None = None

    def require_dealership(self, dealership_id: int) -> None:
        if dealership_id != self.dealership_id:
            raise Forbidden("this credential belongs to another dealership")

    def audit(
        self, uow: UnitOfWork, action: str, target: str, detail: dict[str, Any] | None = None
    ) -> None:
        audit.record(
            uow,
            dealership_id=self.dealership_id,
            via=self.via,
            actor=self.actor,
            staff_id=self.staff_id,
            token_id=self.token_id,
            action=action,
            target=target,
            detail=detail,
        )


def public(reason: str) -> Callable[[], None]:
    """The rule of a route that is public on purpose; `reason` says why (and what guards it)."""

    @rule(f"public: {reason}")
    def anyone() -> None:
        return None

    return anyone


def requires(*roles: str) -> Callable[..., Principal]:
    """The rule of a route for staff of one of `roles` (or "integration") by API token."""
    allowed = frozenset(roles)

    @rule("token: " + ",".join(sorted(allowed)))
    def by_token(
        store: StoreDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise Unauthenticated("an API token is required (Authorization: Bearer TOKEN)")
        with store.reading() as uow:
            token = api_tokens.authenticate(uow, token=credentials.credentials)
        if token is None:
            raise Unauthenticated("this API token is not valid (unknown or revoked)")
        role = token.role.value if token.role is not None else INTEGRATION
        if role not in allowed:
            raise Forbidden(
                f"a {role} token may not do this; allowed: {', '.join(sorted(allowed))}"
            )
        stamped = token.last_used_at
        if stamped is None or store.clock.now() - stamped >= api_tokens.USE_STAMP:
            # a write unit of work only when the stamp is due (on SQLite it takes the write
            # lock), not on every authenticated request
            with store.unit_of_work() as uow:
                api_tokens.mark_used(uow, token_id=token.id)
        who = (
            f"{token.staff_name} ({token.staff_handle})"
            if token.staff_id is not None
            else f"integration {token.name!r}"
        )
        return Principal(
            dealership_id=token.dealership_id,
            via="token",
            actor=f"{who} via token {token.id}",
            role=role,
            staff_id=token.staff_id,
            token_id=token.id,
        )

    return by_token


def access_of(dependencies: Iterable[Any]) -> list[str]:
    """The rules found among a route's dependency callables (for the route matrix)."""
    return [getattr(d, ACCESS) for d in dependencies if hasattr(d, ACCESS)]


# Who acts, in a request body: an integration names the staff member; a staff member's own
# token acts as them (naming someone else is refused).
ActingStaff = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=40,
        description="the acting staff member's handle: required with an integration token; "
        "a staff member's token acts as that staff member",
    ),
]


def speaker(uow: UnitOfWork, who: Principal, handle: str | None) -> StaffRecord:
    """The staff member a message is from: the token's own, or the one an integration names."""
    if who.staff_id is not None:
        member = staff.get_staff(uow, staff_id=who.staff_id)
        if handle is not None and handle != member.handle:
            raise Forbidden(f"this token speaks as {member.handle!r} only, not {handle!r}")
        return member
    if handle is None:
        raise InvalidValue("staff", None, "the handle of the staff member who speaks")
    return staff.find_staff(uow, dealership_id=who.dealership_id, handle=handle)
