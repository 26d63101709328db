"""The end-state `appointments` of EVAL_FORMAT: the appointments created OR changed during the
scenario, as they stand. A pre-existing one moved (or reassigned) is listed once at its final
time; one left untouched is not; a cancelled one is not."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from crm_store import appointments, availability, customers, dealerships, staff, vehicles
from evals.checks import Observed
from evals.runner import WorldCache, run_scenario
from evals.scenario import load_scenario
from nightshift.runtime import Runtime
from tests.demo import SLUG
from tests.helpers import ROOT

LA = ZoneInfo("America/Los_Angeles")
SHOPPER = "+18055550401"


def _book(runtime: Runtime, stock: str, starts_at: datetime, phone: str) -> int:
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        shopper, _ = customers.get_or_create_by_phone(
            uow, dealership_id=dealer.id, phone=phone, source="walk-in"
        )
        car = vehicles.get_vehicle(uow, dealership_id=dealer.id, stock=stock)
        return availability.book(
            uow,
            dealership_id=dealer.id,
            vehicle_id=car.id,
            starts_at=starts_at.replace(tzinfo=LA),
            customer_id=shopper.id,
            conversation_id=None,
            source="staff",
        ).id


def test_moved_and_new_are_listed_untouched_and_cancelled_are_not(runtime: Runtime) -> None:
    moved = _book(runtime, "U2303", datetime(2026, 3, 9, 11, 0), SHOPPER)
    _book(runtime, "U2306", datetime(2026, 3, 9, 13, 0), "+18055550402")  # left as it was
    cancelled = _book(runtime, "U2304", datetime(2026, 3, 9, 15, 0), SHOPPER)
    observed = Observed(runtime.store, SLUG, "sms", SHOPPER)
    before = observed.appointment_snapshot()
    with runtime.store.unit_of_work() as uow:
        availability.reschedule(
            uow, appointment_id=moved, starts_at=datetime(2026, 3, 10, 15, 0, tzinfo=LA)
        )
        availability.reschedule(  # moved twice: listed once, at its final time
            uow, appointment_id=moved, starts_at=datetime(2026, 3, 10, 16, 0, tzinfo=LA)
        )
        appointments.cancel_appointment(uow, appointment_id=cancelled)
    _book(runtime, "U2310", datetime(2026, 3, 7, 10, 0), SHOPPER)  # created
    listed = sorted(str(a) for a in observed.appointments_since(before, LA))
    assert [s.split(" staff")[0] for s in listed] == [
        "U2303 2026-03-10T16:00",
        "U2310 2026-03-07T10:00",
    ]


def test_a_reassigned_one_is_listed_with_its_new_staff(runtime: Runtime) -> None:
    drive = _book(runtime, "U2303", datetime(2026, 3, 9, 11, 0), SHOPPER)
    observed = Observed(runtime.store, SLUG, "sms", SHOPPER)
    before = observed.appointment_snapshot()
    assert observed.appointments_since(before, LA) == []
    with runtime.store.unit_of_work() as uow:
        record = appointments.get_appointment(uow, appointment_id=drive)
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        other = next(
            s for s in staff.list_staff(uow, dealership_id=dealer.id) if s.id != record.staff_id
        )
        appointments.move_appointment(
            uow,
            appointment_id=drive,
            starts_at=record.starts_at,
            ends_at=record.ends_at,
            staff_id=other.id,
        )
    [listed] = observed.appointments_since(before, LA)
    assert (listed.stock, listed.starts_at, listed.staff) == (
        "U2303",
        "2026-03-09T11:00",
        other.handle,
    )


def test_a_scenario_moving_the_shoppers_own_drive_lists_it(
    tmp_path: Path, models_dir: Path
) -> None:
    """A scenario in the EVAL_FORMAT whose shopper moves a drive of `world.appointments`: the
    end-state check sees it at its new time (once), and the untouched one of someone else
    not at all."""
    base = ROOT / "evals" / "suites" / "demo" / "book-then-reschedule.yaml"
    data: dict[str, Any] = yaml.safe_load(base.read_text(encoding="utf-8"))
    data["id"] = "move-my-own-drive"
    data["world"]["customers"] = [{"name": "Dana Ruiz", "phone": SHOPPER}]
    data["world"]["appointments"] = [
        {"stock": "U2303", "staff": "maria", "starts_at": "2026-03-09T11:00", "customer": SHOPPER},
        {"stock": "U2306", "staff": "maria", "starts_at": "2026-03-09T14:00"},
    ]
    data["shopper"] = {"phone": SHOPPER}
    data["turns"] = [{"user": "can we move my test drive to tuesday at 3"}]
    data["expect"] = {
        "handoff": "none",
        "appointments": [{"stock": "U2303", "starts_at": "2026-03-10T15:00"}],
    }
    path = tmp_path / "move-my-own-drive.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    worlds = WorldCache()
    try:
        result = run_scenario(
            load_scenario(path), engine="offline", models_dir=models_dir, worlds=worlds
        )
    finally:
        worlds.close()
    assert result.failures == [], result.failures
    assert [(a.stock, a.starts_at) for a in result.appointments] == [("U2303", "2026-03-10T15:00")]
