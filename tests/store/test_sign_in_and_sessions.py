"""Console sign-in links and sessions in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from contracts.clock import FrozenClock
from crm_store import sign_in, staff_sessions
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.models import SignInLink, Staff
from crm_store.types import LinkPurpose
from tests.factories import make_lot


def _deactivate(store: Store, staff_id: int) -> None:
    with store.unit_of_work() as uow:
        uow.session.get(Staff, staff_id).active = False  # left the dealership


def test_a_link_is_kept_as_a_hash_and_works_once(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        issued, token = sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.LOGIN)
        stored = uow.session.get(SignInLink, issued.id)
        assert stored is not None and token not in stored.token_hash
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    clock.advance(timedelta(minutes=3))
    with store.unit_of_work() as uow:
        used = sign_in.redeem_link(uow, token=token)
    assert (used.staff_id, used.dealership_id) == (lot.rep.id, lot.dealer.id)
    assert used.used_at == clock.now() and used.purpose is LinkPurpose.LOGIN
    with store.unit_of_work() as uow, pytest.raises(NotFound, match="unknown, used or expired"):
        sign_in.redeem_link(uow, token=token)


def test_a_login_link_works_until_fifteen_minutes_and_an_invite_for_a_week(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        _, early = sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.LOGIN)
        _, late = sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.LOGIN)
        invite, invited = sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.INVITE)
    assert invite.expires_at == clock.now() + timedelta(days=7)
    clock.advance(timedelta(minutes=15) - timedelta(microseconds=1))
    with store.unit_of_work() as uow:
        sign_in.redeem_link(uow, token=early)
    clock.advance(timedelta(microseconds=1))  # exactly at expires_at: no longer good
    with store.unit_of_work() as uow, pytest.raises(NotFound):
        sign_in.redeem_link(uow, token=late)
    clock.advance(timedelta(days=6, hours=23))
    with store.unit_of_work() as uow:
        assert sign_in.redeem_link(uow, token=invited).purpose is LinkPurpose.INVITE


def test_unknown_expired_and_inactive_links_fail_alike(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        _, expiring = sign_in.issue_link(
            uow, staff_id=lot.rep.id, purpose=LinkPurpose.LOGIN, valid_for=timedelta(minutes=1)
        )
        _, leaver = sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.INVITE)
    clock.advance(timedelta(minutes=2))
    _deactivate(store, lot.rep.id)
    messages = set()
    for token in (expiring, leaver, "not-a-link", "", "x" * 500):
        with store.unit_of_work() as uow, pytest.raises(NotFound) as failed:
            sign_in.redeem_link(uow, token=token)
        messages.add(str(failed.value))
    assert messages == {sign_in.UNUSABLE}
    with store.unit_of_work() as uow, pytest.raises(InvalidValue, match="staff"):
        sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.LOGIN)


def test_two_redeems_of_one_link_at_once_open_one_session(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        _, token = sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.LOGIN)
    # SQLite writers queue on the store's lock as they open their unit of work, so there only
    # PostgreSQL can have both transactions open before either redeems.
    barrier = threading.Barrier(2 if store.backend == "postgresql" else 1)

    def redeem(_: int) -> str:
        with store.unit_of_work() as uow:
            staff_sessions.list_sessions(uow, staff_id=lot.rep.id)  # the transaction is open
            barrier.wait(timeout=10)
            try:
                sign_in.redeem_link(uow, token=token)
            except NotFound:
                return "refused"
            staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
            return "signed in"

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert sorted(pool.map(redeem, range(2), timeout=30)) == ["refused", "signed in"]
    with store.reading() as uow:
        assert len(staff_sessions.list_sessions(uow, staff_id=lot.rep.id)) == 1


def test_staff_are_found_by_email_within_their_dealership_only(store: Store) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="desert-sun-toyota")  # the same e-mail at another dealership
    with store.reading() as uow:
        found = sign_in.staff_with_email(
            uow, dealership_id=lot.dealer.id, email="  Maria@HarborPoint.example "
        )
        assert sign_in.staff_with_email(uow, dealership_id=lot.dealer.id, email="") == []
    assert [m.id for m in found] == [lot.rep.id] and other.rep.id != lot.rep.id


def test_a_password_hash_is_set_replaced_and_removed(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        assert sign_in.password_hash(uow, staff_id=lot.rep.id) is None
        sign_in.set_password_hash(uow, staff_id=lot.rep.id, password_hash="$argon2id$one")
        sign_in.set_password_hash(uow, staff_id=lot.rep.id, password_hash="$argon2id$two")
    with store.unit_of_work() as uow:
        assert sign_in.password_hash(uow, staff_id=lot.rep.id) == "$argon2id$two"
        sign_in.set_password_hash(uow, staff_id=lot.rep.id, password_hash=None)
        assert sign_in.password_hash(uow, staff_id=lot.rep.id) is None
        with pytest.raises(NotFound, match="staff"):
            sign_in.set_password_hash(uow, staff_id=9999, password_hash="$argon2id$x")


def test_a_session_ends_after_two_idle_hours(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        _, token = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent="Firefox")
    clock.advance(timedelta(hours=2) - timedelta(seconds=1))
    with store.unit_of_work() as uow:
        live = staff_sessions.authenticate(uow, token=token)
        assert live is not None and live.dealership_id == lot.dealer.id
        assert staff_sessions.touch(uow, session_id=live.id)
        assert not staff_sessions.touch(uow, session_id=live.id)  # stamped a moment ago
    clock.advance(timedelta(hours=2) - timedelta(seconds=1))
    with store.reading() as uow:
        assert staff_sessions.authenticate(uow, token=token) is not None
    clock.advance(timedelta(seconds=1))
    with store.reading() as uow:
        assert staff_sessions.authenticate(uow, token=token) is None


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        _, token = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
    for _ in range(11):
        clock.advance(timedelta(hours=1))
        with store.unit_of_work() as uow:
            live = staff_sessions.authenticate(uow, token=token)
            assert live is not None
            staff_sessions.touch(uow, session_id=live.id)
    clock.advance(timedelta(minutes=59))
    with store.reading() as uow:
        assert staff_sessions.authenticate(uow, token=token) is not None
    clock.advance(timedelta(minutes=1))
    with store.reading() as uow:
        assert staff_sessions.authenticate(uow, token=token) is None


def test_revoking_one_session_or_all_of_them(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="desert-sun-toyota")
    with store.unit_of_work() as uow:
        phone, phone_token = staff_sessions.create_session(
            uow, staff_id=lot.rep.id, user_agent="Safari on iPhone"
        )
        clock.advance(timedelta(minutes=5))
        _, desk_token = staff_sessions.create_session(
            uow, staff_id=lot.rep.id, user_agent="Chrome " + "x" * 400
        )
        _, elsewhere = staff_sessions.create_session(uow, staff_id=other.rep.id, user_agent="")
    with store.unit_of_work() as uow:
        listed = staff_sessions.list_sessions(uow, staff_id=lot.rep.id)
        assert [s.user_agent[:7] for s in listed if s.user_agent] == ["Chrome ", "Safari "]
        assert len(listed[0].user_agent or "") == staff_sessions.USER_AGENT_LENGTH
        assert listed[0].csrf_secret != listed[1].csrf_secret
        assert listed[0].csrf_secret not in repr(listed[0])
        with pytest.raises(NotFound):
            staff_sessions.revoke_session(uow, staff_id=other.rep.id, session_id=phone.id)
        staff_sessions.revoke_session(uow, staff_id=lot.rep.id, session_id=phone.id)
        assert staff_sessions.authenticate(uow, token=phone_token) is None
        assert staff_sessions.authenticate(uow, token=desk_token) is not None
        assert staff_sessions.revoke_all(uow, staff_id=lot.rep.id) == 1
        assert staff_sessions.authenticate(uow, token=desk_token) is None
        assert staff_sessions.list_sessions(uow, staff_id=lot.rep.id) == []
        assert staff_sessions.authenticate(uow, token=elsewhere) is not None


def test_an_inactive_staff_members_sessions_stop_at_once(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        _, token = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
    _deactivate(store, lot.rep.id)
    with store.unit_of_work() as uow:
        assert staff_sessions.authenticate(uow, token=token) is None
        with pytest.raises(NotFound):
            staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
