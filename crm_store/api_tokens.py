"""Per-dealership API tokens: created once (the plain token is returned only then), kept as
a SHA-256 hash, looked up by hash, revocable. A token acts as a named staff member (with
their role) or, without one, as an integration."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from crm_store.errors import InvalidValue, NotFound
from crm_store.models import ApiToken, Staff
from crm_store.types import Role
from crm_store.uow import UnitOfWork

PREFIX = "nst_"
# The token carries 256 bits of randomness, so a fast hash is the right one (a slow KDF
# protects guessable secrets such as passwords, and would only slow every request here).
_BYTES = 32
USE_STAMP = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: int
    dealership_id: int
    name: str
    staff_id: int | None
    staff_handle: str | None
    staff_name: str | None
    role: Role | None  # the staff member's role; None for an integration token
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", errors="surrogatepass")).hexdigest()


def create_token(
    uow: UnitOfWork, *, dealership_id: int, name: str, staff_id: int | None = None
) -> tuple[TokenRecord, str]:
    """A new token; returns its record and the plain token, which is never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidValue("name", name, "1-80 characters naming who or what uses the token")
    if staff_id is not None:
        member = uow.session.get(Staff, staff_id)
        if member is None or member.dealership_id != dealership_id:
            raise InvalidValue("staff", staff_id, "a staff member of this dealership")
    token = PREFIX + secrets.token_urlsafe(_BYTES)
    row = ApiToken(
        dealership_id=dealership_id,
        name=name,
        staff_id=staff_id,
        token_hash=hash_token(token),
        prefix=token[: len(PREFIX) + 6],
        created_at=uow.now(),
    )
    uow.session.add(row)
    uow.flush()
    return _record(uow, row), token


def authenticate(uow: UnitOfWork, *, token: str) -> TokenRecord | None:
    """The live token with this value (not revoked, its staff member still active), or
    None. Reads only (see `mark_used`)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = uow.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        return None
    if row.staff_id is not None:
        member = uow.session.get(Staff, row.staff_id)
        if member is None or not member.active:
            return None
    return _record(uow, row)


def mark_used(uow: UnitOfWork, *, token_id: int, every: timedelta = USE_STAMP) -> None:
    """Stamp the token's last use, at most once per `every` (not a write per request)."""
    row = uow.session.get(ApiToken, token_id)
    now = uow.now()
    if row is not None and (row.last_used_at is None or now - row.last_used_at >= every):
        row.last_used_at = now
        uow.flush()


def revoke(uow: UnitOfWork, *, dealership_id: int, token_id: int) -> TokenRecord:
    row = uow.session.get(ApiToken, token_id)
    if row is None or row.dealership_id != dealership_id:
        raise NotFound(f"API token {token_id} not found for this dealership")
    if row.revoked_at is None:
        row.revoked_at = uow.now()
        uow.flush()
    return _record(uow, row)


def list_tokens(uow: UnitOfWork, *, dealership_id: int) -> list[TokenRecord]:
    rows = uow.session.scalars(
        sa.select(ApiToken).where(ApiToken.dealership_id == dealership_id).order_by(ApiToken.id)
    )
    return [_record(uow, row) for row in rows]


def _record(uow: UnitOfWork, row: ApiToken) -> TokenRecord:
    member = uow.session.get(Staff, row.staff_id) if row.staff_id is not None else None
    return TokenRecord(
        id=row.id,
        dealership_id=row.dealership_id,
        name=row.name,
        staff_id=row.staff_id,
        staff_handle=member.handle if member else None,
        staff_name=member.name if member else None,
        role=member.role if member else None,
        prefix=row.prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )
