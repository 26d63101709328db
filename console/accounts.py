"""Console accounts: how a staff member of one dealership signs in and out.

The way in is a one-time link (an invite for a first sign-in, a login link later) sent to
the staff member's e-mail; a password is optional. Asking for a link for an e-mail gives
the same outward result whether or not it belongs to an active staff member (the caller
answers "if that address is ours, a link is on its way" either way), so the link endpoint
cannot be used to learn which e-mails exist; `LinkRequest.refused` says why nothing was
issued, for the CLI. Accounts are per dealership: the same e-mail at two dealerships is two
accounts, with their own links, sessions and passwords. Sign-in attempts are rate-limited
by the HTTP layer, not here. Sign-ins, sign-outs everywhere and password changes go to the
audit log; a password change ends the staff member's other sessions.

A signed handoff link also signs its salesperson in, for that handoff's conversation only
(`sign_in_by_handoff_link`): a session scoped to the handoff, no longer than the link stays
valid. `check` finds full sessions only unless asked for scoped ones too, so a caller that
does not know about scopes never mistakes a handoff link's session for a full one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from console.config import ConsoleConfig
from console.passwords import Passwords
from crm_store import audit, sign_in, staff_sessions
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.records import StaffRecord
from crm_store.staff_sessions import SessionRecord
from crm_store.types import LinkPurpose
from crm_store.uow import UnitOfWork

# Where a sign-in link leads (the route that redeems it is `nightshift.http`'s).
SIGN_IN_PATH = "/console/sign-in/{token}"
# how long after signing in a password may be changed without the current one
RECENT_SIGN_IN = timedelta(minutes=10)
VIA = "console"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A link to send: to whom, and until when it works."""

    url: str = field(repr=False)
    staff: StaffRecord
    purpose: LinkPurpose
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """What asking for a link did: `link` when one was issued, else `refused` says why."""

    link: IssuedLink | None
    refused: str | None = None


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session and its token, the cookie's value (shown once, never stored)."""

    session: SessionRecord
    token: str = field(repr=False)


class Accounts:
    def __init__(self, store: Store, config: ConsoleConfig, passwords: Passwords) -> None:
        self.store = store
        self.config = config
        self.passwords = passwords

    def request_link(
        self, *, dealership_id: int, email: str, purpose: LinkPurpose = LinkPurpose.LOGIN
    ) -> LinkRequest:
        """Issue a one-time sign-in link for the dealership's active staff member with this
        e-mail; nothing is issued for an unknown, inactive or shared address."""
        with self.store.unit_of_work() as uow:
            member, refused = _one_active(uow, dealership_id, email)
            if member is None:
                return LinkRequest(link=None, refused=refused)
            record, token = sign_in.issue_link(uow, staff_id=member.id, purpose=purpose)
        return LinkRequest(
            link=IssuedLink(
                url=self.link_url(token),
                staff=member,
                purpose=purpose,
                expires_at=record.expires_at,
            )
        )

    def link_url(self, token: str) -> str:
        return self.config.public_base_url.rstrip("/") + SIGN_IN_PATH.format(token=token)

    def redeem(self, *, token: str, user_agent: str | None) -> SignedIn:
        """Use a sign-in link once and open a session: the link's staff member, in their
        dealership. `crm_store.errors.NotFound` when the link is unknown, used or expired."""
        with self.store.unit_of_work() as uow:
            link = sign_in.redeem_link(uow, token=token)
            return self._open(uow, link.staff_id, user_agent, link.purpose.value)

    def sign_in_with_password(
        self, *, dealership_id: int, email: str, password: str, user_agent: str | None
    ) -> SignedIn | None:
        """A session for the dealership's active staff member with this e-mail and password,
        or None (unknown e-mail, no password set, or a wrong one: the same answer, in about
        the same time). A hash made with older parameters is replaced on the way."""
        with self.store.unit_of_work() as uow:
            member, _ = _one_active(uow, dealership_id, email)
            stored = None if member is None else sign_in.password_hash(uow, staff_id=member.id)
            if member is None or stored is None:
                self.passwords.verify_nobody(password)
                return None
            if not self.passwords.verify(stored, password):
                return None
            if self.passwords.needs_rehash(stored):
                fresh = self.passwords.hash(password)
                sign_in.set_password_hash(uow, staff_id=member.id, password_hash=fresh)
            return self._open(uow, member.id, user_agent, "password")

    def sign_in_by_handoff_link(
        self,
        *,
        cookie: str | None,
        staff_id: int,
        handoff_id: int,
        link_expires_at: datetime,
        user_agent: str | None,
    ) -> SignedIn | None:
        """A session scoped to the handoff for the staff member a valid signed link names,
        or None when the browser keeps the one it has: any live full session (never
        replaced or downgraded: theirs covers the handoff already, and someone else's must
        not be swapped for the link holder's by getting them to open a link; the signed page
        itself still works) or their session scoped to this same handoff. A session scoped to
        another handoff is replaced (and ended, when it was theirs). None also when the link
        has no time left or the staff member is inactive. Its lifetime is the shorter of the
        link's remaining validity and the normal session lifetime."""
        present = self.check(cookie, scoped=True) if cookie else None
        theirs = present is not None and present.staff_id == staff_id
        if present is not None and not present.scoped:
            return None  # a full session, theirs or someone else's: kept
        if theirs and present is not None and present.handoff_id == handoff_id:
            return None  # theirs for this handoff: kept
        lifetime = min(link_expires_at - self._now(), self.config.session_lifetime)
        if lifetime < timedelta(seconds=1):
            return None
        with self.store.unit_of_work() as uow:
            try:
                record, token = staff_sessions.create_session(
                    uow,
                    staff_id=staff_id,
                    user_agent=user_agent,
                    lifetime=lifetime,
                    handoff_id=handoff_id,
                )
            except NotFound:  # inactive, or not their dealership's handoff
                return None
            if theirs and present is not None:  # theirs for another handoff: replaced
                staff_sessions.revoke_session(uow, staff_id=staff_id, session_id=present.id)
            detail = {"by": "handoff_link", "handoff": handoff_id, "session": record.id}
            _audit(uow, record, "console_sign_in", detail)
        return SignedIn(session=record, token=token)

    def check(self, token: str, *, scoped: bool = False) -> SessionRecord | None:
        """The live session of this cookie (who is acting, their role and dealership), or
        None. A session scoped to one handoff is None too unless `scoped` (the caller then
        enforces its scope). Its last use is stamped at most once a minute, so most requests
        only read."""
        with self.store.reading() as uow:
            found = staff_sessions.authenticate(uow, token=token, idle=self.config.session_idle)
        if found is not None and found.scoped and not scoped:
            return None
        if found is not None and self._now() - found.last_seen_at >= staff_sessions.SEEN_STAMP:
            with self.store.unit_of_work() as uow:
                staff_sessions.touch(uow, session_id=found.id)
        return found

    def sign_out(self, token: str) -> None:
        with self.store.unit_of_work() as uow:
            staff_sessions.revoke_token(uow, token=token)

    def sign_out_everywhere(self, session: SessionRecord) -> int:
        """End every session of the signed-in staff member, this one included; how many."""
        with self.store.unit_of_work() as uow:
            ended = staff_sessions.revoke_all(uow, staff_id=session.staff_id)
            _audit(uow, session, "console_sign_out_everywhere", {"sessions": ended})
        return ended

    def sessions(self, session: SessionRecord) -> list[SessionRecord]:
        """The signed-in staff member's live sessions ("your sessions")."""
        with self.store.reading() as uow:
            return staff_sessions.list_sessions(
                uow, staff_id=session.staff_id, idle=self.config.session_idle
            )

    def has_password(self, session: SessionRecord) -> bool:
        with self.store.reading() as uow:
            return sign_in.password_hash(uow, staff_id=session.staff_id) is not None

    def set_password(
        self, session: SessionRecord, password: str | None, *, current: str | None = None
    ) -> int:
        """Set (or, with None, remove) the signed-in staff member's password and end their
        other sessions (this one stays): whoever signed in with the old password, or holds a
        stolen cookie, is out. How many other sessions were ended.
        A password already set is changed only with it (`current`), or from a session
        signed in within `RECENT_SIGN_IN` (a new sign-in link is how a forgotten password is
        replaced): a cookie left on a shared computer cannot lock its owner out.
        `crm_store.errors.InvalidValue` naming `password` when it breaks the length rule, or
        `current_password` when it is missing or wrong (audited)."""
        fresh = None if password is None else self.passwords.hash(password)
        with self.store.reading() as uow:
            stored = sign_in.password_hash(uow, staff_id=session.staff_id)
        recent = self._now() - session.created_at <= RECENT_SIGN_IN
        proven = recent or bool(current and stored and self.passwords.verify(stored, current))
        if stored is not None and not proven:
            with self.store.unit_of_work() as uow:
                _audit(uow, session, "console_password_refused", {})
            raise InvalidValue(
                "current_password",
                None,
                "your current password (forgotten: sign in with a new link, then set "
                f"one within {RECENT_SIGN_IN.seconds // 60} minutes)",
            )
        with self.store.unit_of_work() as uow:
            sign_in.set_password_hash(uow, staff_id=session.staff_id, password_hash=fresh)
            ended = staff_sessions.revoke_others(
                uow, staff_id=session.staff_id, keep_session_id=session.id
            )
            action = "console_password_removed" if fresh is None else "console_password_set"
            _audit(uow, session, action, {"other_sessions_ended": ended})
        return ended

    def _open(self, uow: UnitOfWork, staff_id: int, user_agent: str | None, by: str) -> SignedIn:
        record, token = staff_sessions.create_session(
            uow, staff_id=staff_id, user_agent=user_agent, lifetime=self.config.session_lifetime
        )
        _audit(uow, record, "console_sign_in", {"by": by, "session": record.id})
        return SignedIn(session=record, token=token)

    def _now(self) -> datetime:
        return self.store.clock.now()


def _one_active(
    uow: UnitOfWork, dealership_id: int, email: str
) -> tuple[StaffRecord | None, str | None]:
    """The one active staff member with this e-mail, or None and why not."""
    found = sign_in.staff_with_email(uow, dealership_id=dealership_id, email=email)
    active = [member for member in found if member.active]
    if len(active) == 1:
        return active[0], None
    if len(active) > 1:
        return None, f"{len(active)} active staff members share this e-mail; give each their own"
    if found:
        return None, "the staff member with this e-mail is no longer active"
    return None, "no staff member of this dealership has this e-mail"


def _audit(uow: UnitOfWork, session: SessionRecord, action: str, detail: dict[str, object]) -> None:
    audit.record(
        uow,
        dealership_id=session.dealership_id,
        via=VIA,
        actor=f"{session.staff_name} ({session.staff_handle})",
        staff_id=session.staff_id,
        action=action,
        target=f"staff:{session.staff_id}",
        detail=detail,
    )
