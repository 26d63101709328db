"""How the console's pages are answered: templates from `console/templates`, the headers
every console page sends, where a sign-in may send the browser next, and the pages for the
errors a person in a browser can meet (sign in first, not allowed, too many attempts, a
sign-in form without its pre-session token).

Every console answer is `Cache-Control: no-store` (a shared computer's back button must not
show a signed-in page), `Referrer-Policy: no-referrer` (a sign-in URL carries its token),
and a Content-Security-Policy that allows this site's stylesheet and forms only: the pages
have no scripts, except the KPI page, which loads its own script files (`console_kpis`), and
the inbox and conversation pages, which load the live-update script (`console_live`).
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from handoff.pagers import reason_label
from nightshift.http.auth import PageForbidden, SignInRequired
from nightshift.http.sign_in_csrf import SignInFormExpired
from nightshift.http.sign_in_limits import TooManyAttempts
from nightshift.infra.rate_limits import retry_after

HOME = "/console"
SIGN_IN = "/console/sign-in"
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


@cache
def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("console", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["reason_label"] = reason_label
    return env


def render(
    template: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """The console page `template` with `context`, and the console's headers."""
    html = _templates().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers={**HEADERS, **(headers or {})})


def redirect(url: str) -> RedirectResponse:
    """303 to `url` (after a form post, the browser GETs it), with the console's headers."""
    return RedirectResponse(url, status_code=303, headers=HEADERS)


def safe_next(value: str | None) -> str:
    """Where to go after signing in: `value` when it is a path on this site, else home. A
    full URL, a scheme-relative `//host` or a backslash trick never leaves the site."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return HOME
    if any(c in value for c in "\\\r\n\t") or urlsplit(value).netloc:
        return HOME
    return value


def sign_in_url(next_path: str | None = None) -> str:
    where = safe_next(next_path)
    return SIGN_IN if where == HOME else f"{SIGN_IN}?next={quote(where, safe='/')}"


def message(title: str, text: str, *, status: int, **headers: str) -> HTMLResponse:
    """A page that says one thing and links back to the console."""
    return render("message.html", status=status, headers=headers, title=title, text=text)


def install_handlers(app: FastAPI) -> None:
    """Answer the console's errors with pages, not JSON."""

    @app.exception_handler(SignInRequired)
    async def sign_in_first(_request: Request, exc: SignInRequired) -> Response:
        url = sign_in_url(exc.next_path)
        if exc.scoped:  # the sign-in page says why: a handoff link covered one conversation
            url += ("&" if "?" in url else "?") + "scope=handoff"
        return redirect(url)

    @app.exception_handler(PageForbidden)
    async def not_yours(_request: Request, exc: PageForbidden) -> Response:
        return message("Not allowed", str(exc), status=403)

    @app.exception_handler(TooManyAttempts)
    async def slow_down(_request: Request, exc: TooManyAttempts) -> Response:
        seconds = str(retry_after(exc.wait))
        text = f"{exc} (in about {max(1, round(exc.wait / 60))} min)."
        return message("Too many attempts", text, status=429, **{"Retry-After": seconds})

    @app.exception_handler(SignInFormExpired)
    async def form_expired(_request: Request, exc: SignInFormExpired) -> Response:
        return message("Sign-in form expired", str(exc), status=403)
