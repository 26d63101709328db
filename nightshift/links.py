"""Signed, expiring links for staff pages (the handoff page), until staff log in (a later
issue): the link carries an expiry and an HMAC-SHA256 of the path and expiry under the
instance's secret key, so an id cannot be guessed or a link kept forever."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from nightshift.settings import Settings

_HEX64 = re.compile(r"[0-9a-f]{64}")


def secret_key(settings: Settings) -> bytes:
    """NIGHTSHIFT_SECRET_KEY, else a random key kept in the data folder (so links survive a
    restart of a zero-configuration install)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    path = Path(settings.data_dir) / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip().encode()


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
