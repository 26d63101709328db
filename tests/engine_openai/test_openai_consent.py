"""A model cannot book a time the shopper never chose: the booking tools' precondition
(`agent.consent`) refuses it, with the offered times to ask about, whatever the model wants.

The fake model below is deliberately eager: it books the first alternative it sees.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.engine_openai.conftest import OpenRuntime
from tests.engine_openai.test_openai_booking import _book_directly, _standing
from tests.engine_openai.test_openai_engine import send
from tests.fakes.openai_server import ChatRequest, FakeOpenAI, Reply, Text, call

LA = ZoneInfo("America/Los_Angeles")
TAKEN = ["2026-03-07T13:00", "2026-03-07T13:30", "2026-03-07T14:30"]  # around a taken 2 PM


def say(request: ChatRequest) -> Reply:
    """Relay the last tool result: a booking, a refusal to book, or open times."""
    result: dict[str, Any] = request.last_tool_result()
    if result.get("error") == "not_chosen":
        return Text("Which time works for you: " + ", ".join(result["offered"]) + "?")
    if "error" in result:
        return Text("Open times: " + ", ".join(result.get("alternatives", [])))
    return Text(f"Booked {result['booked']['starts_at']}.")


def _booked_times(runtime: Any) -> list[datetime]:
    return sorted(t.astimezone(LA) for _, t, _ in _standing(runtime))


def _taken_at_two(runtime: Any) -> None:
    _book_directly(runtime, "U2304", datetime(2026, 3, 7, 14, 0, tzinfo=LA), "+15559990001")


def test_perfect_to_several_offered_times_books_nothing(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(
        call("book_test_drive", stock="U2304", starts_at="2026-03-07T14:00"),
        say,
        call("book_test_drive", stock="U2304", starts_at=TAKEN[0]),  # the model's own "pick"
        say,
    )
    with open_openai_runtime() as runtime:
        _taken_at_two(runtime)
        send(runtime, "can I drive the F-150 tomorrow at 2pm?", 1)
        reply = send(runtime, "perfect. do i need to bring anything", 2).replies[0].body
        booked = _booked_times(runtime)
    refusal = openai_fake.requests[3].last_tool_result()
    assert refusal["error"] == "not_chosen"
    assert refusal["offered"] == TAKEN
    assert booked == [datetime(2026, 3, 7, 14, 0, tzinfo=LA)]  # only the other shopper's
    assert "Which time" in reply


def test_an_alternative_booked_in_the_same_turn_is_refused(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(
        call("book_test_drive", stock="U2304", starts_at="2026-03-07T14:00"),
        call("book_test_drive", stock="U2304", starts_at=TAKEN[2]),  # no asking: just books
        say,
    )
    with open_openai_runtime() as runtime:
        _taken_at_two(runtime)
        send(runtime, "F-150 tomorrow at 2?", 1)
        booked = _booked_times(runtime)
    assert openai_fake.requests[2].last_tool_result()["error"] == "not_chosen"
    assert len(booked) == 1


def test_a_time_nobody_mentioned_is_refused(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(
        call("book_test_drive", stock="U2304", starts_at="2026-03-07T11:00"),
        say,
    )
    with open_openai_runtime() as runtime:
        send(runtime, "is the f-150 still there? might come see it tomorrow", 1)
        assert _booked_times(runtime) == []
    assert openai_fake.requests[1].last_tool_result()["error"] == "not_chosen"


def test_a_picked_offer_and_a_named_time_are_booked_and_moved(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(
        call("book_test_drive", stock="U2304", starts_at="2026-03-07T14:00"),
        say,
        call("book_test_drive", stock="U2304", starts_at=TAKEN[1]),
        say,
        call("reschedule_test_drive", starts_at="2026-03-07T17:30"),
        say,
    )
    with open_openai_runtime() as runtime:
        _taken_at_two(runtime)
        send(runtime, "can I drive the F-150 tomorrow at 2pm?", 1)
        send(runtime, "the 1:30 one", 2)
        assert datetime(2026, 3, 7, 13, 30, tzinfo=LA) in _booked_times(runtime)
        send(runtime, "actually can we push it to 5:30", 3)  # 5:30 AM is closed: 5:30 PM
        booked = _booked_times(runtime)
    assert booked == [
        datetime(2026, 3, 7, 14, 0, tzinfo=LA),
        datetime(2026, 3, 7, 17, 30, tzinfo=LA),
    ]  # moved, not a second booking
