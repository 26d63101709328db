"""The staff console's way in and out: `/console/sign-in...`, the home page `/console` (who
is signed in, where to go, their sessions), `/console/sign-out...` and the stylesheet.

The way in is a one-time link e-mailed on request (or printed by `nightshift staff
login-link`), or an e-mail and password. Opening a link shows a page with a Sign in button
and redeems nothing: mail scanners fetch every link in a message, and would otherwise use
up the one-time token before its owner clicks. Asking for a link always gets the same
answer, and the mail goes out after the answer, so neither the words nor the timing say
whether an address belongs to staff. Every attempt (link request, password, redeem) counts
against the client's IP and, where one is named, the e-mail (`sign_in_limits`). These forms
are posted before there is a session, so each carries a pre-session CSRF token instead
(`sign_in_csrf`): a post without it is refused before it counts, sends or redeems anything.
The home page's password form sets a password and signs out the member's other sessions.
"""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console.accounts import IssuedLink, SignedIn
from console.sign_in_mail import sign_in_message
from contracts.mail import Mailer
from crm_store import dealerships
from crm_store.errors import InvalidValue, NotFound
from crm_store.records import DealershipRecord
from nightshift.http.auth import (
    SESSION_COOKIE,
    STAFF,
    Cookie,
    Principal,
    page_requires,
    public,
    set_session_cookie,
)
from nightshift.http.console_pages import SIGN_IN, redirect, render, safe_next
from nightshift.http.deps import ServicesDep
from nightshift.http.forms import FormDep
from nightshift.http.services import Services
from nightshift.http.sign_in_csrf import form_token, presign, remember, require_presign
from nightshift.infra import logs

log = logging.getLogger("nightshift.console")
router = APIRouter(prefix="/console", tags=["console"])
SignedInStaff = Annotated[Principal, Depends(page_requires(*STAFF))]
SENT = (
    "If that address belongs to staff of {dealer}, a sign-in link is on its way. "
    "It works once, within 15 minutes."
)
NO_MATCH = "That e-mail and password do not match a staff account. Ask for a sign-in link."
SIGNED_OUT = {"here": "You are signed out.", "everywhere": "You are signed out on every device."}
SCOPED = (
    "The handoff link you opened signed you in for that one conversation only. "
    "Sign in to see the rest of the console."
)
NOT_VALID = (
    "This sign-in link is not valid: it has been used, has expired, or is not one of ours. "
    "Ask for a new one."
)


@router.get(
    "/sign-in",
    response_class=HTMLResponse,
    dependencies=[Depends(public("the console's sign-in form"))],
)
def sign_in_form(
    request: Request,
    services: ServicesDep,
    next: str = "/console",
    dealership: str | None = None,
    signed_out: str | None = None,
    scope: str | None = None,
) -> Response:
    """The sign-in page: ask for a link by e-mail, or sign in with a password."""
    notice = SCOPED if scope == "handoff" else SIGNED_OUT.get(signed_out or "")
    return _form(request, services, next_path=next, dealership=dealership, notice=notice)


@router.post(
    "/sign-in/link",
    response_class=HTMLResponse,
    dependencies=[
        Depends(public("asks for a one-time link: one answer for every e-mail; rate-limited")),
        Depends(require_presign),
    ],
)
def ask_for_link(
    request: Request, services: ServicesDep, form: FormDep, background: BackgroundTasks
) -> Response:
    """E-mail a sign-in link to the staff member with this address, if there is one."""
    email, slug = form.get("email", "").strip(), form.get("dealership")
    services.sign_in_limits.count(_client(request), email)
    dealer = _dealership(services, slug)
    next_path = safe_next(form.get("next"))
    if not email or dealer is None:
        error = "email: enter your work e-mail" if not email else "dealership: choose yours"
        return _form(
            request,
            services,
            next_path=next_path,
            dealership=slug,
            email=email,
            error=error,
            status=422,
        )
    asked = services.accounts.request_link(dealership_id=dealer.id, email=email)
    if asked.link is not None:
        background.add_task(_send, services, asked.link, dealer.name)
    else:
        logs.event(log, "console_link_refused", dealership=dealer.slug, reason=asked.refused)
    notice = SENT.format(dealer=dealer.name)
    return _form(request, services, next_path=next_path, dealership=dealer.slug, notice=notice)


@router.post(
    "/sign-in/password",
    response_class=HTMLResponse,
    dependencies=[
        Depends(public("signs in with an e-mail and password; one error for all; rate-limited")),
        Depends(require_presign),
    ],
)
def sign_in_with_password(request: Request, services: ServicesDep, form: FormDep) -> Response:
    """A session for the staff member with this e-mail and password, or one generic error."""
    email, slug = form.get("email", "").strip(), form.get("dealership")
    services.sign_in_limits.count(_client(request), email)
    dealer = _dealership(services, slug)
    signed = None
    if dealer is not None:
        signed = services.accounts.sign_in_with_password(
            dealership_id=dealer.id,
            email=email,
            password=form.get("password", ""),
            user_agent=request.headers.get("user-agent"),
        )
    next_path = safe_next(form.get("next"))
    if signed is None:
        return _form(
            request,
            services,
            next_path=next_path,
            dealership=slug,
            email=email,
            error=NO_MATCH,
            status=400,
            password_open=True,
        )
    return _signed_in(services, signed, next_path)


@router.get(
    "/sign-in/{token}",
    response_class=HTMLResponse,
    dependencies=[Depends(public("a sign-in link's page: a Sign in button, redeems nothing"))],
)
def confirm_link(
    token: str, request: Request, services: ServicesDep, next: str = "/console"
) -> Response:
    """The page a sign-in link opens: a button that redeems it (see the module docstring)."""
    action = f"{SIGN_IN}/{quote(token, safe='')}"
    cookie = presign(request)
    csrf = form_token(services.signing_key, cookie)
    page = render("redeem.html", title="Sign in", action=action, next=safe_next(next), csrf=csrf)
    return remember(page, services, cookie)


@router.post(
    "/sign-in/{token}",
    response_class=HTMLResponse,
    dependencies=[
        Depends(public("redeems a one-time sign-in link: the token is the credential")),
        Depends(require_presign),
    ],
)
def redeem_link(token: str, request: Request, services: ServicesDep, form: FormDep) -> Response:
    """Use the link once: a session cookie, then on to the console (or `next`)."""
    services.sign_in_limits.count(_client(request))
    try:
        signed = services.accounts.redeem(token=token, user_agent=request.headers.get("user-agent"))
    except NotFound:
        return render("message.html", status=400, title="Link not valid", text=NOT_VALID)
    return _signed_in(services, signed, safe_next(form.get("next")))


@router.post("/sign-out", response_class=HTMLResponse)
def sign_out(who: SignedInStaff, services: ServicesDep, cookie: Cookie) -> Response:
    """End this session (the form sends the session's CSRF token)."""
    if cookie:
        services.accounts.sign_out(cookie)
    return _signed_out("here")


@router.post("/sign-out-everywhere", response_class=HTMLResponse)
def sign_out_everywhere(who: SignedInStaff, services: ServicesDep) -> Response:
    """End every session of the signed-in staff member, on every device, this one included."""
    assert who.session is not None  # a page rule authenticates by session only
    services.accounts.sign_out_everywhere(who.session)
    return _signed_out("everywhere")


@router.post("/password", response_class=HTMLResponse)
def set_password(who: SignedInStaff, services: ServicesDep, form: FormDep) -> Response:
    """Set the staff member's password; their other sessions end (the notice says how many)."""
    assert who.session is not None  # a page rule authenticates by session only
    try:
        ended = services.accounts.set_password(
            who.session, form.get("password", ""), current=form.get("current_password")
        )
    except InvalidValue as exc:
        return _home(services, who, error=str(exc), status=422)
    return redirect(f"/console?password_set={ended}")


@router.get("", response_class=HTMLResponse)
def home(who: SignedInStaff, services: ServicesDep, password_set: int | None = None) -> Response:
    """Who is signed in, where to go (the inbox, review and KPI pages as they arrive), their
    live sessions with the sign-out buttons, and the password form."""
    notice = None
    if password_set is not None:
        others = (
            "1 other session was" if password_set == 1 else f"{password_set} other sessions were"
        )
        notice = f"Password set. {others} signed out."
    return _home(services, who, notice=notice)


def _home(
    services: Services,
    who: Principal,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    session = who.session
    assert session is not None  # a page rule authenticates by session only
    with services.store.reading() as uow:
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=session.dealership_id)
    return render(
        "home.html",
        status=status,
        title="Console",
        who=session,
        dealership=dealer.name,
        sessions=services.accounts.sessions(session),
        has_password=services.accounts.has_password(session),
        notice=notice,
        error=error,
    )


def _form(
    request: Request,
    services: Services,
    *,
    next_path: str,
    dealership: str | None,
    email: str = "",
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
    password_open: bool = False,
) -> Response:
    """The sign-in page, its forms carrying the pre-session CSRF token (cookie set here)."""
    with services.store.reading() as uow:
        listed = dealerships.list_dealerships(uow)
    cookie = presign(request)
    page = render(
        "sign_in.html",
        status=status,
        title="Sign in",
        dealerships=listed,
        dealership=dealership,
        email=email,
        next=safe_next(next_path),
        notice=notice,
        error=error,
        password_open=password_open,
        csrf=form_token(services.signing_key, cookie),
    )
    return remember(page, services, cookie)


def _dealership(services: Services, slug: str | None) -> DealershipRecord | None:
    """The dealership the form names (the only one when it names none), or None."""
    with services.store.reading() as uow:
        listed = dealerships.list_dealerships(uow)
    if not slug and len(listed) == 1:
        return listed[0]
    return next((d for d in listed if d.slug == slug), None)


def _send(services: Services, link: IssuedLink, dealer: str) -> None:
    """Mail the link after the answer has gone (a failure is logged, never shown)."""
    mailer: Mailer = services.mailer
    try:
        mailer.send(sign_in_message(link, dealership=dealer, mail_from=services.settings.mail_from))
    except Exception as exc:  # SMTP down: the person asks again; the log says why
        logs.event(log, "console_link_mail_failed", level=logging.ERROR, error=repr(exc)[:300])


def _signed_in(services: Services, signed: SignedIn, next_path: str) -> Response:
    response = redirect(next_path)
    set_session_cookie(response, services, signed.session, signed.token)
    return response


def _signed_out(where: str) -> Response:
    response = redirect(f"{SIGN_IN}?signed_out={where}")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"
