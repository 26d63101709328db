"""What a console sign-in needs of the store: one-time sign-in links, the optional password
hash of a staff member, and finding staff by e-mail within a dealership.

A link token carries 256 bits of randomness and only its SHA-256 is kept (as for API
tokens). Redeeming is one conditional UPDATE, so of two concurrent redeems of one link
exactly one wins, on SQLite and PostgreSQL alike; a link that is unknown, used, expired or
whose staff member is no longer active fails the same way (`NotFound`), so a caller learns
nothing about which it was. The password hash is made and checked by `console.passwords`:
the store keeps the string it is given.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from crm_store.api_tokens import hash_token
from crm_store.errors import InvalidValue, NotFound
from crm_store.models import SignInLink, Staff, StaffCredential
from crm_store.records import StaffRecord
from crm_store.staff import get_staff
from crm_store.types import LinkPurpose
from crm_store.uow import UnitOfWork

# A login link is asked for and used within minutes; an invite waits in an inbox for days.
LINK_LIFETIMES = {LinkPurpose.LOGIN: timedelta(minutes=15), LinkPurpose.INVITE: timedelta(days=7)}
MAX_TOKEN_LENGTH = 200  # longer is not one of ours: refused before hashing
_BYTES = 32
UNUSABLE = "this sign-in link is not valid: it is unknown, used or expired"


@dataclass(frozen=True, slots=True)
class SignInLinkRecord:
    id: int
    staff_id: int
    dealership_id: int
    purpose: LinkPurpose
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


def issue_link(
    uow: UnitOfWork, *, staff_id: int, purpose: LinkPurpose, valid_for: timedelta | None = None
) -> tuple[SignInLinkRecord, str]:
    """A new link for an active staff member; returns its record and the plain token, which
    is never stored. Older unused links stay valid until they expire."""
    member = uow.session.get(Staff, staff_id)
    if member is None or not member.active:
        raise InvalidValue("staff", staff_id, "an active staff member")
    lifetime = LINK_LIFETIMES[purpose] if valid_for is None else valid_for
    if lifetime <= timedelta(0):
        raise InvalidValue("valid_for", lifetime, "a positive duration")
    token = secrets.token_urlsafe(_BYTES)
    now = uow.now()
    row = SignInLink(
        staff_id=staff_id,
        token_hash=hash_token(token),
        purpose=purpose,
        created_at=now,
        expires_at=now + lifetime,
    )
    uow.session.add(row)
    uow.flush()
    return _link_record(row, member.dealership_id), token


def redeem_link(uow: UnitOfWork, *, token: str) -> SignInLinkRecord:
    """Use the link once: the link, now marked used, or `NotFound` (`UNUSABLE`) when it is
    unknown, already used, expired (it is good strictly before `expires_at`) or its staff
    member is no longer active."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound(UNUSABLE)
    now = uow.now()
    digest = hash_token(token)
    staff_active = sa.exists().where(Staff.id == SignInLink.staff_id, Staff.active)
    used = uow.session.execute(
        sa.update(SignInLink)
        .where(
            SignInLink.token_hash == digest,
            SignInLink.used_at.is_(None),
            SignInLink.expires_at > now,
            staff_active,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(used, "rowcount", 0) != 1:
        raise NotFound(UNUSABLE)
    row, dealership_id = uow.session.execute(
        sa.select(SignInLink, Staff.dealership_id)
        .join(Staff, Staff.id == SignInLink.staff_id)
        .where(SignInLink.token_hash == digest)
        .execution_options(populate_existing=True)
    ).one()
    return _link_record(row, dealership_id)


def purge_links(uow: UnitOfWork, *, done_before: datetime) -> int:
    """Delete the links used or expired before `done_before`; how many. A link that can
    still be redeemed never qualifies."""
    if done_before > uow.now():
        raise InvalidValue("done_before", done_before, "a time not after now")
    result = uow.session.execute(
        sa.delete(SignInLink)
        .where(sa.or_(SignInLink.expires_at <= done_before, SignInLink.used_at <= done_before))
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def staff_with_email(uow: UnitOfWork, *, dealership_id: int, email: str) -> list[StaffRecord]:
    """The dealership's staff members (active or not) with this e-mail, ignoring case and
    surrounding spaces, by id. Another dealership's staff are never among them."""
    wanted = email.strip().lower()
    if not wanted:
        return []
    ids = uow.session.scalars(
        sa.select(Staff.id)
        .where(Staff.dealership_id == dealership_id, sa.func.lower(Staff.email) == wanted)
        .order_by(Staff.id)
    )
    return [get_staff(uow, staff_id=staff_id) for staff_id in ids]


def password_hash(uow: UnitOfWork, *, staff_id: int) -> str | None:
    """The staff member's password hash, or None when they sign in by link only."""
    row = uow.session.get(StaffCredential, staff_id)
    return None if row is None else row.password_hash


def set_password_hash(uow: UnitOfWork, *, staff_id: int, password_hash: str | None) -> None:
    """Keep (or, with None, remove) the staff member's password hash."""
    uow.get(Staff, staff_id, "staff")
    row = uow.session.get(StaffCredential, staff_id)
    if password_hash is None:
        if row is not None:
            uow.session.delete(row)
            uow.flush()
        return
    if row is None:
        row = StaffCredential(staff_id=staff_id)
        uow.session.add(row)
    row.password_hash = password_hash
    row.updated_at = uow.now()
    uow.flush()


def _link_record(row: SignInLink, dealership_id: int) -> SignInLinkRecord:
    return SignInLinkRecord(
        id=row.id,
        staff_id=row.staff_id,
        dealership_id=dealership_id,
        purpose=row.purpose,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
    )
