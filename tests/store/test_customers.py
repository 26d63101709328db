"""Customers: one record per phone per dealership, consent kept with time and source."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from contracts.clock import FrozenClock
from crm_store import customers, timeline
from crm_store.db import Store
from crm_store.errors import InvalidValue
from crm_store.types import Consent
from tests.factories import make_lot


def test_phone_is_stored_in_e164_and_found_in_any_format(store: Store) -> None:
    lot = make_lot(store)
    assert lot.shopper.phone == "+15551230001"
    with store.unit_of_work() as uow:
        found = customers.find_by_phone(uow, dealership_id=lot.dealer.id, phone="555.123.0001")
    assert found is not None and found.id == lot.shopper.id and found.name == "Dana Ruiz"


def test_same_phone_is_one_customer_per_dealership(store: Store) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="other-store")
    with store.unit_of_work() as uow:
        again, created = customers.get_or_create_by_phone(
            uow, dealership_id=lot.dealer.id, phone="+1 (555) 123-0001", source="sms"
        )
        elsewhere, _ = customers.get_or_create_by_phone(
            uow, dealership_id=other.dealer.id, phone="+15551230001", source="sms"
        )
    assert not created and again.id == lot.shopper.id
    assert elsewhere.id != lot.shopper.id and elsewhere.dealership_id == other.dealer.id


def test_first_contact_from_many_threads_creates_one_customer(store: Store) -> None:
    lot = make_lot(store)

    def contact(_: int) -> int:
        with store.unit_of_work() as uow:
            record, _created = customers.get_or_create_by_phone(
                uow, dealership_id=lot.dealer.id, phone="+15557770000", source="sms"
            )
            return record.id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(contact, range(16)))
    assert len(ids) == 1
    with store.unit_of_work() as uow:
        numbers = [c.phone for c in customers.list_customers(uow, dealership_id=lot.dealer.id)]
    assert numbers.count("+15557770000") == 1


def test_bad_phone_names_the_field(store: Store) -> None:
    lot = make_lot(store)
    with (
        pytest.raises(InvalidValue, match="phone: 'call me' is not valid"),
        store.unit_of_work() as uow,
    ):
        customers.get_or_create_by_phone(
            uow, dealership_id=lot.dealer.id, phone="call me", source="sms"
        )


def test_consent_changes_are_kept_with_time_and_source(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    start = clock.now()
    with store.unit_of_work() as uow:
        customers.record_consent(
            uow, customer_id=lot.shopper.id, state=Consent.REVOKED, source="sms_stop", detail="STOP"
        )
    clock.advance(timedelta(hours=2))
    with store.unit_of_work() as uow:
        current = customers.record_consent(
            uow, customer_id=lot.shopper.id, state=Consent.GRANTED, source="sms_start"
        )
        history = customers.consent_history(uow, customer_id=lot.shopper.id)
        events = timeline.customer_timeline(uow, customer_id=lot.shopper.id)
    assert current.sms_consent is Consent.GRANTED
    assert current.sms_consent_at == start + timedelta(hours=2)
    assert [(h.state, h.source, h.at) for h in history] == [
        (Consent.REVOKED, "sms_stop", start),
        (Consent.GRANTED, "sms_start", start + timedelta(hours=2)),
    ]
    assert [e.data["state"] for e in events if e.kind == "consent_changed"] == [
        "revoked",
        "granted",
    ]


def test_contact_update_keeps_unchanged_fields_and_logs_changes(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        updated = customers.update_contact(
            uow, customer_id=lot.shopper.id, email="dana@example.com"
        )
        events = timeline.customer_timeline(uow, customer_id=lot.shopper.id)
    assert (updated.name, updated.email, updated.phone) == (
        "Dana Ruiz",
        "dana@example.com",
        "+15551230001",
    )
    assert events[-1].kind == "contact_updated" and events[-1].data == {"fields": ["email"]}
    assert updated.assigned_staff_id == lot.rep.id
