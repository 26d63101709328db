"""The equity report: every owned vehicle of a dealership that raises a lifecycle flag, with
its numbers in one line a salesperson reads ("Jane Ortiz: 2021 Honda CR-V EX, 41,200 mi;
about $4,200 equity (18%) by book value table; lease ends in 3 months (Mar 1, 2027)").

It reads the store once (the owned vehicles and the book-value table) and computes the rest
with the pure `signals.valuation` and `signals.lifecycle`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from crm_store.ownership import list_book_values, list_ownerships
from crm_store.uow import UnitOfWork
from signals.lifecycle import Assessment, assess, describe
from signals.lifecycle_config import LifecycleConfig
from signals.valuation import BookTableValuation, Valuation


@dataclass(frozen=True, slots=True)
class FlaggedOwner:
    customer_id: int
    customer_name: str | None
    assessment: Assessment

    def line(self) -> str:
        words = [describe(self.assessment.vehicle), *(f.words for f in self.assessment.flags)]
        return f"{self.customer_name or f'Customer {self.customer_id}'}: " + "; ".join(words)

    def as_json(self) -> dict[str, Any]:
        vehicle, worth = self.assessment.vehicle, self.assessment.equity
        return {
            "customer_id": self.customer_id,
            "customer": self.customer_name,
            "vehicle": describe(vehicle),
            "vin": vehicle.vin,
            "value": None if worth is None else str(worth.valued.value),
            "value_source": None if worth is None else worth.valued.source,
            "owed": None if worth is None else str(worth.owed),
            "owed_how": None if worth is None else worth.owed_how,
            "equity": None if worth is None else str(worth.amount),
            "equity_percent": None if worth is None else str(worth.percent),
            "flags": [{"kind": f.kind, "words": f.words} for f in self.assessment.flags],
        }


def flagged_owners(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    today: date,
    config: LifecycleConfig,
    valuation: Valuation | None = None,
) -> list[FlaggedOwner]:
    """The dealership's flagged vehicles on `today`, by customer; `valuation` defaults to the
    dealership's book-value table with the configured depreciation fallback."""
    if valuation is None:
        table = list_book_values(uow, dealership_id=dealership_id)
        valuation = BookTableValuation(table, depreciation_per_year=config.depreciation_per_year)
    found = []
    for owned in list_ownerships(uow, dealership_id=dealership_id):
        valued = valuation.value(owned.vehicle, today=today)
        result = assess(owned.vehicle, valued=valued, today=today, config=config)
        if result.flags:
            found.append(FlaggedOwner(owned.customer_id, owned.customer_name, result))
    return found
