"""World files' optional spec sheets and departments (issue 15): spellings people write are
read as one, every bad value is named with what was expected, and worlds without them load as
before (the QA scenario contract: new keys are optional, unknown keys stay errors)."""

from __future__ import annotations

from datetime import time

import pytest

from nightshift.world import WorldFileError, parse_world

BASE = """\
dealership:
  name: Lakeside Subaru
  timezone: America/Chicago
  hours: {mon: "09:00-19:00"}
  departments:
    service: {phone: "312-555-0120", hours: {mon: "07:30-18:00", sat: "08:00-14:00"}}
inventory:
  - stock: S100
    vin: 4S4BTANC5L3123456
    year: 2020
    make: Subaru
    model: Outback
    condition: used
    price: 21995
    specs: {drivetrain: AWD, seats: 5}
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(WorldFileError) as caught:
        parse_world(text, source="lot.yaml")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("AWD", "AWD"),
        ("all-wheel drive", "AWD"),
        ("All Wheel Drive", "AWD"),
        ("4x4", "4WD"),
        ("four-wheel drive", "4WD"),
        ("fwd", "FWD"),
        ("Rear-Wheel Drive", "RWD"),
    ],
)
def test_drivetrain_spellings_are_read_as_one(written: str, stored: str) -> None:
    world = parse_world(BASE.replace("drivetrain: AWD", f"drivetrain: {written}"))
    assert world.inventory[0].specs is not None
    assert world.inventory[0].specs.drivetrain == stored


def test_towing_and_fuel_economy_as_people_write_them() -> None:
    text = BASE.replace("seats: 5}", 'seats: 5, towing: "3,500 lbs", fuel_economy: 38}')
    specs = parse_world(text).inventory[0].specs
    assert specs is not None
    assert (specs.towing, specs.fuel_economy, specs.seats) == (3500, "38 mpg combined", 5)
    assert parse_world(BASE.replace("seats: 5}", "towing: 3500-lb}")).inventory[0].specs


def test_departments_are_validated_like_sales_hours() -> None:
    service = parse_world(BASE).dealership.departments.service
    assert service is not None and service.phone == "+13125550120"
    assert service.hours == {"mon": (time(7, 30), time(18)), "sat": (time(8), time(14))}


def test_without_the_new_keys_a_world_loads_as_before() -> None:
    text = BASE.replace("    specs: {drivetrain: AWD, seats: 5}\n", "")
    text = text[: text.index("  departments:")] + text[text.index("inventory:") :]
    world = parse_world(text)
    assert world.inventory[0].specs is None
    assert world.dealership.departments.service is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("drivetrain: AWD", "drivetrain: 2wd", "specs.drivetrain: '2wd': expected a drivetrain"),
        ("seats: 5", "seats: seven", "specs.seats: 'seven': expected a number of seats from 1"),
        ("seats: 5", "seats: 0", "specs.seats: 0: expected a number of seats"),
        ("seats: 5", "towing: lots", "specs.towing: 'lots': expected a towing capacity in pounds"),
        ("seats: 5", "fuel_economy: great", "specs.fuel_economy: 'great': expected fuel economy"),
        ("seats: 5", "colour: red", "specs.colour: unknown key 'colour'; expected one of: engine"),
        ("service: {", "bodyshop: {", "departments.bodyshop: unknown key 'bodyshop'; expected "),
        ('"312-555-0120"', '"call us"', "departments.service.phone: 'call us': expected a phone"),
        ('sat: "08:00-14:00"', 'sat: "14:00-08:00"', "service.hours.sat: '14:00-08:00': the start"),
        ('sat: "08:00', 'saturday: "08:00', "service.hours.saturday: unknown weekday 'saturday'"),
        ("service: {", "sales: {", "departments.sales.hours: unknown key 'hours'"),
    ],
)
def test_each_bad_spec_or_department_value_is_named(old: str, new: str, expected: str) -> None:
    assert old in BASE
    problems = _problems(BASE.replace(old, new, 1))
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("lot.yaml:") for p in problems)  # with the line of the key
