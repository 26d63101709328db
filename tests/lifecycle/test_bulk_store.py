"""The batched store calls an import of tens of thousands of rows relies on, on both
backends: customers found or created for a whole file as one lookup after another would
(a later row finds what an earlier row created or filled in), vehicles saved by VIN with
their finance, and a number of queries that does not grow with the rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from crm_store import customers
from crm_store.customers import ContactGiven
from crm_store.db import Store
from crm_store.ownership import (
    Finance,
    OwnedVehicleFacts,
    list_ownerships,
    save_owned_vehicles,
)
from crm_store.timeline import customer_timeline
from tests.factories import make_lot
from tests.signals.test_lead_scores import counted

LEASE = Finance("lease", date(2024, 3, 5), 36, residual=Decimal(19_000))


def test_a_file_finds_and_fills_in_customers_as_one_row_after_another(store: Store) -> None:
    lot = make_lot(store)  # the shopper: +15551230001, no e-mail
    contacts = [
        ContactGiven("Dana Ruiz", "+15551230001", "dana@example.com"),  # known by phone
        ContactGiven(None, None, "DANA@example.com"),  # the e-mail row 1 filled in
        ContactGiven("Jane Ortiz", None, "jane@example.com"),  # new, no phone
        ContactGiven(None, "+15551230002", "jane@example.com"),  # Jane: gets the phone
        ContactGiven("Jane", "+15551230002", None),  # found by the phone row 4 gave
        ContactGiven("Bo Park", "+15551230003", None),  # new by phone
    ]
    with store.unit_of_work() as uow:
        found = customers.find_or_create_by_contacts(
            uow, dealership_id=lot.dealer.id, contacts=contacts, source="test import"
        )
    dana, jane, bo = lot.shopper.id, found[2][0], found[5][0]
    expected = [(dana, False), (dana, False), (jane, True), (jane, False), (jane, False)]
    assert found == [*expected, (bo, True)]
    with store.reading() as uow:
        got = {c.id: c for c in customers.list_customers(uow, dealership_id=lot.dealer.id)}
        jane_events = customer_timeline(uow, customer_id=jane)
    assert len(got) == 3
    assert (got[dana].name, got[dana].email) == ("Dana Ruiz", "dana@example.com")
    assert (got[jane].name, got[jane].phone, got[jane].email) == (
        "Jane Ortiz",  # "Jane" never shortens what is known
        "+15551230002",
        "jane@example.com",
    )
    assert (got[bo].name, got[bo].phone) == ("Bo Park", "+15551230003")
    assert [(e.kind, e.data) for e in jane_events] == [
        ("customer_created", {"source": "test import"}),
        ("contact_updated", {"fields": ["email"]}),
        ("contact_updated", {"fields": ["phone"]}),
    ]


def test_an_email_shared_by_two_customers_finds_the_first(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        first = customers.upsert_customer(
            uow, dealership_id=lot.dealer.id, phone="+15551230005", email="pat@example.com"
        )
        customers.upsert_customer(
            uow, dealership_id=lot.dealer.id, phone="+15551230006", email="Pat@Example.com"
        )
        found = customers.find_or_create_by_contacts(
            uow,
            dealership_id=lot.dealer.id,
            contacts=[ContactGiven(None, None, "pat@example.com")],
            source="test import",
        )
    assert found == [(first.id, False)]


def test_looking_up_a_whole_file_takes_the_same_queries_for_10_or_200_rows(
    store: Store,
) -> None:
    lot = make_lot(store)

    def run(count: int, offset: int) -> int:
        people = [
            ContactGiven(f"Owner {n}", f"+1707400{n:04d}", f"o{n}@example.com")
            for n in range(offset, offset + count)
        ]
        with counted(store) as seen, store.unit_of_work() as uow:
            customers.find_or_create_by_contacts(
                uow, dealership_id=lot.dealer.id, contacts=people, source="test import"
            )
            customers.find_or_create_by_contacts(  # all found this time
                uow, dealership_id=lot.dealer.id, contacts=people, source="test import"
            )
        return _statements(seen)

    assert run(10, 0) == run(200, 1000)


def test_vehicles_saved_by_vin_update_move_and_replace_their_finance(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        other = customers.upsert_customer(uow, dealership_id=lot.dealer.id, phone="+15551230009")
    crv = OwnedVehicleFacts("7FARW2H87ME012345", 2021, "Honda", "CR-V", finance=LEASE)
    accord = OwnedVehicleFacts("1HGCV1F34LA123456", 2020, "Honda", "Accord", mileage=38_000)
    with store.unit_of_work() as uow:
        first = save_owned_vehicles(
            uow, dealership_id=lot.dealer.id, owned=[(lot.shopper.id, crv), (other.id, accord)]
        )
    sold = OwnedVehicleFacts("7FARW2H87ME012345", 2021, "Honda", "CR-V", mileage=50_000)
    financed = OwnedVehicleFacts("1HGCV1F34LA123456", 2020, "Honda", "Accord", finance=LEASE)
    with store.unit_of_work() as uow:
        again = save_owned_vehicles(
            uow, dealership_id=lot.dealer.id, owned=[(other.id, sold), (other.id, financed)]
        )
        owned = {o.vehicle.vin: o for o in list_ownerships(uow, dealership_id=lot.dealer.id)}
    assert (first, again) == ([True, True], [False, False])
    assert owned[crv.vin].customer_id == other.id  # the CR-V changed hands
    assert owned[crv.vin].vehicle.finance is None  # its lease is gone
    assert owned[crv.vin].vehicle.mileage == 50_000
    assert owned[accord.vin].vehicle.finance == LEASE
    assert owned[accord.vin].vehicle.mileage is None  # saved as given


def test_saving_vehicles_takes_the_same_queries_for_10_or_200(store: Store) -> None:
    lot = make_lot(store)

    def vehicles(count: int, offset: int) -> list[tuple[int, OwnedVehicleFacts]]:
        return [
            (
                lot.shopper.id,
                OwnedVehicleFacts(
                    f"1HGCV1F34LA{n:06d}", 2020, "Honda", "Accord", finance=LEASE if n % 2 else None
                ),
            )
            for n in range(offset, offset + count)
        ]

    def run(owned: list[tuple[int, OwnedVehicleFacts]], change: Callable[[int], bool]) -> int:
        with counted(store) as seen, store.unit_of_work() as uow:
            save_owned_vehicles(uow, dealership_id=lot.dealer.id, owned=owned)
            flipped = [
                (c, OwnedVehicleFacts(v.vin, v.year, v.make, v.model, finance=LEASE))
                if change(n)
                else (c, OwnedVehicleFacts(v.vin, v.year, v.make, v.model))
                for n, (c, v) in enumerate(owned)
            ]
            save_owned_vehicles(uow, dealership_id=lot.dealer.id, owned=flipped)
        return _statements(seen)

    assert run(vehicles(10, 0), lambda n: n % 2 == 0) == run(
        vehicles(200, 1000), lambda n: n % 2 == 0
    )


def _statements(seen: list[str]) -> int:
    """How many statements were sent, a multi-row INSERT counted once (SQLAlchemy cuts a
    long one into batches by the backend's parameter limit, not by the rows' number)."""
    return len({s for s in seen if s.lstrip().upper().startswith("INSERT")}) + sum(
        not s.lstrip().upper().startswith("INSERT") for s in seen
    )
