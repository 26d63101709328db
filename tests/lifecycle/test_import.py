"""Importing owners with their loans and leases, and book values, on both backends: rows
stored with their finance, customers found by phone or e-mail or created, a re-import
updates the same VINs, and a file with bad rows names every line and column and writes
nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from crm_store import customers
from crm_store.db import Store
from crm_store.ownership import Finance, list_book_values, list_ownerships
from signals.csv_rows import MAX_BYTES, CsvProblems
from signals.owner_import import (
    import_book_values,
    import_owners,
    parse_book_values,
    parse_owners,
)
from tests.factories import make_lot
from tests.lifecycle.owners_csv import BAD_OWNERS, BOOK_VALUES, OWNERS, OWNERS_AGAIN


def load(store: Store, dealership_id: int, text: str) -> tuple[int, int, int]:
    with store.unit_of_work() as uow:
        done = import_owners(uow, dealership_id=dealership_id, rows=parse_owners(text.encode()))
    return done.vehicles_created, done.vehicles_updated, done.customers_created


def test_a_good_file_stores_vehicles_finance_and_finds_or_makes_customers(store: Store) -> None:
    lot = make_lot(store)
    assert load(store, lot.dealer.id, OWNERS) == (2, 0, 1)
    with store.reading() as uow:
        owned = list_ownerships(uow, dealership_id=lot.dealer.id)
        jane = customers.owners_of_contacts(
            uow, dealership_id=lot.dealer.id, phones=(), emails=["JANE.ORTIZ@example.com"]
        )
        dana = customers.get_customer(uow, customer_id=lot.shopper.id)
    crv, accord = sorted(owned, key=lambda o: o.vehicle.year, reverse=True)
    assert crv.customer_id == lot.shopper.id  # found by the phone, written another way
    assert dana.email == "dana@example.com"  # filled in
    assert (crv.vehicle.mileage, crv.vehicle.mileage_on, crv.vehicle.bought_here) == (
        41_200,
        date(2026, 11, 20),
        True,
    )
    assert crv.vehicle.purchase_price == Decimal(31_500)
    assert crv.vehicle.finance == Finance("lease", date(2024, 3, 5), 36, residual=Decimal(19_000))
    assert accord.customer_id in jane and accord.customer_name == "Jane Ortiz"
    assert accord.vehicle.warranty_ends_on == date(2027, 2, 1)
    assert accord.vehicle.finance == Finance(
        "loan", date(2022, 6, 1), 60, apr=Decimal("4.900"), amount_financed=Decimal(24_000)
    )


def test_importing_the_same_vins_again_updates_them(store: Store) -> None:
    lot = make_lot(store)
    load(store, lot.dealer.id, OWNERS)
    assert load(store, lot.dealer.id, OWNERS_AGAIN) == (0, 2, 0)
    with store.reading() as uow:
        owned = list_ownerships(uow, dealership_id=lot.dealer.id)
        known = customers.list_customers(uow, dealership_id=lot.dealer.id)
    assert sorted(o.vehicle.mileage or 0 for o in owned) == [39_100, 43_500]
    assert all(o.vehicle.finance is None for o in owned)  # the new file has none
    assert len(known) == 2
    jane = next(c for c in known if c.name == "Jane Ortiz")
    assert jane.phone == "+15551230002"  # found by e-mail again; the phone filled in


def test_a_bad_file_names_each_line_and_column_and_writes_nothing(store: Store) -> None:
    lot = make_lot(store)
    with pytest.raises(CsvProblems) as raised:
        parse_owners(BAD_OWNERS.encode())
    assert raised.value.problems == [
        "line 3, column payoff: '12,4O0' is not an amount; expected dollars like 12400.00",
        "line 5, column vin: '1FTEW1EP5JKI12345' is not a VIN;"
        " expected 17 letters and digits (no I, O or Q)",
        "line 6, column finance_start: given without finance_kind;"
        " expected finance_kind loan or lease",
    ]
    with store.reading() as uow:
        assert list_ownerships(uow, dealership_id=lot.dealer.id) == []


def test_the_header_size_and_repeats_are_checked() -> None:
    with pytest.raises(CsvProblems) as raised:
        parse_owners(b"vin,year,make,model,payof\n")
    assert raised.value.problems[0].startswith("line 1: unknown column(s) 'payof'; expected")
    with pytest.raises(CsvProblems) as raised:
        parse_owners(b"x" * (MAX_BYTES + 1))
    assert "more than 5,242,880 bytes" in raised.value.problems[0]
    twice = OWNERS + OWNERS.splitlines()[1] + "\n"
    with pytest.raises(CsvProblems) as raised:
        parse_owners(twice.encode())
    assert raised.value.problems == [
        "line 4, column vin: '7FARW2H87ME012345' repeats line 2; expected each VIN once"
    ]
    many = "vin,year,make,model,phone\n" + "BAD,2020,Honda,Fit,5551230001\n" * 80
    with pytest.raises(CsvProblems) as raised:
        parse_owners(many.encode())
    assert (len(raised.value.problems), raised.value.total) == (50, 80)


def test_book_values_replace_the_table(store: Store) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        assert (
            import_book_values(
                uow, dealership_id=lot.dealer.id, rows=parse_book_values(BOOK_VALUES.encode())
            )
            == 3
        )
    with store.unit_of_work() as uow:
        rows = parse_book_values(
            b"year,make,model,mileage_low,mileage_high,value\n2021,Honda,CR-V,0,59999,21500\n"
        )
        import_book_values(uow, dealership_id=lot.dealer.id, rows=rows)
    with store.reading() as uow:
        table = list_book_values(uow, dealership_id=lot.dealer.id)
    assert [(b.trim, b.value) for b in table] == [("", Decimal(21_500))]
    with pytest.raises(CsvProblems) as raised:
        parse_book_values(
            b"year,make,model,trim,mileage_low,mileage_high,value\n"
            b"2021,Honda,CR-V,,60000,30000,1\n"
            b"2021,Honda,CR-V,,0,100,abc\n"
        )
    assert raised.value.problems == [
        "line 2, column mileage_high: 30,000 is below mileage_low 60,000; expected more",
        "line 3, column value: 'abc' is not an amount; expected dollars like 12400.00",
    ]


def test_a_spreadsheet_export_with_bom_and_crlf_reads_and_latin_1_is_refused() -> None:
    exported = "\ufeff" + OWNERS.replace("\n", "\r\n")
    assert [r.line for r in parse_owners(exported.encode())] == [2, 3]
    with pytest.raises(CsvProblems) as raised:
        parse_owners(OWNERS.replace("Ortiz", "Ordóñez").encode("latin-1"))
    assert raised.value.problems[0].endswith("not UTF-8 text; expected the CSV saved as UTF-8")
