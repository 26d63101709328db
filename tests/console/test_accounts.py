"""Signing staff in and out of the console, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from argon2 import PasswordHasher

from console.accounts import Accounts, IssuedLink, SignedIn
from console.config import ConsoleConfig
from console.passwords import Passwords
from contracts.clock import FrozenClock
from crm_store import audit, sign_in, staff
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.models import Staff
from crm_store.types import LinkPurpose, Role
from tests.factories import Lot, make_lot

PASSPHRASE = "harbor point night shift"
EMAIL = "maria@harborpoint.example"
# Real Argon2id with small costs: the default profile's 64 MiB per hash would make every
# test slow; `test_the_default_hasher_is_argon2id_with_rfc_9106_costs` checks the default.
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def accounts(store: Store) -> Accounts:
    config = ConsoleConfig(public_base_url="https://night.example/")
    return Accounts(store, config, Passwords(FAST))


def _link(accounts: Accounts, lot: Lot, email: str = EMAIL) -> IssuedLink:
    asked = accounts.request_link(dealership_id=lot.dealer.id, email=email)
    assert asked.link is not None, asked.refused
    return asked.link


def _token(link: IssuedLink) -> str:
    prefix = "https://night.example/console/sign-in/"
    assert link.url.startswith(prefix)
    return link.url.removeprefix(prefix)


def test_a_login_link_signs_the_staff_member_in_once(
    store: Store, accounts: Accounts, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    link = _link(accounts, lot, email=" MARIA@harborpoint.example")
    assert link.staff.id == lot.rep.id and link.purpose is LinkPurpose.LOGIN
    assert link.expires_at == clock.now() + timedelta(minutes=15)
    signed = accounts.redeem(token=_token(link), user_agent="Safari on iPhone")
    acting = accounts.check(signed.token)
    assert acting is not None and acting.id == signed.session.id
    assert (acting.staff_id, acting.role, acting.dealership_id) == (
        lot.rep.id,
        Role.SALES,
        lot.dealer.id,
    )
    with pytest.raises(NotFound):
        accounts.redeem(token=_token(link), user_agent=None)
    with store.reading() as uow:
        [entry] = audit.entries(uow, dealership_id=lot.dealer.id)
    assert (entry.action, entry.staff_id, entry.detail["by"]) == (
        "console_sign_in",
        lot.rep.id,
        "login",
    )
    assert signed.token not in repr(signed) and signed.session.csrf_secret not in repr(signed)


def test_unknown_inactive_and_shared_emails_get_no_link(store: Store, accounts: Accounts) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        for handle in ("sam", "sue"):  # two people on one team inbox
            staff.upsert_staff(
                uow,
                dealership_id=lot.dealer.id,
                handle=handle,
                name=handle.title(),
                role=Role.BDC,
                phone=None,
                email="bdc@harborpoint.example",
                shifts={0: (time(9), time(17))},
            )
    unknown = accounts.request_link(dealership_id=lot.dealer.id, email="who@example.com")
    shared = accounts.request_link(dealership_id=lot.dealer.id, email="bdc@harborpoint.example")
    with store.unit_of_work() as uow:
        uow.session.get(Staff, lot.rep.id).active = False
    gone = accounts.request_link(dealership_id=lot.dealer.id, email=EMAIL)
    assert (unknown.link, shared.link, gone.link) == (None, None, None)
    assert "no staff member" in (unknown.refused or "")
    assert "2 active staff members share" in (shared.refused or "")
    assert "no longer active" in (gone.refused or "")


def test_an_invite_link_works_for_a_week(
    store: Store, accounts: Accounts, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    invite = accounts.request_link(
        dealership_id=lot.dealer.id, email=EMAIL, purpose=LinkPurpose.INVITE
    ).link
    assert invite is not None
    clock.advance(timedelta(days=6))
    signed = accounts.redeem(token=_token(invite), user_agent=None)
    with store.reading() as uow:
        [entry] = audit.entries(uow, dealership_id=lot.dealer.id)
    assert entry.detail == {"by": "invite", "session": signed.session.id}


def test_last_use_is_stamped_at_most_once_a_minute(
    store: Store, accounts: Accounts, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    signed = accounts.redeem(token=_token(_link(accounts, lot)), user_agent=None)
    started = clock.now()
    clock.advance(timedelta(seconds=59))
    accounts.check(signed.token)
    [session] = accounts.sessions(signed.session)
    assert session.last_seen_at == started
    clock.advance(timedelta(seconds=1))
    accounts.check(signed.token)
    [session] = accounts.sessions(signed.session)
    assert session.last_seen_at == clock.now()
    clock.advance(timedelta(hours=2))
    assert accounts.check(signed.token) is None


def test_sign_out_and_sign_out_everywhere(store: Store, accounts: Accounts) -> None:
    lot = make_lot(store)
    phone = accounts.redeem(token=_token(_link(accounts, lot)), user_agent="phone")
    desk = accounts.redeem(token=_token(_link(accounts, lot)), user_agent="desk")
    laptop = accounts.redeem(token=_token(_link(accounts, lot)), user_agent="laptop")
    accounts.sign_out(phone.token)
    assert accounts.check(phone.token) is None and accounts.check(desk.token) is not None
    assert accounts.sign_out_everywhere(desk.session) == 2
    assert accounts.check(desk.token) is None and accounts.check(laptop.token) is None
    with store.reading() as uow:
        actions = [e.action for e in audit.entries(uow, dealership_id=lot.dealer.id)]
    assert actions[0] == "console_sign_out_everywhere"


def test_deactivating_staff_ends_their_console_access(store: Store, accounts: Accounts) -> None:
    lot = make_lot(store)
    signed = accounts.redeem(token=_token(_link(accounts, lot)), user_agent=None)
    accounts.set_password(signed.session, PASSPHRASE)
    with store.unit_of_work() as uow:
        uow.session.get(Staff, lot.rep.id).active = False
    assert accounts.check(signed.token) is None
    assert (
        accounts.sign_in_with_password(
            dealership_id=lot.dealer.id, email=EMAIL, password=PASSPHRASE, user_agent=None
        )
        is None
    )


def test_a_password_is_hashed_and_signs_in(store: Store, accounts: Accounts) -> None:
    lot = make_lot(store)
    signed = accounts.redeem(token=_token(_link(accounts, lot)), user_agent=None)
    with pytest.raises(InvalidValue, match="password") as short:
        accounts.set_password(signed.session, "hunter2")
    assert "hunter2" not in str(short.value)
    accounts.set_password(signed.session, PASSPHRASE)
    stored = _stored_hash(store, lot)
    assert PASSPHRASE not in stored and stored.startswith("$argon2id$")

    def by_password(email: str, password: str) -> SignedIn | None:
        return accounts.sign_in_with_password(
            dealership_id=lot.dealer.id, email=email, password=password, user_agent="desk"
        )

    assert by_password(EMAIL, PASSPHRASE + "!") is None
    assert by_password("nobody@example.com", PASSPHRASE) is None
    again = by_password(EMAIL, PASSPHRASE)
    assert again is not None and again.session.staff_id == lot.rep.id
    assert by_password(EMAIL, "ｈａｒｂｏｒ point night shift") is not None  # NFKC: the same
    accounts.set_password(signed.session, None)
    assert by_password(EMAIL, PASSPHRASE) is None


def test_an_older_hash_is_replaced_on_sign_in(store: Store, accounts: Accounts) -> None:
    lot = make_lot(store)
    signed = accounts.redeem(token=_token(_link(accounts, lot)), user_agent=None)
    older = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    Accounts(store, accounts.config, Passwords(older)).set_password(signed.session, PASSPHRASE)
    assert accounts.passwords.needs_rehash(_stored_hash(store, lot))
    assert accounts.sign_in_with_password(
        dealership_id=lot.dealer.id, email=EMAIL, password=PASSPHRASE, user_agent=None
    )
    assert not accounts.passwords.needs_rehash(_stored_hash(store, lot))
    assert accounts.passwords.verify(_stored_hash(store, lot), PASSPHRASE)


def test_the_same_email_at_another_dealership_is_another_account(
    store: Store, accounts: Accounts
) -> None:
    harbor = make_lot(store)
    desert = make_lot(store, slug="desert-sun-toyota")  # make_lot gives both the same e-mail
    at_harbor = accounts.redeem(token=_token(_link(accounts, harbor)), user_agent=None)
    at_desert = accounts.redeem(token=_token(_link(accounts, desert)), user_agent=None)
    assert at_harbor.session.dealership_id == harbor.dealer.id
    assert at_desert.session.dealership_id == desert.dealer.id
    assert at_harbor.session.staff_id == harbor.rep.id != at_desert.session.staff_id
    accounts.set_password(at_harbor.session, PASSPHRASE)
    assert (
        accounts.sign_in_with_password(
            dealership_id=desert.dealer.id, email=EMAIL, password=PASSPHRASE, user_agent=None
        )
        is None
    )
    accounts.sign_out_everywhere(at_harbor.session)
    assert accounts.check(at_desert.token) is not None


def test_the_default_hasher_is_argon2id_with_rfc_9106_costs() -> None:
    passwords = Passwords()
    stored = passwords.hash(PASSPHRASE)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify(stored, PASSPHRASE) and not passwords.verify(stored, "x" * 15)
    assert not passwords.verify("not a hash", PASSPHRASE) and passwords.needs_rehash("junk")


def _stored_hash(store: Store, lot: Lot) -> str:
    with store.reading() as uow:
        found = sign_in.password_hash(uow, staff_id=lot.rep.id)
    assert found is not None
    return found
