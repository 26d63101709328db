"""How a dealership tunes its equity and lifecycle flags (`signals.lifecycle`).

Every field has a default, so an absent setting means the built-in value. Kept apart from
the intent rules' `signals.config` for now; the world file will carry it later.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class LifecycleConfig(BaseModel):
    """The thresholds of each flag; what each flag means is in `signals.lifecycle`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # positive equity: flagged when equity is above BOTH buffers
    equity_min_dollars: Decimal = Field(default=Decimal(2000), ge=0)
    equity_min_percent: Decimal = Field(default=Decimal(10), ge=0, le=100)  # of the value
    # a lease whose last month is at most this many months away
    lease_end_months: int = Field(default=6, ge=0, le=60)
    # a loan with at least this share of its term behind it
    loan_term_percent: int = Field(default=75, ge=1, le=100)
    # a warranty ending in at most this many months, or this many miles
    warranty_end_months: int = Field(default=3, ge=0, le=60)
    warranty_end_miles: int = Field(default=3000, ge=0, le=100_000)
    # a vehicle with at least this many miles on it
    high_mileage: int = Field(default=100_000, ge=1)
    # the depreciation fallback of `signals.valuation`: share of value lost per year
    depreciation_per_year: Decimal = Field(default=Decimal("0.15"), ge=0, lt=1)
