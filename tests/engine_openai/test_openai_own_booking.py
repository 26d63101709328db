"""The shopper's own test drive with the `openai` engine: `my_appointments` returns only this
shopper's upcoming drives (booked before, by staff) from the store, and a move of that drive
keeps one appointment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from crm_store import appointments, customers, dealerships, vehicles
from tests.engine_openai.conftest import DEALER, OpenRuntime
from tests.engine_openai.test_openai_booking import _book_directly, relay
from tests.engine_openai.test_openai_engine import SHOPPER, only_reply, send
from tests.fakes.openai_server import ChatRequest, FakeOpenAI, Reply, Text, call

LA = ZoneInfo("America/Los_Angeles")


def tell(request: ChatRequest) -> Reply:
    """A model that reads the shopper's drives back from the tool result."""
    found = request.last_tool_result()["appointments"]
    if not found:
        return Text("I don't see a test drive booked for you. Want me to set one up?")
    first = found[0]
    return Text(f"Your test drive of the {first['title']} is at {first['starts_at']}.")


def _mine(runtime: object) -> list[tuple[str, datetime]]:
    store = runtime.store  # type: ignore[attr-defined]
    with store.reading() as uow:
        dealer = dealerships.get_dealership(uow, slug=DEALER)
        shopper = customers.find_by_phone(uow, dealership_id=dealer.id, phone=SHOPPER)
        assert shopper is not None
        return [
            (
                vehicles.get_vehicle_by_id(uow, vehicle_id=a.vehicle_id).stock,
                a.starts_at.astimezone(LA).replace(tzinfo=None),
            )
            for a in appointments.upcoming_for_customer(uow, customer_id=shopper.id)
        ]


def test_my_appointments_is_only_mine_and_a_move_keeps_one(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(
        call("my_appointments"),
        tell,
        call("reschedule_test_drive", starts_at="2026-03-10T15:00"),
        relay,
    )
    with open_openai_runtime() as runtime:
        _book_directly(runtime, "U2303", datetime(2026, 3, 9, 11, 0, tzinfo=LA), SHOPPER)
        _book_directly(runtime, "U2306", datetime(2026, 3, 8, 12, 0, tzinfo=LA), "+15559990002")
        told = only_reply(send(runtime, "hey what time is my test drive again", 1))
        [(_, result)] = openai_fake.requests[1].tool_results()
        assert [(a["stock"], a["starts_at"]) for a in result["appointments"]] == [
            ("U2303", "2026-03-09T11:00")  # not the other customer's Outback
        ]
        assert "Tacoma" in told and "2026-03-09T11:00" in told
        only_reply(send(runtime, "can we move it to tuesday at 3", 2))
        assert _mine(runtime) == [("U2303", datetime(2026, 3, 10, 15, 0))]


def test_none_booked_is_an_empty_list(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(call("my_appointments"), tell)
    with open_openai_runtime() as runtime:
        _book_directly(runtime, "U2303", datetime(2026, 3, 9, 11, 0, tzinfo=LA), "+15559990003")
        told = only_reply(send(runtime, "when is my appt", 1))
    [(name, result)] = openai_fake.requests[1].tool_results()
    assert name == "my_appointments" and result == {"appointments": []}
    assert "don't see a test drive" in told
