"""How a dealership tunes its equity and lifecycle flags (`signals.lifecycle`).

Every field has a default, so an absent setting means the built-in value. The world file
carries it as `signals: {lifecycle: {...}}` (`signals.config.SignalsConfig.lifecycle`).

`service_alert_flags`: the flags that make a customer in service worth a salesperson's
alert (`signals.rules.service_equity`): by default positive equity, a lease ending and a
loan well into its term, the three that mean a new car can cost the customer about what
they pay now. A warranty ending or high mileage alone is the service lane's business;
once a vehicle counts, its alert names all of its flags.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer


def _number(value: Decimal) -> int | float:
    # a world file writes numbers, not the strings a Decimal dumps to
    return int(value) if value == value.to_integral_value() else float(value)


Number = Annotated[Decimal, PlainSerializer(_number, when_used="json")]
FlagKind = Literal["equity", "lease_ending", "loan_term", "warranty_ending", "high_mileage"]


class LifecycleConfig(BaseModel):
    """The thresholds of each flag; what each flag means is in `signals.lifecycle`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # positive equity: flagged when equity is above BOTH buffers
    equity_min_dollars: Number = Field(default=Decimal(2000), ge=0)
    equity_min_percent: Number = Field(default=Decimal(10), ge=0, le=100)  # of the value
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
    depreciation_per_year: Number = Field(default=Decimal("0.15"), ge=0, lt=1)
    # the flags that make a customer in service worth an alert (module docstring)
    service_alert_flags: tuple[FlagKind, ...] = ("equity", "lease_ending", "loan_term")
