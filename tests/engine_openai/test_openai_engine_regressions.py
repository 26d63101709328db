"""Regressions found while writing the `openai` engine tests: conversations that a real
OpenAI endpoint would break (refused tool history, a prompt without the shopper's question)
and a shopper never told they talk to an automated assistant. Each test names the bug
it guards against."""

from __future__ import annotations

from agent.graph import MAX_TOOL_ROUNDS
from crm_store import appointments, dealerships
from tests.engine_openai.conftest import DEALER, OpenRuntime
from tests.engine_openai.test_openai_engine import only_reply, send
from tests.fakes.openai_server import (
    ChatRequest,
    Delayed,
    FakeOpenAI,
    HttpError,
    Reply,
    Text,
    ToolCall,
    ToolCalls,
    call,
)


def test_turn_after_the_tool_round_limit_still_reaches_the_model(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    """Past MAX_TOOL_ROUNDS the last tool call used to stay unanswered in the checkpoint, and
    the real API refuses (400) every later request carrying it: the conversation was stuck."""

    def model(request: ChatRequest) -> Reply:
        users = [m["content"] for m in request.messages if m["role"] == "user"]
        if users[-1] == "Compare every car you have.":
            return call("get_vehicle", stock="U2310")  # never satisfied: keeps calling tools
        return Text("Happy to help with anything else.")

    openai_fake.script(*[model] * 20)
    with open_openai_runtime() as runtime:
        first = send(runtime, "Compare every car you have.", 1)
        asked_in_first_turn = len(openai_fake.requests)
        second = send(runtime, "Thanks. Anything else?", 2)

    assert asked_in_first_turn > MAX_TOOL_ROUNDS  # the first turn did run into the limit
    assert first.outcome == "replied"
    assert openai_fake.problems == []
    assert second.outcome == "replied"
    assert only_reply(second) == "Happy to help with anything else."


def test_shopper_is_told_it_is_an_assistant_even_when_the_first_turn_fell_back(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    """The fallback used to skip the disclosure yet count as the first reply, so no reply in
    the conversation ever said it came from an automated assistant."""
    broken = HttpError(500, "The server had an error while processing your request.")
    openai_fake.script(broken, broken, Text("Yes, it's still available."))
    with open_openai_runtime() as runtime:
        first = send(runtime, "Is the Model 3 still there?", 1)
        second = send(runtime, "Hello?", 2)

    assert (first.outcome, second.outcome) == ("fallback", "replied")
    received = [only_reply(first), only_reply(second)]
    assert any("automated assistant" in text.lower() for text in received), received


def test_a_busy_turn_keeps_the_shoppers_question_in_every_request(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    """A turn longer than the history budget (parallel tool calls) used to be cut to nothing
    after the system prompt: the model answered without the shopper's question."""
    eight = ToolCalls(tuple(ToolCall("get_vehicle", {"stock": "U2310"}) for _ in range(8)))
    openai_fake.script(eight, eight, eight, Text("Here they are."))
    with open_openai_runtime() as runtime:
        result = send(runtime, "Compare all your used cars.", 1)

    assert result.outcome == "replied"
    for request in openai_fake.requests:
        users = [m["content"] for m in request.messages if m["role"] == "user"]
        assert users == ["Compare all your used cars."], request.roles


def test_a_turn_the_pipeline_gave_up_on_books_nothing(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    """The shopper was told a person will reply; the abandoned turn must not book a test
    drive behind that answer. Each model answer is quick enough on its own, but the third,
    which asks for the booking, arrives after the 1 s turn budget is spent."""
    openai_fake.script(
        Delayed(0.4, call("search_inventory", make="ford")),
        Delayed(0.4, call("get_vehicle", stock="U2304")),
        Delayed(0.4, call("book_test_drive", stock="U2304", starts_at="2026-03-07T14:00")),
        Text("You're booked for Saturday at 14:00."),
    )
    with open_openai_runtime(engine_timeout_seconds=1) as runtime:
        result = send(runtime, "Book the F-150 tomorrow at 2pm.", 1)
        runtime.pipeline.close()  # waits until the abandoned turn has stopped
        with runtime.store.unit_of_work() as uow:
            dealer = dealerships.get_dealership(uow, slug=DEALER)
            booked = appointments.list_appointments(uow, dealership_id=dealer.id)

    assert result.outcome == "fallback"
    assert booked == []
