"""Test-drive booking with the `openai` engine: the fake model calls the booking tools the
way a real model does, and the store decides (taken time, closed time, sold car, reschedule,
cancel); the model can only relay what the tools returned."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from booking.follow_ups import REMINDER_JOB
from crm_store import appointments, availability, customers, dealerships, jobs, vehicles
from crm_store.types import AppointmentStatus
from tests.engine_openai.conftest import DEALER, OpenRuntime
from tests.engine_openai.test_openai_engine import SHOPPER, only_reply, send
from tests.fakes.openai_server import ChatRequest, FakeOpenAI, Reply, Text, call

LA = ZoneInfo("America/Los_Angeles")


def relay(request: ChatRequest) -> Reply:
    """A model that reports the tool result it was just given, alternatives included."""
    result = request.last_tool_result()
    if "error" in result:
        times = ", ".join(result.get("alternatives", []))
        return Text(f"Sorry, {result['reason']}. Open times: {times}.")
    done = result.get("booked") or result.get("rescheduled") or result.get("cancelled")
    return Text(f"Done: {done['title']} at {done['starts_at']}.")


def _book_directly(runtime: object, stock: str, at: datetime, phone: str) -> None:
    store = runtime.store  # type: ignore[attr-defined]
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=DEALER)
        other, _ = customers.get_or_create_by_phone(
            uow, dealership_id=dealer.id, phone=phone, source="test"
        )
        car = vehicles.get_vehicle(uow, dealership_id=dealer.id, stock=stock)
        availability.book(
            uow,
            dealership_id=dealer.id,
            vehicle_id=car.id,
            starts_at=at,
            customer_id=other.id,
            conversation_id=None,
        )


def _standing(runtime: object) -> list[tuple[str, datetime, int | None]]:
    store = runtime.store  # type: ignore[attr-defined]
    with store.reading() as uow:
        dealer = dealerships.get_dealership(uow, slug=DEALER)
        return [
            (
                vehicles.get_vehicle_by_id(uow, vehicle_id=a.vehicle_id).stock,
                a.starts_at,
                a.customer_id,
            )
            for a in appointments.list_appointments(uow, dealership_id=dealer.id)
        ]


def test_a_taken_time_is_refused_with_the_nearest_open_times(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(call("book_test_drive", stock="U2304", starts_at="2026-03-07T14:00"), relay)
    with open_openai_runtime() as runtime:
        _book_directly(runtime, "U2304", datetime(2026, 3, 7, 14, 0, tzinfo=LA), "+15559990001")
        reply = only_reply(send(runtime, "can I drive the F-150 tomorrow at 2pm?"))
        standing = _standing(runtime)
    [(_, result)] = openai_fake.requests[1].tool_results()
    assert result["error"] == "unavailable" and result["reason"] == "slot taken"
    assert result["alternatives"] == ["2026-03-07T13:00", "2026-03-07T13:30", "2026-03-07T14:30"]
    assert "2026-03-07T14:30" in reply
    assert len(standing) == 1  # only the earlier booking


def test_a_closed_time_gets_the_nearest_open_ones(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(call("book_test_drive", stock="U2304", starts_at="2026-03-07T07:00"), relay)
    with open_openai_runtime() as runtime:
        send(runtime, "F-150 tomorrow 7am before work?")
        assert _standing(runtime) == []
    [(_, result)] = openai_fake.requests[1].tool_results()
    assert result["reason"] == "that time is not open"
    assert result["alternatives"][0] == "2026-03-07T09:00"  # Saturday opens at 9


def test_a_sold_car_is_never_booked(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(call("book_test_drive", stock="U2302", starts_at="2026-03-07T11:00"), relay)
    with open_openai_runtime() as runtime:
        send(runtime, "can i test drive the rav4 tomorrow at 11")
        assert _standing(runtime) == []
    [(_, result)] = openai_fake.requests[1].tool_results()
    assert result["error"] == "unavailable" and result["status"] == "sold"


def test_reschedule_then_cancel_through_the_tools(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(
        call("book_test_drive", stock="U2304", starts_at="2026-03-07T14:00"),
        relay,
        call("reschedule_test_drive", starts_at="2026-03-07T15:00"),
        relay,
        call("cancel_test_drive"),
        relay,
    )
    with open_openai_runtime() as runtime:
        send(runtime, "F-150 tomorrow at 2?", 1)
        runtime.jobs.run_due()
        moved = only_reply(send(runtime, "can we do 3 instead", 2))
        assert [(s, t) for s, t, _ in _standing(runtime)] == [
            ("U2304", datetime(2026, 3, 7, 23, 0, tzinfo=UTC))
        ]
        runtime.jobs.run_due()
        cancelled = only_reply(send(runtime, "actually cancel it", 3))
        runtime.jobs.run_due()
        assert _standing(runtime) == []
        with runtime.store.reading() as uow:
            dealer = dealerships.get_dealership(uow, slug=DEALER)
            shopper = customers.find_by_phone(uow, dealership_id=dealer.id, phone=SHOPPER)
            assert shopper is not None
            [appt] = appointments.list_appointments(
                uow, dealership_id=dealer.id, include_cancelled=True
            )
            assert appt.status is AppointmentStatus.CANCELLED and appt.sequence == 2
            assert jobs.pending(uow, kinds=[REMINDER_JOB]) == []  # no reminder after cancel
    assert "2026-03-07T15:00" in moved and "Done" in cancelled
