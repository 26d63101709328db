"""The built-in valuation: the dealership's book-value table (exact trim, else any trim;
mileage bands with both ends included), else a depreciation estimate from the purchase
price, else no value; always saying which it used."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from crm_store.ownership import BookValue, OwnedVehicleFacts
from signals.valuation import BOOK, DEPRECIATION, BookTableValuation, Valued

TODAY = date(2026, 12, 5)
TABLE = [
    BookValue(2021, "Honda", "CR-V", "EX", 0, 29_999, Decimal(26_000)),
    BookValue(2021, "Honda", "CR-V", "EX", 30_000, 59_999, Decimal(23_200)),
    BookValue(2021, "Honda", "CR-V", "", 0, 59_999, Decimal(21_000)),
    BookValue(2020, "Honda", "CR-V", "EX", 30_000, 59_999, Decimal(20_500)),
]
CRV = OwnedVehicleFacts(
    vin="7FARW2H87ME012345", year=2021, make="Honda", model="CR-V", trim="EX", mileage=41_200
)
books = BookTableValuation(TABLE)


def value(vehicle: OwnedVehicleFacts) -> Valued | None:
    return books.value(vehicle, today=TODAY)


def test_the_row_of_the_exact_trim_and_mileage_band() -> None:
    assert value(CRV) == Valued(Decimal(23_200), BOOK)
    assert value(replace(CRV, make="HONDA", model=" cr-v ", trim="ex")) == Valued(
        Decimal(23_200), BOOK
    )
    assert value(replace(CRV, year=2020)) == Valued(Decimal(20_500), BOOK)


def test_band_ends_are_both_included() -> None:
    assert value(replace(CRV, mileage=29_999)) == Valued(Decimal(26_000), BOOK)
    assert value(replace(CRV, mileage=30_000)) == Valued(Decimal(23_200), BOOK)
    assert value(replace(CRV, mileage=0)) == Valued(Decimal(26_000), BOOK)
    assert value(replace(CRV, mileage=60_000)) is None  # past every band, no price known


def test_another_trim_falls_back_to_the_any_trim_row() -> None:
    assert value(replace(CRV, trim="Touring")) == Valued(Decimal(21_000), BOOK)
    assert value(replace(CRV, trim=None)) == Valued(Decimal(21_000), BOOK)
    # no any-trim row for 2020: depreciation instead
    bought = replace(CRV, year=2020, trim="LX", purchase_price=Decimal(30_000), purchased_on=TODAY)
    assert value(bought) == Valued(Decimal(30_000), DEPRECIATION)


def test_without_a_row_the_purchase_price_depreciates_15_percent_a_year() -> None:
    bought = replace(
        CRV, model="Pilot", purchase_price=Decimal(30_000), purchased_on=date(2024, 12, 5)
    )
    estimate = value(bought)
    assert estimate is not None and estimate.source == DEPRECIATION
    assert abs(estimate.value - Decimal(21_675)) < 20  # 30,000 x 0.85 x 0.85, two years
    slower = BookTableValuation(TABLE, depreciation_per_year=Decimal("0.10"))
    later = slower.value(bought, today=TODAY)
    assert later is not None and abs(later.value - Decimal(24_300)) < 20


def test_nothing_known_is_no_value() -> None:
    assert value(replace(CRV, model="Pilot")) is None
    assert value(replace(CRV, mileage=None)) is None  # no band without a mileage
    assert value(replace(CRV, model="Pilot", purchase_price=Decimal(30_000))) is None
