"""Equity and lifecycle flags: pure functions of one owned vehicle, its value and a date,
each flag with its numbers in words for the salesperson who reads it.

The flags (thresholds in `signals.lifecycle_config.LifecycleConfig`):
- `equity`: the value (`signals.valuation`) less what is owed is above BOTH buffers, the
  dollar one and the percent-of-value one (equal to a buffer is not above it). Owed: a
  loan's payoff, a lease's residual, nothing for a vehicle owned outright. A loan's payoff
  is the lender's figure when the import gave one; else it is amortised (below); else
  unknown, and so is the equity.
- `lease_ending`: the lease's end (start + term months) is today or later and at most
  `lease_end_months` calendar months away (exactly N months away counts).
- `loan_term`: at least `loan_term_percent` of the loan's months have passed (k payments
  made after k whole months from the start) and it is not yet over.
- `warranty_ending`: the warranty ends today or within `warranty_end_months` calendar
  months, or its miles run out within `warranty_end_miles` of the recorded mileage.
- `high_mileage`: the recorded mileage is at least `high_mileage`.

Amortised payoff (a level-payment loan, first payment one month after the start):
r = APR / 12 / 100, n = term months, k = whole months since the start (at most n); the
payment P is the given monthly payment, else L * r / (1 - (1 + r) ** -n) from the amount
financed L (L / n when r = 0); the balance is P * (1 - (1 + r) ** -(n - k)) / r, the
present value of the payments left (P * (n - k) when r = 0).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crm_store.ownership import Finance, OwnedVehicleFacts
from signals.lifecycle_config import LifecycleConfig
from signals.valuation import Valued

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str  # equity, lease_ending, loan_term, warranty_ending, high_mileage
    words: str  # e.g. "lease ends in 3 months (Mar 1, 2027)"


@dataclass(frozen=True, slots=True)
class Equity:
    amount: Decimal  # value - owed; negative when under water
    percent: Decimal  # of the value
    valued: Valued
    owed: Decimal
    owed_how: str  # "payoff as of Nov 1, 2026", "amortised payoff", "residual", ...


@dataclass(frozen=True, slots=True)
class Assessment:
    vehicle: OwnedVehicleFacts
    valued: Valued | None
    equity: Equity | None
    flags: tuple[Flag, ...]


def assess(
    vehicle: OwnedVehicleFacts, *, valued: Valued | None, today: date, config: LifecycleConfig
) -> Assessment:
    """Every flag the vehicle raises on `today`, in the order of the module docstring."""
    worth = equity(vehicle, valued=valued, today=today)
    found = [
        _equity_flag(worth, config),
        _lease_flag(vehicle.finance, today, config),
        _loan_flag(vehicle.finance, today, config),
        _warranty_flag(vehicle, today, config),
        _mileage_flag(vehicle, config),
    ]
    return Assessment(vehicle, valued, worth, tuple(f for f in found if f is not None))


def equity(vehicle: OwnedVehicleFacts, *, valued: Valued | None, today: date) -> Equity | None:
    """Value less what is owed; None when either is unknown."""
    owed = _owed(vehicle.finance, today)
    if valued is None or owed is None or valued.value <= 0:
        return None
    amount = valued.value - owed[0]
    percent = (amount * 100 / valued.value).quantize(CENT)
    return Equity(amount, percent, valued, owed[0], owed[1])


def loan_payoff(finance: Finance, today: date) -> Decimal | None:
    """The loan's balance on `today` by amortisation (module docstring); None without an
    APR or without both the payment and the amount financed."""
    if finance.apr is None:
        return None
    n = finance.term_months
    k = min(months_between(finance.starts_on, today), n)
    r = finance.apr / 1200
    financed = finance.amount_financed
    if finance.monthly_payment is not None:
        payment = finance.monthly_payment
    elif financed is None:
        return None
    elif r == 0:
        payment = financed / n
    else:
        payment = financed * r / (1 - (1 + r) ** -n)
    left = n - k
    balance = payment * left if r == 0 else payment * (1 - (1 + r) ** -left) / r
    return balance.quantize(CENT)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the month's last day when shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end` (0 when `end` is not after `start`)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def describe(vehicle: OwnedVehicleFacts) -> str:
    """ "2021 Honda CR-V EX, 41,200 mi" (the mileage when known)."""
    name = " ".join(p for p in (str(vehicle.year), vehicle.make, vehicle.model, vehicle.trim) if p)
    return name if vehicle.mileage is None else f"{name}, {vehicle.mileage:,} mi"


def _owed(finance: Finance | None, today: date) -> tuple[Decimal, str] | None:
    if finance is None:
        return Decimal(0), "owned outright"
    if finance.kind == "lease":
        return None if finance.residual is None else (finance.residual, "lease residual")
    if finance.payoff is not None:
        when = f" as of {_day(finance.payoff_on)}" if finance.payoff_on else ""
        return finance.payoff, f"payoff{when}"
    if months_between(finance.starts_on, today) >= finance.term_months:
        return Decimal(0), "loan paid off"
    balance = loan_payoff(finance, today)
    return None if balance is None else (balance, "amortised payoff")


def _equity_flag(worth: Equity | None, config: LifecycleConfig) -> Flag | None:
    if worth is None:
        return None
    if worth.amount <= config.equity_min_dollars or worth.percent <= config.equity_min_percent:
        return None
    about = (worth.amount / 100).quantize(Decimal(1)) * 100
    return Flag(
        "equity",
        f"about ${about:,.0f} equity ({worth.percent:.0f}%) by {worth.valued.source}",
    )


def _lease_flag(finance: Finance | None, today: date, config: LifecycleConfig) -> Flag | None:
    if finance is None or finance.kind != "lease":
        return None
    ends = add_months(finance.starts_on, finance.term_months)
    if not today <= ends <= add_months(today, config.lease_end_months):
        return None
    return Flag("lease_ending", f"lease ends {_in(today, ends)} ({_day(ends)})")


def _loan_flag(finance: Finance | None, today: date, config: LifecycleConfig) -> Flag | None:
    if finance is None or finance.kind != "loan":
        return None
    n = finance.term_months
    k = months_between(finance.starts_on, today)
    if k >= n or k * 100 < config.loan_term_percent * n:
        return None
    return Flag("loan_term", f"loan {k} of {n} months in ({k * 100 // n}%)")


def _warranty_flag(vehicle: OwnedVehicleFacts, today: date, config: LifecycleConfig) -> Flag | None:
    ends = vehicle.warranty_ends_on
    if ends is not None and today <= ends <= add_months(today, config.warranty_end_months):
        return Flag("warranty_ending", f"warranty ends {_in(today, ends)} ({_day(ends)})")
    if vehicle.warranty_miles is not None and vehicle.mileage is not None:
        left = vehicle.warranty_miles - vehicle.mileage
        if 0 <= left <= config.warranty_end_miles:
            return Flag(
                "warranty_ending",
                f"warranty ends in {left:,} mi (at {vehicle.warranty_miles:,} mi)",
            )
    return None


def _mileage_flag(vehicle: OwnedVehicleFacts, config: LifecycleConfig) -> Flag | None:
    if vehicle.mileage is None or vehicle.mileage < config.high_mileage:
        return None
    return Flag("high_mileage", f"high mileage: {vehicle.mileage:,} mi")


def _in(today: date, day: date) -> str:
    months = months_between(today, day)
    if months:
        return f"in {months} month{'s' if months > 1 else ''}"
    days = (day - today).days
    return "today" if days == 0 else f"in {days} day{'s' if days > 1 else ''}"


def _day(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"
