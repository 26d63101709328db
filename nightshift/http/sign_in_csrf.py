"""CSRF for the console's anonymous sign-in forms (asking for a link, a password, a link's
Sign in button): a signed double-submit token, since there is no session yet to hold one.

Without it another site could make a browser post those forms and sign the victim in as
the attacker's account (with the attacker's one-time link or password), where the victim
then types customer data into the attacker's session ("login CSRF"). A page that shows
one of these forms sets the short-lived, HttpOnly, SameSite=Strict cookie `ns_presign`
(a random value, kept while it is there) and puts an HMAC of it under the app's signing
key in the form's hidden `csrf` field. A post must send both, matching: another site can
neither read the field nor send the cookie, and cannot forge the field for a cookie it
planted without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from fastapi import Request, Response

from nightshift.http.auth import CSRF_FIELD
from nightshift.http.deps import ServicesDep
from nightshift.http.forms import read_form
from nightshift.http.services import Services

PRESIGN_COOKIE = "ns_presign"
PRESIGN_PATH = "/console/sign-in"
PRESIGN_LIFETIME = 3600  # seconds: a form left open longer asks for a reload
EXPIRED = "csrf: the sign-in form expired; reload the page"
_WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
_PURPOSE = b"nightshift console sign-in form\x00"  # the key also signs handoff links


class SignInFormExpired(Exception):
    """A sign-in post without the pre-session cookie or its matching `csrf` field: 403."""

    def __init__(self) -> None:
        super().__init__(EXPIRED)


def presign(request: Request) -> str:
    """The browser's pre-session cookie value, or a new one when it sent none (or junk)."""
    sent = request.cookies.get(PRESIGN_COOKIE, "")
    return sent if _WELL_FORMED.fullmatch(sent) else secrets.token_urlsafe(32)


def form_token(key: bytes, cookie: str) -> str:
    """The `csrf` field that goes with the pre-session cookie `cookie`."""
    return hmac.new(key, _PURPOSE + cookie.encode(), hashlib.sha256).hexdigest()


def remember(response: Response, services: Services, cookie: str) -> Response:
    """Set (or refresh the lifetime of) the pre-session cookie on the page showing a form."""
    response.set_cookie(
        PRESIGN_COOKIE,
        cookie,
        max_age=PRESIGN_LIFETIME,
        path=PRESIGN_PATH,
        secure=services.settings.public_base_url.startswith("https://"),
        httponly=True,
        samesite="strict",
    )
    return response


async def require_presign(request: Request, services: ServicesDep) -> None:
    """The check of a sign-in post, run before its route reads, counts or redeems anything."""
    cookie = request.cookies.get(PRESIGN_COOKIE, "")
    sent = (await read_form(request)).get(CSRF_FIELD, "")
    expected = form_token(services.signing_key, cookie)
    if not _WELL_FORMED.fullmatch(cookie) or not hmac.compare_digest(
        sent.encode(), expected.encode()
    ):
        raise SignInFormExpired
