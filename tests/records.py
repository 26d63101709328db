"""Store records built directly, for tests of pure code (invites, ADF, routing) that take
records and need no database: the Harbor Point defaults, with any field overridden."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from crm_store.records import CustomerRecord, DealershipRecord, StaffRecord, VehicleRecord
from crm_store.types import Condition, Consent, Role, StaffStatus, VehicleStatus

WEEKDAYS_9_TO_6 = {day: (time(9), time(18)) for day in range(6)}
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

_DEALER = DealershipRecord(
    id=1,
    slug="harbor-point-honda",
    name="Harbor Point Honda",
    timezone="America/Los_Angeles",
    phone="+18055550100",
    address="1200 Harbor Blvd, Ventura, CA",
    test_drive_minutes=30,
    hours=WEEKDAYS_9_TO_6,
)
_REP = StaffRecord(
    id=7,
    dealership_id=1,
    handle="maria",
    name="Maria Lopez",
    role=Role.SALES,
    phone="+15550100001",
    email="maria@harborpoint.example",
    status=StaffStatus.AVAILABLE,
    status_changed_at=EPOCH,
    shifts=WEEKDAYS_9_TO_6,
    active=True,
)
_CAR = VehicleRecord(
    id=3,
    dealership_id=1,
    stock="U2101",
    vin="2HGFE2F59MH512345",
    year=2021,
    make="Honda",
    model="Civic",
    trim="EX",
    condition=Condition.USED,
    body="sedan",
    color="Sonic Gray Pearl",
    mileage=28450,
    price=Decimal("23995"),
    status=VehicleStatus.AVAILABLE,
    features=(),
)
_SHOPPER = CustomerRecord(
    id=11,
    dealership_id=1,
    name="Dana Whitfield",
    phone="+18055550199",
    email="dana@example.com",
    assigned_staff_id=7,
    sms_consent=Consent.GRANTED,
    sms_consent_at=EPOCH,
    sms_consent_source="web",
    created_at=EPOCH,
)


def dealership(**changes: Any) -> DealershipRecord:
    return replace(_DEALER, **changes)


def salesperson(**changes: Any) -> StaffRecord:
    return replace(_REP, **changes)


def vehicle(**changes: Any) -> VehicleRecord:
    return replace(_CAR, **changes)


def customer(**changes: Any) -> CustomerRecord:
    return replace(_SHOPPER, **changes)
