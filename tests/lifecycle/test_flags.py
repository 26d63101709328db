"""The equity and lifecycle flags as pure functions of a vehicle, its value and a day: each
threshold at its edge (exactly N months, the buffer itself), and the words with the numbers
a salesperson reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from crm_store.ownership import Finance, OwnedVehicleFacts
from signals.lifecycle import Flag, add_months, assess, equity, loan_payoff, months_between
from signals.lifecycle_config import LifecycleConfig
from signals.valuation import BOOK, DEPRECIATION, Valued

TODAY = date(2026, 12, 5)
DEFAULTS = LifecycleConfig()
CRV = OwnedVehicleFacts(
    vin="7FARW2H87ME012345", year=2021, make="Honda", model="CR-V", trim="EX", mileage=41_200
)


def flags(vehicle: OwnedVehicleFacts, value: int | None = None, **config: object) -> list[Flag]:
    valued = None if value is None else Valued(Decimal(value), BOOK)
    settings = DEFAULTS.model_copy(update=config)
    return list(assess(vehicle, valued=valued, today=TODAY, config=settings).flags)


def kinds(vehicle: OwnedVehicleFacts, value: int | None = None, **config: object) -> list[str]:
    return [f.kind for f in flags(vehicle, value, **config)]


def lease(starts_on: date, term: int = 36, residual: str = "18000") -> OwnedVehicleFacts:
    return replace(CRV, finance=Finance("lease", starts_on, term, residual=Decimal(residual)))


def loan(payoff: str, *, starts_on: date = date(2025, 6, 1), term: int = 60) -> OwnedVehicleFacts:
    finance = Finance("loan", starts_on, term, payoff=Decimal(payoff), payoff_on=date(2026, 11, 1))
    return replace(CRV, finance=finance)


def test_the_report_line_numbers_equity_and_a_lease_ending() -> None:
    vehicle = lease(date(2024, 3, 5), residual="19000")
    assert flags(vehicle, 23_200) == [
        Flag("equity", "about $4,200 equity (18%) by book value table"),
        Flag("lease_ending", "lease ends in 3 months (Mar 5, 2027)"),
    ]


def test_a_lease_ending_exactly_n_months_away_counts_a_day_later_does_not() -> None:
    assert add_months(date(2024, 6, 5), 36) == add_months(TODAY, 6)
    assert flags(lease(date(2024, 6, 5))) == [
        Flag("lease_ending", "lease ends in 6 months (Jun 5, 2027)")
    ]
    assert kinds(lease(date(2024, 6, 6))) == []
    assert kinds(lease(date(2024, 6, 6)), lease_end_months=7) == ["lease_ending"]


def test_a_lease_ending_today_counts_one_ended_yesterday_does_not() -> None:
    assert flags(lease(date(2023, 12, 5))) == [
        Flag("lease_ending", "lease ends today (Dec 5, 2026)")
    ]
    assert flags(lease(date(2023, 12, 20))) == [
        Flag("lease_ending", "lease ends in 15 days (Dec 20, 2026)")
    ]
    assert kinds(lease(date(2023, 12, 4))) == []


def test_equity_must_be_above_the_dollar_buffer_not_at_it() -> None:
    # value 20,000: equity 2,000 is 10%; the percent buffer is set out of the way
    assert kinds(loan("18000"), 20_000, equity_min_percent=5) == []
    assert flags(loan("17999"), 20_000, equity_min_percent=5) == [
        Flag("equity", "about $2,000 equity (10%) by book value table")
    ]


def test_equity_must_be_above_the_percent_buffer_not_at_it() -> None:
    assert kinds(loan("18000"), 20_000, equity_min_dollars=0) == []  # exactly 10.00%
    assert kinds(loan("17998"), 20_000, equity_min_dollars=0) == ["equity"]  # 10.01%
    # both buffers hold at once: $2,500 above the $2,000 is only 5% of a 50,000 value
    assert kinds(loan("47500"), 50_000) == []


def test_under_water_or_unknown_value_raises_no_equity_flag() -> None:
    assert kinds(loan("25000"), 20_000) == []
    assert kinds(loan("1000")) == []  # no value known
    worth = equity(loan("25000"), valued=Valued(Decimal(20_000), BOOK), today=TODAY)
    assert worth is not None
    assert (worth.amount, worth.percent, worth.owed_how) == (
        Decimal(-5000),
        Decimal("-25.00"),
        "payoff as of Nov 1, 2026",
    )


def test_a_vehicle_owned_outright_has_its_whole_value_as_equity() -> None:
    worth = equity(CRV, valued=Valued(Decimal(15_000), DEPRECIATION), today=TODAY)
    assert worth is not None and (worth.amount, worth.owed_how) == (15_000, "owned outright")
    assert flags(CRV, 15_000)[0] == Flag(
        "equity", "about $15,000 equity (100%) by book value table"
    )


def test_a_loan_at_exactly_the_share_of_its_term_counts_and_a_finished_one_does_not() -> None:
    started = date(2024, 12, 5)  # 24 whole months ago
    assert months_between(started, TODAY) == 24
    assert flags(loan("99999", starts_on=started, term=32)) == [
        Flag("loan_term", "loan 24 of 32 months in (75%)")
    ]
    assert kinds(loan("99999", starts_on=started, term=33)) == []  # 72%
    assert kinds(loan("99999", starts_on=date(2024, 12, 6), term=32)) == []  # 23 months
    assert kinds(loan("99999", starts_on=started, term=24)) == []  # paid off
    assert kinds(loan("99999", starts_on=started, term=33), loan_term_percent=70) == ["loan_term"]


def test_the_payoff_is_amortised_when_the_lender_gave_none() -> None:
    # $30,000 at 6% over 60 months, 24 payments made: the balance by the other closed form,
    # L(1+r)^k - P((1+r)^k - 1)/r
    r, n, k, principal = Decimal("0.005"), 60, 24, Decimal(30_000)
    payment = principal * r / (1 - (1 + r) ** -n)
    expected = principal * (1 + r) ** k - payment * ((1 + r) ** k - 1) / r
    finance = Finance("loan", date(2024, 12, 5), n, apr=Decimal(6), amount_financed=principal)
    assert abs(loan_payoff(finance, TODAY) - expected) < Decimal("0.01")  # type: ignore[operator]
    with_payment = replace(finance, amount_financed=None, monthly_payment=Decimal("579.98"))
    assert abs(loan_payoff(with_payment, TODAY) - expected) < 1  # type: ignore[operator]
    interest_free = Finance(
        "loan", date(2025, 12, 5), 48, apr=Decimal(0), amount_financed=Decimal(24_000)
    )
    assert loan_payoff(interest_free, TODAY) == Decimal("18000.00")
    assert loan_payoff(replace(finance, apr=None), TODAY) is None
    owed = equity(replace(CRV, finance=finance), valued=Valued(Decimal(30_000), BOOK), today=TODAY)
    assert owed is not None and owed.owed_how == "amortised payoff"
    assert abs(owed.owed - expected) < Decimal("0.01")


def test_a_warranty_ending_within_n_months_or_miles() -> None:
    ends = add_months(TODAY, 3)
    assert flags(replace(CRV, warranty_ends_on=ends)) == [
        Flag("warranty_ending", "warranty ends in 3 months (Mar 5, 2027)")
    ]
    assert kinds(replace(CRV, warranty_ends_on=date(2027, 3, 6))) == []
    assert kinds(replace(CRV, warranty_ends_on=date(2026, 12, 4))) == []  # over already
    by_miles = replace(CRV, mileage=33_000, warranty_miles=36_000)
    assert flags(by_miles) == [Flag("warranty_ending", "warranty ends in 3,000 mi (at 36,000 mi)")]
    assert kinds(replace(by_miles, mileage=32_999)) == []
    assert kinds(replace(by_miles, mileage=36_001)) == []


def test_high_mileage_from_the_threshold_on() -> None:
    assert flags(replace(CRV, mileage=100_000)) == [
        Flag("high_mileage", "high mileage: 100,000 mi")
    ]
    assert kinds(replace(CRV, mileage=99_999)) == []
    assert kinds(replace(CRV, mileage=None)) == []


def test_month_arithmetic_keeps_the_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_between(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert months_between(date(2026, 3, 1), date(2026, 2, 1)) == 0
