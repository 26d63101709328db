"""Staff marking test drives and the show rate, through the real app (create_app, its lifespan,
routers and error handlers) over the demo dealership, on SQLite and PostgreSQL.

The app runs on the frozen test clock: Friday 2026-03-06 21:40 in Ventura. Its week of
Monday 2026-03-02 to Sunday 2026-03-08 crosses the switch to daylight time (March 8), so the
local week is 2026-03-02T08:00Z .. 2026-03-09T07:00Z, not a UTC week.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import appointments, customers, dealerships, migrate, staff, timeline, vehicles
from crm_store.db import Store
from crm_store.types import AppointmentStatus, VehicleStatus
from nightshift.app import create_app
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, SLUG, demo_settings
from tests.tokens import api_token, bearer

PACIFIC = ZoneInfo("America/Los_Angeles")
WEEK = {"start": "2026-03-02", "end": "2026-03-09"}


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=PACIFIC)


# name -> (local start, salesperson handle, car index)
PLAN: dict[str, tuple[datetime, str, int]] = {
    "first_instant": (_local(2, 0), "maria", 0),  # the week's first instant: counted
    "thursday": (_local(5, 11), "jake", 1),
    "friday": (_local(6, 10), "maria", 0),  # over, never marked: pending
    "tomorrow": (_local(7, 10), "jake", 1),  # not started yet
    "wednesday": (_local(4, 14), "priya", 2),
    "late_sunday": (_local(8, 23, 30), "priya", 2),  # Monday 06:30 in UTC, still this week
    "before": (_local(1, 23, 30), "maria", 0),  # Sunday before: Monday 07:30 UTC
    "next_monday": (_local(9, 0), "maria", 0),  # the (exclusive) end
}


@dataclass
class Demo:
    client: TestClient
    store: Store
    ids: dict[str, int]
    staff_ids: dict[str, int]
    customer_id: int

    def mark(self, name_or_id: str | int, status: str, **body: Any) -> Any:
        appointment_id = self.ids[name_or_id] if isinstance(name_or_id, str) else name_or_id
        body = {"status": status, "staff": "maria", **body}
        return self.client.post(f"/api/appointments/{appointment_id}/status", json=body)

    def snapshot(self) -> tuple[list[tuple[int, str, int]], list[tuple[str, int | None]]]:
        """Every appointment's (id, status, sequence) and the shopper's timeline."""
        with self.store.unit_of_work() as uow:
            dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
            rows = appointments.list_appointments(
                uow, dealership_id=dealer_id, include_cancelled=True
            )
            events = timeline.customer_timeline(uow, customer_id=self.customer_id)
        return (
            [(a.id, a.status.value, a.sequence) for a in rows],
            [(e.kind, e.staff_id) for e in events],
        )

    def status(self, name: str) -> AppointmentStatus:
        with self.store.unit_of_work() as uow:
            return appointments.get_appointment(uow, appointment_id=self.ids[name]).status


@pytest.fixture
def demo(db_url: str, tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Demo]:
    settings = demo_settings(tmp_path, db_url, inline_worker=False)
    migrate.upgrade(db_url)
    store = Store(db_url, clock=clock)
    apply_world(store, load_world_file(DEMO))
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        cars = vehicles.list_vehicles(
            uow, dealership_id=dealer_id, statuses=[VehicleStatus.AVAILABLE]
        )
        people = {
            h: staff.find_staff(uow, dealership_id=dealer_id, handle=h).id
            for h in ("maria", "jake", "priya", "kevin")
        }
        shopper = customers.list_customers(uow, dealership_id=dealer_id)[0]
        ids = {
            name: appointments.create_appointment(
                uow,
                dealership_id=dealer_id,
                vehicle_id=cars[car].id,
                customer_id=shopper.id,
                staff_id=people[handle],
                starts_at=at,
                ends_at=at + timedelta(minutes=30),
                source="test",
            ).id
            for name, (at, handle, car) in PLAN.items()
        }
    try:
        with TestClient(create_app(settings, clock=clock, models_dir=models_dir)) as client:
            client.headers.update(bearer(api_token(store, SLUG)))  # an integration's token
            yield Demo(client, store, ids, people, shopper.id)
    finally:
        store.dispose()


def test_staff_mark_showed_no_show_confirmed_and_cancelled(demo: Demo) -> None:
    showed = demo.mark("first_instant", "showed", staff="maria")
    assert showed.status_code == 200
    assert showed.json() == {
        "id": demo.ids["first_instant"],
        "status": "showed",
        "starts_at": showed.json()["starts_at"],
        "vehicle_id": showed.json()["vehicle_id"],
        "staff_id": demo.staff_ids["maria"],
        "sequence": 0,
    }
    assert datetime.fromisoformat(showed.json()["starts_at"]) == PLAN["first_instant"][0]

    no_show = demo.mark("thursday", "no_show", staff="jake", note="no answer at 11:20")
    assert no_show.status_code == 200 and no_show.json()["status"] == "no_show"
    confirmed = demo.mark("tomorrow", "confirmed", staff="kevin")  # the BDC rep called ahead
    assert confirmed.status_code == 200 and confirmed.json()["staff_id"] == demo.staff_ids["jake"]
    cancelled = demo.mark("wednesday", "cancelled", staff="priya")
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["sequence"] == 1
    again = demo.mark("first_instant", "showed", staff="jake")  # a repeat changes nothing
    assert again.status_code == 200 and again.json() == showed.json()

    assert demo.status("first_instant") is AppointmentStatus.SHOWED
    assert demo.status("thursday") is AppointmentStatus.NO_SHOW
    assert demo.status("tomorrow") is AppointmentStatus.CONFIRMED
    assert demo.status("wednesday") is AppointmentStatus.CANCELLED
    _, events = demo.snapshot()
    marked = [e for e in events if e[0].startswith("appointment_") and e[0] != "appointment_booked"]
    assert marked == [
        ("appointment_showed", demo.staff_ids["maria"]),
        ("appointment_no_show", demo.staff_ids["jake"]),
        ("appointment_confirmed", demo.staff_ids["kevin"]),
        ("appointment_cancelled", demo.staff_ids["priya"]),
    ]


def test_unknown_appointment_or_staff_is_404_and_changes_nothing(demo: Demo) -> None:
    before = demo.snapshot()
    missing = demo.mark(999_999, "showed")
    assert missing.status_code == 404 and "appointment id 999999" in missing.json()["detail"]
    stranger = demo.mark("thursday", "no_show", staff="nobody")
    assert stranger.status_code == 404 and "'nobody'" in stranger.json()["detail"]
    nowhere = demo.client.get("/api/dealerships/nowhere-motors/show-rate", params=WEEK)
    assert nowhere.status_code == 404 and "nowhere-motors" in nowhere.json()["detail"]
    assert demo.snapshot() == before


@pytest.mark.parametrize(
    ("name", "body", "loc", "message"),
    [
        (
            "friday",
            {"status": "confirmed"},
            ["status"],
            "status: cannot go from booked to confirmed once the appointment has started",
        ),
        (
            "tomorrow",
            {"status": "showed"},
            ["status"],
            "status: cannot go from booked to showed before the appointment starts",
        ),
        ("friday", {"status": "booked"}, ["body", "status"], "Input should be"),
        ("friday", {"status": "arrived"}, ["body", "status"], "Input should be"),
        ("friday", {"status": "showed", "staff": ""}, ["body", "staff"], "at least 1"),
        ("friday", {"status": "showed", "note": "x" * 501}, ["body", "note"], "at most 500"),
    ],
)
def test_a_refused_change_is_422_naming_the_field_and_changes_nothing(
    demo: Demo, name: str, body: dict[str, str], loc: list[str], message: str
) -> None:
    before = demo.snapshot()
    refused = demo.mark(name, **body)
    assert refused.status_code == 422
    [error] = refused.json()["detail"]
    assert error["loc"] == loc and message in error["msg"]
    assert demo.snapshot() == before


def test_a_final_state_cannot_change_and_the_store_keeps_it(demo: Demo) -> None:
    assert demo.mark("thursday", "no_show", staff="jake").status_code == 200
    before = demo.snapshot()
    for status in ("showed", "confirmed", "cancelled"):
        refused = demo.mark("thursday", status, staff="jake")
        assert refused.status_code == 422
        [error] = refused.json()["detail"]
        assert error["loc"] == ["status"]
        assert error["msg"].startswith(f"status: cannot go from no_show to {status}")
        assert error["expected"] == "'no_show' (a no_show appointment is final)"
    assert demo.snapshot() == before and demo.status("thursday") is AppointmentStatus.NO_SHOW


def test_show_rate_for_a_local_week_overall_and_per_salesperson(demo: Demo) -> None:
    for name, status, handle in [
        ("first_instant", "showed", "maria"),
        ("thursday", "no_show", "jake"),
        ("tomorrow", "confirmed", "jake"),
        ("wednesday", "cancelled", "priya"),
        ("before", "showed", "maria"),
    ]:
        assert demo.mark(name, status, staff=handle).status_code == 200

    answer = demo.client.get(f"/api/dealerships/{SLUG}/show-rate", params=WEEK)
    assert answer.status_code == 200
    body = answer.json()
    assert body["timezone"] == "America/Los_Angeles"
    assert (body["start"], body["end"]) == ("2026-03-02", "2026-03-09")
    assert datetime.fromisoformat(body["start_utc"]) == _local(2, 0)  # 08:00Z, standard time
    assert datetime.fromisoformat(body["end_utc"]) == _local(9, 0)  # 07:00Z, daylight time
    assert body["overall"] == {"booked": 5, "showed": 1, "no_show": 1, "pending": 3, "rate": 0.5}
    assert body["staff"] == [
        {"handle": "jake", "name": "Jake Thompson", "booked": 2, "showed": 0, "no_show": 1,
         "pending": 1, "rate": 0.0},
        {"handle": "maria", "name": "Maria Lopez", "booked": 2, "showed": 1, "no_show": 0,
         "pending": 1, "rate": 1.0},
        {"handle": "priya", "name": "Priya Nair", "booked": 1, "showed": 0, "no_show": 0,
         "pending": 1, "rate": None},
    ]  # fmt: skip

    sunday = demo.client.get(
        f"/api/dealerships/{SLUG}/show-rate", params={"start": "2026-03-01", "end": "2026-03-02"}
    ).json()
    assert sunday["overall"] == {"booked": 1, "showed": 1, "no_show": 0, "pending": 0, "rate": 1.0}
    assert [s["handle"] for s in sunday["staff"]] == ["maria"]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"start": "2026-13-01", "end": "2026-03-09"}, ["query", "start"]),
        ({"start": "2026-03-02", "end": "next week"}, ["query", "end"]),
        ({"start": "2026-03-02"}, ["query", "end"]),
        ({"start": "2026-03-09", "end": "2026-03-02"}, ["end"]),
        ({"start": "2026-03-02", "end": "2026-03-02"}, ["end"]),
        ({"start": "0001-01-01", "end": "2026-03-02"}, ["start"]),  # before any report
        ({"start": "2026-03-02", "end": "9999-12-31"}, ["end"]),
    ],
)
def test_show_rate_bad_dates_are_422_naming_the_parameter(
    demo: Demo, params: dict[str, str], loc: list[str]
) -> None:
    answer = demo.client.get(f"/api/dealerships/{SLUG}/show-rate", params=params)
    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [loc]
