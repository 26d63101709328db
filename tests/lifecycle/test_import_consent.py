"""The owners file's `sms_consent` column (both backends): the dealership's own record of who
said yes or no to texts, for the row's phone, from the row's date; a STOP texted since that
date wins, an undated yes never overrides a no on record, a no always applies; a consent
without a phone, or a date without a consent, is a problem naming line and column."""

from __future__ import annotations

from datetime import timedelta

import pytest

from contracts.clock import FrozenClock
from crm_store import customers
from crm_store.db import Store
from crm_store.types import Consent
from signals.csv_rows import CsvProblems
from signals.owner_import import import_owners, parse_owners
from tests.factories import Lot, make_lot

HEAD = "name,phone,vin,year,make,model,sms_consent,sms_consent_date\n"
DANA = "Dana Ruiz,(555) 123-0001,7FARW2H87ME012345,2021,Honda,CR-V"  # the lot's shopper


def load(store: Store, lot: Lot, *rows: str) -> int:
    with store.unit_of_work() as uow:
        done = import_owners(
            uow, dealership_id=lot.dealer.id, rows=parse_owners((HEAD + "".join(rows)).encode())
        )
    return done.consents_recorded


def consent(store: Store, lot: Lot) -> tuple[Consent, str | None]:
    with store.reading() as uow:
        found = customers.get_customer(uow, customer_id=lot.shopper.id)
    return found.sms_consent, found.sms_consent_source


def stop(store: Store, lot: Lot) -> None:
    with store.unit_of_work() as uow:
        customers.record_consent(
            uow, customer_id=lot.shopper.id, state=Consent.REVOKED, source="sms_keyword"
        )


def test_a_dated_yes_is_recorded_and_a_later_stop_wins_over_it(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    assert load(store, lot, f"{DANA},y,2026-03-01\n") == 1
    assert consent(store, lot) == (Consent.GRANTED, "owners import")
    stop(store, lot)  # texted STOP on Mar 6
    assert load(store, lot, f"{DANA},y,2026-03-01\n") == 0  # the same old yes, imported again
    assert consent(store, lot) == (Consent.REVOKED, "sms_keyword")
    clock.advance(timedelta(days=3))
    assert load(store, lot, f"{DANA},y,2026-03-08\n") == 1  # signed up again at the store
    assert consent(store, lot) == (Consent.GRANTED, "owners import")


def test_an_undated_yes_never_overrides_a_no_and_a_no_always_applies(store: Store) -> None:
    lot = make_lot(store)
    assert load(store, lot, f"{DANA},n,\n") == 1
    assert consent(store, lot) == (Consent.REVOKED, "owners import")
    assert load(store, lot, f"{DANA},y,\n") == 0
    assert consent(store, lot) == (Consent.REVOKED, "owners import")
    assert load(store, lot, f"{DANA},,\n") == 0  # empty: unknown, nothing changes


def test_an_undated_yes_for_a_customer_with_none_on_record_is_recorded(store: Store) -> None:
    lot = make_lot(store)
    assert load(store, lot, f"{DANA},yes,\n") == 1
    assert consent(store, lot) == (Consent.GRANTED, "owners import")


def test_a_consent_without_its_phone_or_a_date_without_a_consent_is_named() -> None:
    rows = (
        "Ann Lee,,2T1BURHE0JC012345,2018,Toyota,Corolla,y,2026-03-01\n"
        "Bo Park,555-123-0012,5YJ3E1EA7KF312345,2019,Tesla,Model 3,,2026-03-01\n"
        "Cy Diaz,555-123-0013,1FTEW1EP5JK012345,2018,Ford,F-150,maybe,\n"
    )
    with pytest.raises(CsvProblems) as found:
        parse_owners((HEAD + rows).encode())
    text = str(found.value)
    assert "line 2, column sms_consent: given without phone" in text
    assert "line 3, column sms_consent_date: given without sms_consent" in text
    assert "line 4, column sms_consent: 'maybe'" in text
