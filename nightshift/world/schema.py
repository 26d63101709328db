"""The `world` mapping as pydantic models: types, ranges and formats of each key.

Cross-item rules (unique stock numbers, handles that exist) live in `checks.py`, so that
they are reported together with these field errors, not after them.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from crm_store.errors import InvalidValue
from crm_store.phones import normalise_phone
from crm_store.types import Condition, Role, StaffStatus, VehicleStatus
from signals.config import SignalsConfig

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_HANDLE = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


def _span(value: Any) -> tuple[time, time]:
    match = _SPAN.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f'{value!r}: expected "HH:MM-HH:MM", e.g. "09:00-18:00"')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise ValueError(f"{value!r}: expected times from 00:00 to 23:59")
    start, end = time(h1, m1), time(h2, m2)
    if start >= end:
        raise ValueError(f"{value!r}: the start must be before the end")
    return start, end


def _timezone(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r}: expected an IANA timezone, e.g. America/Los_Angeles")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not an IANA timezone; expected e.g. America/Los_Angeles"
        ) from None
    return value


def _phone(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f'{value!r}: expected a phone number such as "+15551230001"')
    try:
        return normalise_phone(value)
    except InvalidValue:
        raise ValueError(f'{value!r}: expected a phone number such as "+15551230001"') from None


def _email(value: Any) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise ValueError(f"{value!r}: expected an e-mail address such as name@example.com")
    return value.strip()


def _vin(value: Any) -> str:
    text = str(value).strip().upper()
    if not _VIN.match(text):
        raise ValueError(f"{value!r}: expected 17 characters, digits and letters except I, O, Q")
    return text


def _handle(value: Any) -> str:
    if not isinstance(value, str) or not _HANDLE.match(value):
        raise ValueError(f"{value!r}: expected a short lowercase handle such as maria")
    return value


def _money(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError(f"{value!r} is not a number; expected a price such as 23995")
    amount = Decimal(str(value))
    if amount < 0:
        raise ValueError(f"{value!r}: expected a price of 0 or more")
    return amount.quantize(Decimal("0.01"))


_DRIVETRAINS = {
    "awd": "AWD",
    "allwheeldrive": "AWD",
    "allwheel": "AWD",
    "4wd": "4WD",
    "4x4": "4WD",
    "fourwheeldrive": "4WD",
    "4wheeldrive": "4WD",
    "fwd": "FWD",
    "frontwheeldrive": "FWD",
    "rwd": "RWD",
    "rearwheeldrive": "RWD",
}
_POUNDS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)\s*-?\s*(?:lbs?\.?|pounds)?$", re.IGNORECASE)


def _drivetrain(value: Any) -> str:
    key = re.sub(r"[^a-z0-9]", "", str(value).lower()) if isinstance(value, str) else ""
    if key not in _DRIVETRAINS:
        raise ValueError(
            f"{value!r}: expected a drivetrain: AWD, 4WD, FWD or RWD (all-wheel drive, 4x4,"
            " front-wheel drive, rear-wheel drive)"
        )
    return _DRIVETRAINS[key]


def _seats(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 15:
        raise ValueError(f"{value!r}: expected a number of seats from 1 to 15, e.g. 5")
    return value


def _towing(value: Any) -> int:
    pounds = None
    if isinstance(value, int) and not isinstance(value, bool):
        pounds = value
    elif isinstance(value, str) and (match := _POUNDS.match(value.strip())):
        pounds = int(match[1].replace(",", ""))
    if pounds is None or not 1 <= pounds <= 40000:
        raise ValueError(
            f'{value!r}: expected a towing capacity in pounds, e.g. 3500 or "3,500 lbs"'
        )
    return pounds


def _fuel_economy(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return f"{value:g} mpg combined"
    if isinstance(value, str) and re.search(r"\d", value):
        return value.strip()
    raise ValueError(
        f'{value!r}: expected fuel economy with its numbers, e.g. "26 city / 33 highway mpg"'
        ' or "294-mile range"'
    )


def _status_word(value: Any) -> Any:
    # YAML 1.1 reads an unquoted `off` / `on` as booleans; they were meant as words.
    if value is False:
        return "off"
    if value is True:
        return "on"
    return value


def _as_text(value: Any) -> Any:
    # A stock number or model like 3 or 1500 may come unquoted from YAML as a number.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _local_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError(f"{value!r}: expected a local time without an offset")
        return value
    expected = "expected a local time YYYY-MM-DDTHH:MM, e.g. 2026-03-07T10:00"
    if isinstance(value, str) and _LOCAL_TIME.match(value.strip()):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError as exc:  # the right shape, an impossible date or time
            raise ValueError(f"{value!r}: {exc}; {expected}") from None
    raise ValueError(f"{value!r}: {expected}")


Span = Annotated[tuple[time, time], BeforeValidator(_span)]
Timezone = Annotated[str, BeforeValidator(_timezone)]
Phone = Annotated[str, BeforeValidator(_phone)]
Email = Annotated[str, BeforeValidator(_email)]
Vin = Annotated[str, BeforeValidator(_vin)]
Handle = Annotated[str, BeforeValidator(_handle)]
Money = Annotated[Decimal, BeforeValidator(_money)]
LocalDateTime = Annotated[datetime, BeforeValidator(_local_datetime)]
Text = Annotated[str, Field(min_length=1)]
Code = Annotated[str, BeforeValidator(_as_text), Field(min_length=1, max_length=40)]
Weekly = dict[Weekday, Span]
Drivetrain = Annotated[str, BeforeValidator(_drivetrain)]
Seats = Annotated[int, BeforeValidator(_seats)]
Towing = Annotated[int, BeforeValidator(_towing)]
FuelEconomy = Annotated[str, BeforeValidator(_fuel_economy)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SalesLineSpec(Strict):
    """The sales department's own line; its hours are the dealership's `hours`."""

    phone: Phone | None = None
    email: Email | None = None


class DepartmentSpec(SalesLineSpec):
    hours: Weekly = Field(default_factory=dict)  # a day not listed is closed


class DepartmentsSpec(Strict):
    sales: SalesLineSpec | None = None
    service: DepartmentSpec | None = None
    parts: DepartmentSpec | None = None
    finance: DepartmentSpec | None = None


class DealershipSpec(Strict):
    name: Text
    timezone: Timezone
    phone: Phone | None = None
    address: str | None = None
    hours: Weekly = Field(default_factory=dict)
    test_drive_minutes: Annotated[StrictInt, Field(ge=10, le=240)] = 30
    departments: DepartmentsSpec = Field(default_factory=DepartmentsSpec)


class StaffSpec(Strict):
    handle: Handle
    name: Text
    role: Role
    phone: Phone | None = None
    email: Email | None = None
    shifts: Weekly = Field(default_factory=dict)


class SpecSheet(Strict):
    """A vehicle's optional spec sheet (`inventory[].specs`)."""

    engine: Text | None = None
    drivetrain: Drivetrain | None = None
    transmission: Text | None = None
    fuel_economy: FuelEconomy | None = None
    seats: Seats | None = None
    towing: Towing | None = None


class VehicleSpec(Strict):
    stock: Code
    vin: Vin
    year: Annotated[int, Field(ge=1900, le=2100)]
    make: Text
    model: Code
    trim: str | None = None
    condition: Condition
    body: str | None = None
    color: str | None = None
    mileage: Annotated[int, Field(ge=0)] = 0
    price: Money
    status: VehicleStatus = VehicleStatus.AVAILABLE
    features: list[str] = Field(default_factory=list)
    specs: SpecSheet | None = None


class KnowledgeSpec(Strict):
    title: Text
    text: Text


class CustomerSpec(Strict):
    name: str | None = None
    phone: Phone
    email: Email | None = None
    assigned_to: Handle | None = None


class AppointmentSpec(Strict):
    stock: Code
    staff: Handle | None = None
    starts_at: LocalDateTime
    customer: Phone | None = None


class WorldSpec(Strict):
    dealership: DealershipSpec
    staff: list[StaffSpec] = Field(default_factory=list)
    inventory: list[VehicleSpec] = Field(default_factory=list)
    knowledge: list[KnowledgeSpec] = Field(default_factory=list)
    customers: list[CustomerSpec] = Field(default_factory=list)
    appointments: list[AppointmentSpec] = Field(default_factory=list)
    staff_status: dict[str, Annotated[StaffStatus, BeforeValidator(_status_word)]] = Field(
        default_factory=dict
    )
    signals: SignalsConfig = Field(default_factory=SignalsConfig)  # the intent rules


def weekday_index(day: str) -> int:
    return WEEKDAYS.index(day)
