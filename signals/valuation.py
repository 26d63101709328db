"""What a customer's vehicle is worth today, and by what source: a `Valuation` turns vehicle
facts into a value with the source in words, so a flag can say how it knows.

The built-in `BookTableValuation` reads the dealership's own book-value table:
- the row of the vehicle's year, make and model (case and spaces aside) whose trim is the
  vehicle's and whose mileage band holds its mileage (both ends included); else such a row
  with a blank trim (any trim); where bands overlap, the one starting lowest wins. A vehicle
  without a recorded mileage matches no band. Source: "book value table".
- when no row fits, a depreciation estimate: the purchase price less `depreciation_per_year`
  (15% by default) compounded per year since the purchase date, fractions of a year
  included: `price * (1 - rate) ** (days / 365.25)`, to the dollar. Source: "depreciation
  estimate".
- with neither a row nor a purchase price and date: no value (None), and no equity is
  claimed.

Another source (a guide-book API, auction data) is another class with the same `value`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from crm_store.ownership import BookValue, OwnedVehicleFacts

BOOK = "book value table"
DEPRECIATION = "depreciation estimate"
DAYS_A_YEAR = Decimal("365.25")


@dataclass(frozen=True, slots=True)
class Valued:
    value: Decimal
    source: str  # in words, e.g. "book value table"


class Valuation(Protocol):
    def value(self, vehicle: OwnedVehicleFacts, *, today: date) -> Valued | None:
        """The vehicle's value on `today` and where it came from; None when unknown."""
        ...


def _key(year: int, make: str, model: str) -> tuple[int, str, str]:
    return year, " ".join(make.lower().split()), " ".join(model.lower().split())


def _trim(trim: str | None) -> str:
    return " ".join((trim or "").lower().split())


class BookTableValuation:
    """The dealership's book-value table, with the depreciation fallback (module docstring)."""

    def __init__(
        self, table: Sequence[BookValue], *, depreciation_per_year: Decimal = Decimal("0.15")
    ) -> None:
        self._rows: dict[tuple[int, str, str], list[BookValue]] = {}
        for row in sorted(table, key=lambda r: r.mileage_low):
            self._rows.setdefault(_key(row.year, row.make, row.model), []).append(row)
        self._rate = depreciation_per_year

    def value(self, vehicle: OwnedVehicleFacts, *, today: date) -> Valued | None:
        row = self._book_row(vehicle)
        if row is not None:
            return Valued(row.value, BOOK)
        if vehicle.purchase_price is None or vehicle.purchased_on is None:
            return None
        years = Decimal(max((today - vehicle.purchased_on).days, 0)) / DAYS_A_YEAR
        value = vehicle.purchase_price * (1 - self._rate) ** years
        return Valued(value.quantize(Decimal(1)), DEPRECIATION)

    def _book_row(self, vehicle: OwnedVehicleFacts) -> BookValue | None:
        if vehicle.mileage is None:
            return None
        rows = self._rows.get(_key(vehicle.year, vehicle.make, vehicle.model), [])
        in_band = [r for r in rows if r.mileage_low <= vehicle.mileage <= r.mileage_high]
        trim = _trim(vehicle.trim)
        exact = [r for r in in_band if trim and _trim(r.trim) == trim]
        for candidates in (exact, [r for r in in_band if not r.trim.strip()]):
            if candidates:
                return candidates[0]
        return None
