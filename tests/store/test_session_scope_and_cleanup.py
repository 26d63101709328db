"""Sessions scoped to a handoff, ending a staff member's other sessions, and purging old
sign-in links and ended sessions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import audit, conversations, handoffs, sign_in, staff_sessions
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.models import AuditEntry, SignInLink, StaffSession
from crm_store.records import ConversationRecord
from crm_store.types import Channel, LinkPurpose
from tests.factories import Lot, make_lot

RETENTION = timedelta(days=30)


def _handoff(store: Store, lot: Lot) -> tuple[int, ConversationRecord]:
    with store.unit_of_work() as uow:
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, channel=Channel.SMS
        )
        found = handoffs.create_handoff(
            uow,
            dealership_id=lot.dealer.id,
            conversation_id=convo.id,
            customer_id=lot.shopper.id,
            reasons=["financing"],
            confidence=0.9,
        )
    return found.id, convo


def test_a_scoped_session_names_its_handoff_and_conversation(store: Store) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="desert-sun-toyota")
    handoff_id, convo = _handoff(store, lot)
    with store.unit_of_work() as uow:
        scoped, token = staff_sessions.create_session(
            uow, staff_id=lot.rep.id, user_agent=None, handoff_id=handoff_id
        )
        _, full_token = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
        with pytest.raises(NotFound):  # another dealership's staff member: not their handoff
            staff_sessions.create_session(
                uow, staff_id=other.rep.id, user_agent=None, handoff_id=handoff_id
            )
    assert (scoped.scoped, scoped.handoff_id, scoped.scope) == (True, handoff_id, convo.public_id)
    with store.reading() as uow:
        found = staff_sessions.authenticate(uow, token=token)
        full = staff_sessions.authenticate(uow, token=full_token)
        listed = staff_sessions.list_sessions(uow, staff_id=lot.rep.id)
    assert found is not None and (found.handoff_id, found.scope) == (handoff_id, convo.public_id)
    assert full is not None and (full.scoped, full.handoff_id, full.scope) == (False, None, None)
    assert {s.scope for s in listed} == {None, convo.public_id}


def test_revoking_the_others_keeps_this_session(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="desert-sun-toyota")
    with store.unit_of_work() as uow:
        here, here_token = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
        tokens = [
            staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)[1]
            for _ in range(2)
        ]
        _, elsewhere = staff_sessions.create_session(uow, staff_id=other.rep.id, user_agent=None)
    with store.unit_of_work() as uow:
        ended = staff_sessions.revoke_others(uow, staff_id=lot.rep.id, keep_session_id=here.id)
        assert ended == 2
        assert staff_sessions.authenticate(uow, token=here_token) is not None
        assert all(staff_sessions.authenticate(uow, token=t) is None for t in tokens)
        assert staff_sessions.authenticate(uow, token=elsewhere) is not None
        assert staff_sessions.revoke_others(uow, staff_id=lot.rep.id, keep_session_id=here.id) == 0


def ids_of(store: Store, table: type[StaffSession] | type[SignInLink]) -> set[int]:
    """The ids of the rows in `table` (sessions or sign-in links)."""
    with store.reading() as uow:
        return set(uow.session.scalars(sa.select(table.id)))


def test_purging_deletes_only_what_ended_before_the_retention(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        revoked, _ = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
        staff_sessions.revoke_session(uow, staff_id=lot.rep.id, session_id=revoked.id)
        staff_sessions.create_session(  # expires after an hour
            uow, staff_id=lot.rep.id, user_agent=None, lifetime=timedelta(hours=1)
        )
        staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)  # idles out
        _, used_token = sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.LOGIN)
        sign_in.redeem_link(uow, token=used_token)
        sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.LOGIN)  # lapses
        audit.record(
            uow,
            dealership_id=lot.dealer.id,
            via="console",
            actor="Maria Lopez (maria)",
            staff_id=lot.rep.id,
            action="console_sign_in",
            target=f"staff:{lot.rep.id}",
            detail={"session": revoked.id},
        )
    # 30 days less a minute later, everything above ended, but not yet 30 days ago
    clock.advance(RETENTION - timedelta(minutes=1))
    with store.unit_of_work() as uow:
        invite, _ = sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.INVITE)
        before = uow.now() - RETENTION
        assert staff_sessions.purge(uow, ended_before=before) == 0
        assert sign_in.purge_links(uow, done_before=before) == 0
    clock.advance(timedelta(hours=3))  # all of them ended more than 30 days ago now
    with store.unit_of_work() as uow:
        live, live_token = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
        before = uow.now() - RETENTION
        assert staff_sessions.purge(uow, ended_before=before) == 3
        assert sign_in.purge_links(uow, done_before=before) == 2
        with pytest.raises(InvalidValue):
            staff_sessions.purge(uow, ended_before=uow.now() + timedelta(seconds=1))
    assert ids_of(store, StaffSession) == {live.id}  # not revoked, expired nor idled
    assert ids_of(store, SignInLink) == {invite.id}  # not used nor lapsed
    with store.reading() as uow:
        assert staff_sessions.authenticate(uow, token=live_token) is not None
        entries = uow.session.scalars(sa.select(AuditEntry.detail)).all()
    assert {"session": revoked.id} in entries  # the audit log keeps its entries
