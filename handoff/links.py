"""Signed, expiring links for staff pages (the handoff page), until staff log in (a later
issue): the link carries an expiry and an HMAC-SHA256 of the path and expiry under the
instance's secret key (`HandoffConfig.signing_key`), so an id cannot be guessed or a link
kept forever."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

_HEX64 = re.compile(r"[0-9a-f]{64}")
# The handoff page of one handoff as one staff member sees it (the path a link signs).
STAFF_PAGE = "/staff/handoffs/{handoff_id}/{staff_id}"


def staff_page(handoff_id: int, staff_id: int) -> str:
    return STAFF_PAGE.format(handoff_id=handoff_id, staff_id=staff_id)


def signature(key: bytes, path: str, expires: int) -> str:
    return hmac.new(key, f"{path}|{expires}".encode(), hashlib.sha256).hexdigest()


def signed_path(key: bytes, path: str, now: datetime, valid_for: timedelta) -> str:
    expires = int((now + valid_for).timestamp())
    return f"{path}?exp={expires}&sig={signature(key, path, expires)}"


def check(key: bytes, path: str, expires: int, sig: str, now: datetime) -> str | None:
    """None when the link is good, else why not (for a clear 403). `sig` is whatever the
    request carried: anything but 64 hex digits is refused before the constant-time compare
    (which raises on non-ASCII text)."""
    if _HEX64.fullmatch(sig) is None or not hmac.compare_digest(
        signature(key, path, expires).encode(), sig.encode()
    ):
        return "this link is not valid"
    if now.timestamp() > expires:
        return "this link has expired; use the link in a newer page"
    return None
