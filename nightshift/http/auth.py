"""Who may call which route: one rule per route, whatever the credential.

Every route declares its rule as a dependency made here: `public(reason)` (a page, the
widget, a webhook that checks its own signature, a calendar file by unguessable token,
health), `requires(*roles)` (a staff member of one of `roles`, or an integration, by a
per-dealership API token or by a console session cookie), `page_requires(*roles)` (a console
page: a session of a staff member of one of `roles`; with `scoped=True` also a handoff link's
session, on the page of its conversation), or the signed handoff link
(`nightshift.http.handoffs.signed`, marked with `rule`). The rule is read back from the route
table by a test, so a new route without one fails.

A session cookie is sent by the browser on its own, so a request that changes something
(POST, PUT, PATCH, DELETE) authenticated by one must also carry the session's CSRF token
(form field `csrf` or header `X-CSRF-Token`), which a page of another site cannot read. A
page answers an anonymous visitor with a redirect to the sign-in page instead of 401, and
a signed-in staff member of the wrong role with a 403 page.

A session opened by a signed handoff link is scoped to that handoff's conversation. It is
refused everywhere but on the routes that opt in (`page_requires(..., scoped=True)`: the
conversation page and its actions) and there only for the conversation in the path (its
`public_id`). Elsewhere a page answers it as it answers an anonymous visitor, a redirect to
sign in (the sign-in page then says the link covered one conversation), and the API with a
403 (`OutOfScope`: the credential is valid, but not for this). Signing in for real replaces
the scoped cookie. A route that checks sessions its own way (`Accounts.check`) does not see
scoped sessions unless it asks for them.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field

from crm_store import api_tokens, audit, staff
from crm_store.errors import InvalidValue
from crm_store.records import StaffRecord
from crm_store.staff_sessions import SessionRecord
from crm_store.types import Role
from crm_store.uow import UnitOfWork
from nightshift.http.deps import ServicesDep
from nightshift.http.forms import read_form
from nightshift.http.services import Services

INTEGRATION = "integration"
STAFF = tuple(r.value for r in Role)
ANY_STAFF = (*STAFF, INTEGRATION)
MANAGERS = (Role.MANAGER.value, INTEGRATION)
ACCESS = "__nightshift_access__"
SESSION_COOKIE = "ns_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
F = TypeVar("F", bound=Callable[..., Any])

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="api_token",
    description="A dealership API token: `nightshift api-token create --dealership SLUG`.",
)
_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="console_session",
    description="A console session (sign in at /console/sign-in); unsafe methods also need "
    f"the session's CSRF token in the {CSRF_HEADER} header or the {CSRF_FIELD!r} form field.",
)
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
Cookie = Annotated[str | None, Depends(_cookie)]


class Unauthenticated(Exception):
    """No credential, or one that is not (or no longer) valid: 401."""


class Forbidden(Exception):
    """A valid credential that may not do this (role, or another dealership's data): 403."""


class OutOfScope(Forbidden):
    """A handoff link's session used outside its one conversation: 403 (API), sign-in (page)."""


class SignInRequired(Exception):
    """A console page without a live session: 303 to the sign-in page, back to `next` after;
    `scoped` when the session the browser holds covers another conversation only."""

    def __init__(self, next_path: str, *, scoped: bool = False) -> None:
        super().__init__("sign in to see this page")
        self.next_path = next_path
        self.scoped = scoped


class PageForbidden(Exception):
    """A console page this signed-in staff member may not see or use: a 403 page."""


def rule(access: str) -> Callable[[F], F]:
    """Mark a dependency as a route's authorisation rule (read back by the route matrix)."""

    def mark(dependency: F) -> F:
        setattr(dependency, ACCESS, access)
        return dependency

    return mark


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a staff member or an integration of one dealership, and how; `session`
    is the console session when that is the credential."""

    dealership_id: int
    via: str  # "token" | "session" | "link"
    actor: str  # for the audit log: a name and handle, never a secret
    role: str  # a staff Role value, or "integration"
    staff_id: int | None = None
    token_id: int | None = None
    session: SessionRecord | None = field(default=None, repr=False)

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


async def csrf_sent(request: Request) -> str | None:
    """The CSRF token a request that changes something sent (header, else form field)."""
    if request.method in SAFE_METHODS:
        return None
    return request.headers.get(CSRF_HEADER) or (await read_form(request)).get(CSRF_FIELD)


Csrf = Annotated[str | None, Depends(csrf_sent)]


def requires(*roles: str) -> Callable[..., Principal]:
    """The rule of a route for staff of one of `roles` (or "integration"), by API token or
    by console session (with its CSRF token for a request that changes something)."""
    allowed = frozenset(roles)

    @rule("token or session: " + ",".join(sorted(allowed)))
    def by_token_or_session(
        request: Request, services: ServicesDep, credentials: Bearer, cookie: Cookie, csrf: Csrf
    ) -> Principal:
        if credentials is not None and credentials.scheme.lower() == "bearer":
            return _by_token(services, credentials.credentials, allowed)
        if cookie:
            return _by_session(services, request.method, cookie, csrf, allowed)
        raise Unauthenticated(
            "an API token (Authorization: Bearer TOKEN) or a console session is required"
        )

    return by_token_or_session


def page_requires(*roles: str, scoped: bool = False) -> Callable[..., Principal]:
    """The rule of a console page for staff of one of `roles`, by console session only (a
    page is for a person in a browser; tools use the API with a token). With `scoped`, a
    handoff link's session is let in too when the path's `public_id` is its conversation."""
    allowed = frozenset(roles)

    @rule(("scoped page: " if scoped else "page: ") + ",".join(sorted(allowed)))
    def by_session(
        request: Request, services: ServicesDep, cookie: Cookie, csrf: Csrf
    ) -> Principal:
        conversation = request.path_params.get("public_id") if scoped else None
        try:
            if not cookie:
                raise Unauthenticated("no console session")
            return _by_session(services, request.method, cookie, csrf, allowed, conversation)
        except (Unauthenticated, OutOfScope) as exc:
            back = request.url.path if request.method == "GET" else "/console"
            if request.method == "GET" and request.url.query:
                back += "?" + request.url.query
            raise SignInRequired(back, scoped=isinstance(exc, OutOfScope)) from None
        except Forbidden as exc:
            raise PageForbidden(str(exc)) from None

    return by_session


def _by_token(services: Services, secret: str, allowed: frozenset[str]) -> Principal:
    store = services.store
    with store.reading() as uow:
        token = api_tokens.authenticate(uow, token=secret)
    if token is None:
        raise Unauthenticated("this API token is not valid (unknown or revoked)")
    role = token.role.value if token.role is not None else INTEGRATION
    if role not in allowed:
        raise Forbidden(f"a {role} token may not do this; allowed: {', '.join(sorted(allowed))}")
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


def _by_session(
    services: Services,
    method: str,
    cookie: str,
    csrf: str | None,
    allowed: frozenset[str],
    conversation: str | None = None,
) -> Principal:
    """The session's principal; a scoped session only for `conversation` (its own)."""
    session = services.accounts.check(cookie, scoped=True)
    if session is None:
        raise Unauthenticated("this console session has ended (signed out or expired)")
    if session.scoped and (conversation is None or conversation != session.scope):
        raise OutOfScope(
            "this session was opened by a handoff link and covers that handoff's "
            "conversation only; sign in to the console for the rest"
        )
    role = session.role.value
    if role not in allowed:
        raise Forbidden(f"a {role} may not do this; allowed: {', '.join(sorted(allowed))}")
    if method not in SAFE_METHODS and not csrf_matches(session, csrf):
        raise Forbidden(
            f"{CSRF_FIELD}: missing or wrong CSRF token; send the session's token as the "
            f"{CSRF_FIELD!r} form field or the {CSRF_HEADER} header"
        )
    how = f"handoff link session {session.id}" if session.scoped else f"session {session.id}"
    return Principal(
        dealership_id=session.dealership_id,
        via="session",
        actor=f"{session.staff_name} ({session.staff_handle}) via {how}",
        role=role,
        staff_id=session.staff_id,
        session=session,
    )


def csrf_matches(session: SessionRecord, sent: str | None) -> bool:
    """Whether `sent` is the session's CSRF token (compared in constant time)."""
    if not sent:
        return False
    return hmac.compare_digest(sent.encode(), session.csrf_secret.encode())


def set_session_cookie(
    response: Response, services: Services, session: SessionRecord, token: str
) -> None:
    """The console session cookie, the same for every way in (a sign-in, a handoff link):
    host-wide, HttpOnly, SameSite=Lax, Secure on https, until the session expires."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int((session.expires_at - session.created_at).total_seconds()),
        path="/",
        secure=services.settings.public_base_url.startswith("https://"),
        httponly=True,
        samesite="lax",
    )


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
