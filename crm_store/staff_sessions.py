"""Console sessions of staff members: created on sign-in, looked up by the cookie's SHA-256,
ended by time or by the staff member.

A session is live while it is not revoked, before its absolute expiry, seen within the idle
timeout, and its staff member is active: deactivating someone ends their sessions at the
next request, with no sweep. Defaults: 12 hours absolute, one working day (dealership shifts
run up to about twelve hours), so a salesperson signs in once a shift and a stolen cookie is
good for one day at most; 2 hours idle, long enough for a test drive and a customer at the
desk between two looks at a phone, short enough that a phone left on the lot does not stay
signed in all evening. `last_seen_at` is stamped at most once a minute (not a write per
request), so the idle timeout is exact to within that minute.

A session opened by a signed handoff link is scoped: it names its handoff, and its record
carries that handoff's conversation (`scope`), the only one it may be used for (the HTTP
rules enforce it). A full session has no scope. Ended sessions are kept for a while (the
"your sessions" history, the audit's session ids) and then purged (`purge`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from crm_store.api_tokens import hash_token
from crm_store.errors import InvalidValue, NotFound
from crm_store.models import Conversation, Handoff, Staff, StaffSession
from crm_store.sign_in import MAX_TOKEN_LENGTH
from crm_store.types import Role
from crm_store.uow import UnitOfWork

SESSION_LIFETIME = timedelta(hours=12)
SESSION_IDLE = timedelta(hours=2)
SEEN_STAMP = timedelta(minutes=1)
USER_AGENT_LENGTH = 200
_BYTES = 32


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A session as its staff member may see it in "your sessions", plus who is acting.
    `csrf_secret` is left out of the repr so that it never reaches a log line."""

    id: int
    staff_id: int
    dealership_id: int
    staff_handle: str
    staff_name: str
    role: Role
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    user_agent: str | None
    csrf_secret: str = field(repr=False)
    handoff_id: int | None = None  # set: opened by that handoff's signed link
    scope: str | None = None  # then the public id of its conversation, the only one it covers

    @property
    def scoped(self) -> bool:
        return self.handoff_id is not None


def create_session(
    uow: UnitOfWork,
    *,
    staff_id: int,
    user_agent: str | None,
    lifetime: timedelta = SESSION_LIFETIME,
    handoff_id: int | None = None,
) -> tuple[SessionRecord, str]:
    """A new session for an active staff member, in their dealership; returns its record and
    the plain token (the cookie's value), which is never stored. With `handoff_id` (one of
    their dealership's handoffs) the session is scoped to that handoff's conversation."""
    member = uow.session.get(Staff, staff_id)
    if member is None or not member.active:
        raise NotFound(f"active staff member id {staff_id} not found")
    if lifetime <= timedelta(0):
        raise InvalidValue("lifetime", lifetime, "a positive duration")
    scope = None
    if handoff_id is not None:
        handoff = uow.session.get(Handoff, handoff_id)
        if handoff is None or handoff.dealership_id != member.dealership_id:
            raise NotFound(f"handoff {handoff_id} not found in this staff member's dealership")
        scope = uow.session.get_one(Conversation, handoff.conversation_id).public_id
    token = secrets.token_urlsafe(_BYTES)
    now = uow.now()
    row = StaffSession(
        staff_id=member.id,
        dealership_id=member.dealership_id,
        token_hash=hash_token(token),
        csrf_secret=secrets.token_urlsafe(_BYTES),
        user_agent=(user_agent or "").strip()[:USER_AGENT_LENGTH] or None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        handoff_id=handoff_id,
    )
    uow.session.add(row)
    uow.flush()
    return _record(row, member, scope), token


def authenticate(
    uow: UnitOfWork, *, token: str, idle: timedelta = SESSION_IDLE
) -> SessionRecord | None:
    """The live session with this token, or None. Reads only (see `touch`)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = uow.session.execute(
        _live(uow.now(), idle).where(StaffSession.token_hash == hash_token(token))
    ).first()
    return None if found is None else _record(found[0], found[1], found[2])


def touch(uow: UnitOfWork, *, session_id: int, every: timedelta = SEEN_STAMP) -> bool:
    """Stamp the session as seen now, unless it was stamped less than `every` ago (one
    conditional UPDATE). Call it only for a session `authenticate` found live."""
    now = uow.now()
    stamped = uow.session.execute(
        sa.update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.last_seen_at <= now - every)
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(stamped, "rowcount", 0))


def list_sessions(
    uow: UnitOfWork, *, staff_id: int, idle: timedelta = SESSION_IDLE
) -> list[SessionRecord]:
    """The staff member's live sessions, the most recently seen first."""
    rows = uow.session.execute(
        _live(uow.now(), idle)
        .where(StaffSession.staff_id == staff_id)
        .order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())
    )
    return [_record(row[0], row[1], row[2]) for row in rows]


def revoke_token(uow: UnitOfWork, *, token: str) -> bool:
    """End the session with this token (signing out); False when there was none to end."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    return _revoke(uow, StaffSession.token_hash == hash_token(token)) > 0


def revoke_session(uow: UnitOfWork, *, staff_id: int, session_id: int) -> None:
    """End one of the staff member's own sessions (from their "your sessions" list)."""
    if not _revoke(uow, StaffSession.id == session_id, StaffSession.staff_id == staff_id):
        owned = uow.session.get(StaffSession, session_id)
        if owned is None or owned.staff_id != staff_id:
            raise NotFound(f"session {session_id} not found for this staff member")


def revoke_all(uow: UnitOfWork, *, staff_id: int) -> int:
    """End every session of the staff member ("sign out everywhere"); how many were open."""
    return _revoke(uow, StaffSession.staff_id == staff_id)


def revoke_others(uow: UnitOfWork, *, staff_id: int, keep_session_id: int) -> int:
    """End every session of the staff member but `keep_session_id` (after a password
    change); how many were open."""
    return _revoke(uow, StaffSession.staff_id == staff_id, StaffSession.id != keep_session_id)


def purge(uow: UnitOfWork, *, ended_before: datetime, idle: timedelta = SESSION_IDLE) -> int:
    """Delete the sessions that ended (expired, revoked, or idled out) before `ended_before`;
    how many. A live session never qualifies: each condition puts its end in the past."""
    if ended_before > uow.now():
        raise InvalidValue("ended_before", ended_before, "a time not after now")
    result = uow.session.execute(
        sa.delete(StaffSession)
        .where(
            sa.or_(
                StaffSession.expires_at <= ended_before,
                StaffSession.revoked_at <= ended_before,
                StaffSession.last_seen_at <= ended_before - idle,
            )
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _revoke(uow: UnitOfWork, *which: sa.ColumnElement[bool]) -> int:
    result = uow.session.execute(
        sa.update(StaffSession)
        .where(*which, StaffSession.revoked_at.is_(None))
        .values(revoked_at=uow.now())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _live(now: datetime, idle: timedelta) -> sa.Select[StaffSession, Staff, str]:
    """Live sessions, each with its staff member and its scope (a conversation's public id)."""
    return (
        sa.select(StaffSession, Staff, Conversation.public_id)
        .join(Staff, Staff.id == StaffSession.staff_id)
        .outerjoin(Handoff, Handoff.id == StaffSession.handoff_id)
        .outerjoin(Conversation, Conversation.id == Handoff.conversation_id)
        .where(
            StaffSession.revoked_at.is_(None),
            StaffSession.expires_at > now,
            StaffSession.last_seen_at > now - idle,
            Staff.active,
        )
        .execution_options(populate_existing=True)
    )


def _record(row: StaffSession, member: Staff, scope: str | None = None) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        staff_id=row.staff_id,
        dealership_id=row.dealership_id,
        staff_handle=member.handle,
        staff_name=member.name,
        role=member.role,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        user_agent=row.user_agent,
        csrf_secret=row.csrf_secret,
        handoff_id=row.handoff_id,
        scope=scope,
    )
