"""World files: every problem reported at once, with file, line, key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from nightshift.world import WorldFileError, load_world_file, parse_world

GOOD = """\
dealership:
  name: Lakeside Subaru
  timezone: America/Chicago
  hours: {mon: "09:00-19:00"}
staff:
  - {handle: ana, name: Ana Park, role: sales}
inventory:
  - stock: S100
    vin: 4S4BTANC5L3123456
    year: 2020
    make: Subaru
    model: Outback
    condition: used
    price: 21995
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(WorldFileError) as caught:
        parse_world(text, source="lot.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_good_world_parses_with_defaults() -> None:
    world = parse_world(GOOD)
    assert world.dealership.test_drive_minutes == 30
    assert world.inventory[0].status == "available" and world.inventory[0].mileage == 0
    assert str(world.inventory[0].price) == "21995.00"


def test_unknown_key_bad_timezone_and_duplicate_stock_reported_together() -> None:
    text = GOOD.replace("America/Chicago", "America/Chicagoo").replace(
        "  name: Lakeside Subaru\n", "  name: Lakeside Subaru\n  colour: blue\n"
    )
    text += text[text.index("  - stock: S100") :].replace("4S4BTANC5L3123456", "4S4BTANC5L3999999")
    problems = _problems(text)
    assert problems == [
        "lot.yaml:3: dealership.colour: unknown key 'colour'; expected one of: name, timezone, "
        "phone, address, hours, test_drive_minutes, departments",
        "lot.yaml:4: dealership.timezone: 'America/Chicagoo' is not an IANA timezone; "
        "expected e.g. America/Los_Angeles",
        "lot.yaml:16: inventory[1].stock: duplicate stock number 'S100' (already used by "
        "inventory[0]); expected each stock number once",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"09:00-19:00"', '"25:00-18:00"', "dealership.hours.mon: '25:00-18:00': expected times"),
        ('"09:00-19:00"', '"19:00-09:00"', "the start must be before the end"),
        ("mon:", "monday:", "unknown weekday 'monday'; expected one of: mon, tue"),
        ("price: 21995", "price: call us", "inventory[0].price: 'call us' is not a number"),
        ("price: 21995", 'price: "$21,995"', "'$21,995' is not a number; expected a price"),
        ("role: sales", "role: closer", "staff[0].role: 'closer': expected 'sales', 'bdc'"),
        ("condition: used", "condition: preowned", "expected 'new', 'used' or 'certified'"),
        ("4S4BTANC5L3123456", "4S4BTANC5L31234O6", "vin: '4S4BTANC5L31234O6': expected 17"),
        ("year: 2020", "year: 1850", "inventory[0].year: 1850: expected to be greater than"),
        ("  name: Lakeside Subaru\n", "", "dealership.name: required key is missing"),
    ],
)
def test_each_bad_value_is_named(old: str, new: str, expected: str) -> None:
    assert old in GOOD
    problems = _problems(GOOD.replace(old, new, 1))
    assert any(expected in p for p in problems), problems


def test_references_must_resolve() -> None:
    text = GOOD + (
        "customers:\n  - {phone: '+15551230001', assigned_to: bob}\n"
        "appointments:\n  - {stock: X1, staff: ana, starts_at: 2026-03-07T10:00}\n"
        "staff_status: {zed: busy}\n"
    )
    problems = _problems(text)
    assert any("customers[0].assigned_to: 'bob' is not a staff member" in p for p in problems)
    assert any("appointments[0].stock: 'X1' is not a stock number" in p for p in problems)
    assert any("staff_status.zed" in p for p in problems)


def test_yaml_booleans_for_off_and_on_are_read_as_words() -> None:
    world = parse_world(GOOD + "staff_status: {ana: off}\n")
    assert world.staff_status == {"ana": "off"}
    assert any("'on'" in p for p in _problems(GOOD + "staff_status: {ana: on}\n"))


def test_not_yaml_and_missing_file(tmp_path: Path) -> None:
    assert _problems("dealership: [unclosed\n")[0].startswith("lot.yaml:2: (yaml): not valid YAML")
    assert _problems("- just a list\n") == ["lot.yaml:1: (top): expected a mapping, got list"]
    with pytest.raises(WorldFileError, match="No such file"):
        load_world_file(tmp_path / "missing.yaml")
