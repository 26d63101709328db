"""The demo dealership a newcomer sees is realistic and complete."""

from __future__ import annotations

from collections import Counter

from nightshift.world import load_world_file
from tests.helpers import ROOT

WORLD = load_world_file(ROOT / "examples" / "demo-dealership.yaml")
_TRANSLIT = dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9],
        strict=True,
    )
)
_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
_YEAR_CODE = {
    2019: "K",
    2020: "L",
    2021: "M",
    2022: "N",
    2023: "P",
    2024: "R",
    2025: "S",
    2026: "T",
    2027: "V",
}


def _check_digit(vin: str) -> str:
    total = sum(
        (int(c) if c.isdigit() else _TRANSLIT[c]) * w for c, w in zip(vin, _WEIGHTS, strict=True)
    )
    return "X" if total % 11 == 10 else str(total % 11)


def test_inventory_is_large_and_mixed() -> None:
    assert len(WORLD.inventory) >= 40
    conditions = Counter(v.condition for v in WORLD.inventory)
    assert set(conditions) == {"new", "used", "certified"}
    assert Counter(v.status for v in WORLD.inventory)["available"] >= 30
    assert any(v.status == "sold" for v in WORLD.inventory)


def test_vins_are_plausible() -> None:
    for car in WORLD.inventory:
        assert car.vin[8] == _check_digit(car.vin), car.stock
        assert car.vin[9] == _YEAR_CODE[car.year], car.stock


def test_prices_and_mileage_are_plausible() -> None:
    for car in WORLD.inventory:
        assert 5_000 <= car.price <= 120_000, car.stock
        if car.condition == "new":
            assert car.mileage < 100, car.stock
        else:
            assert 1_000 <= car.mileage <= 150_000, car.stock


def test_staff_cover_every_role_with_shifts() -> None:
    assert len(WORLD.staff) >= 6
    assert {s.role for s in WORLD.staff} == {"sales", "bdc", "manager", "finance", "service"}
    assert all(s.shifts for s in WORLD.staff)
    open_days = set(WORLD.dealership.hours)
    for day in open_days:
        assert any(s.role == "sales" and day in s.shifts for s in WORLD.staff), day


def test_knowledge_covers_what_shoppers_ask() -> None:
    titles = " | ".join(k.title.lower() for k in WORLD.knowledge)
    for topic in (
        "hours",
        "directions",
        "test drive",
        "documentation fee",
        "trade-in",
        "financing",
        "service",
        "warranty",
        "ev charging",
        "home delivery",
    ):
        assert topic in titles, topic
    fee = next(k for k in WORLD.knowledge if "documentation" in k.title.lower())
    assert "$85" in fee.text


SUMMIT = load_world_file(ROOT / "examples" / "summit-auto-exchange.yaml")


def test_summit_is_a_used_only_lot_in_mountain_time() -> None:
    assert SUMMIT.dealership.timezone == "America/Denver"  # daylight saving, unlike Phoenix
    assert "sun" not in SUMMIT.dealership.hours
    assert SUMMIT.dealership.test_drive_minutes == 60
    assert len(SUMMIT.inventory) >= 40
    assert {v.condition for v in SUMMIT.inventory} == {"used"}
    assert len({v.make for v in SUMMIT.inventory}) >= 12
    assert {v.status for v in SUMMIT.inventory} == {"available", "pending", "sold"}
    years = {**_YEAR_CODE, 2015: "F", 2016: "G", 2017: "H", 2018: "J"}
    for car in SUMMIT.inventory:
        assert car.vin[8] == _check_digit(car.vin), car.stock
        assert car.vin[9] == years[car.year], car.stock
        assert 5_000 <= car.price <= 120_000 and 1_000 <= car.mileage <= 150_000, car.stock
    for day in SUMMIT.dealership.hours:
        assert any(s.role == "sales" and day in s.shifts for s in SUMMIT.staff), day
    fee = next(k for k in SUMMIT.knowledge if "documentation fee" in k.title.lower())
    assert "$599" in fee.text and "2.9%" in fee.text
