"""API tokens, the audit log and typed contacts in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contracts.clock import FrozenClock
from crm_store import api_tokens, audit, customers
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.models import Staff
from tests.factories import make_lot


def test_a_token_is_kept_as_a_hash_and_acts_as_its_staff_member(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        record, token = api_tokens.create_token(
            uow, dealership_id=lot.dealer.id, name="rep phone", staff_id=lot.rep.id
        )
    with store.reading() as uow:
        found = api_tokens.authenticate(uow, token=token)
        assert api_tokens.authenticate(uow, token=token + "x") is None
        assert api_tokens.authenticate(uow, token="not-ours") is None
    assert found is not None and found.id == record.id and found.staff_id == lot.rep.id
    assert found.role is lot.rep.role and record.prefix == token[:10]


def test_use_is_stamped_at_most_every_five_minutes(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        record, _ = api_tokens.create_token(uow, dealership_id=lot.dealer.id, name="crm")
        api_tokens.mark_used(uow, token_id=record.id)
    first = clock.now()
    clock.advance(timedelta(minutes=2))
    with store.unit_of_work() as uow:
        api_tokens.mark_used(uow, token_id=record.id)
        [listed] = api_tokens.list_tokens(uow, dealership_id=lot.dealer.id)
    assert listed.last_used_at == first
    clock.advance(timedelta(minutes=4))
    with store.unit_of_work() as uow:
        api_tokens.mark_used(uow, token_id=record.id)
        [listed] = api_tokens.list_tokens(uow, dealership_id=lot.dealer.id)
    assert listed.last_used_at == clock.now() and listed.role is None  # an integration


def test_revoked_tokens_and_inactive_staff_are_refused(store: Store) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="desert-sun-toyota")
    with store.unit_of_work() as uow:
        record, token = api_tokens.create_token(uow, dealership_id=lot.dealer.id, name="crm")
        with pytest.raises(NotFound):
            api_tokens.revoke(uow, dealership_id=other.dealer.id, token_id=record.id)
        api_tokens.revoke(uow, dealership_id=lot.dealer.id, token_id=record.id)
        assert api_tokens.authenticate(uow, token=token) is None
        _, rep_token = api_tokens.create_token(
            uow, dealership_id=lot.dealer.id, name="rep", staff_id=lot.rep.id
        )
        uow.session.get(Staff, lot.rep.id).active = False  # left the dealership
        assert api_tokens.authenticate(uow, token=rep_token) is None
        with pytest.raises(InvalidValue, match="staff"):
            api_tokens.create_token(
                uow, dealership_id=other.dealer.id, name="x", staff_id=lot.rep.id
            )
        with pytest.raises(InvalidValue, match="name"):
            api_tokens.create_token(uow, dealership_id=lot.dealer.id, name="  ")


def test_audit_entries_newest_first_per_dealership(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="desert-sun-toyota")
    with store.unit_of_work() as uow:
        for action in ("staff_message", "appointment_status"):
            audit.record(
                uow,
                dealership_id=lot.dealer.id,
                via="token",
                actor="Maria Lopez (maria) via token 1",
                action=action,
                target="appointment:7",
                staff_id=lot.rep.id,
                detail={"to": "showed"},
            )
            clock.advance(timedelta(seconds=1))
        audit.record(
            uow, dealership_id=other.dealer.id, via="link", actor="x", action="a", target="t"
        )
        mine = audit.entries(uow, dealership_id=lot.dealer.id)
    assert [e.action for e in mine] == ["appointment_status", "staff_message"]
    assert mine[0].detail == {"to": "showed"} and mine[0].staff_id == lot.rep.id


def test_typed_contacts_fill_gaps_and_never_replace(store: Store) -> None:
    lot = make_lot(store)  # the shopper texts from +15551230001, e-mail unknown
    with store.unit_of_work() as uow:
        first = customers.update_contact(
            uow, customer_id=lot.shopper.id, phone="805-555-7788", email="dana@example.com"
        )
        again = customers.update_contact(
            uow, customer_id=lot.shopper.id, phone="(805) 555-7788", email="d.ruiz@example.com"
        )
        owners = customers.owners_of_contacts(
            uow, dealership_id=lot.dealer.id, phones=["+15551230001"], emails=["DANA@example.com"]
        )
    assert first.phone == "+15551230001" and first.email == "dana@example.com"
    assert first.extra_contacts == ("+18055557788",)
    assert again.extra_contacts == ("+18055557788", "d.ruiz@example.com")
    assert owners == {lot.shopper.id}
