"""The fake endpoint speaks the real wire format: the official `openai` SDK parses its answers
into its own types and raises its own errors for the fake's refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletionMessageFunctionToolCall

from tests.fakes.openai_server import (
    Delayed,
    FakeOpenAI,
    HttpError,
    Text,
    ToolCall,
    ToolCalls,
    call,
    running_fake,
)

KEY = "sk-fake-key"


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with running_fake(api_key=KEY) as server:
        yield server


def client(fake: FakeOpenAI, *, api_key: str = KEY, timeout: float = 10) -> openai.OpenAI:
    return openai.OpenAI(base_url=fake.base_url, api_key=api_key, max_retries=0, timeout=timeout)


USER: list[Any] = [{"role": "user", "content": "Hi"}]


def test_text_reply_is_a_chat_completion(fake: FakeOpenAI) -> None:
    fake.script(Text("Hello there."))
    done = client(fake).chat.completions.create(
        model="gpt-test", messages=[{"role": "system", "content": "Be brief."}, *USER]
    )

    assert done.object == "chat.completion"
    assert done.model == "gpt-test"
    assert done.choices[0].finish_reason == "stop"
    assert done.choices[0].message.role == "assistant"
    assert done.choices[0].message.content == "Hello there."
    assert done.choices[0].message.tool_calls is None
    assert done.usage is not None and done.usage.total_tokens > 0
    [request] = fake.requests
    assert request.system == "Be brief."
    assert request.roles == ["system", "user"]
    assert request.headers["authorization"] == f"Bearer {KEY}"


def test_tool_calls_reply_carries_json_arguments(fake: FakeOpenAI) -> None:
    fake.script(ToolCalls((ToolCall("get_vehicle", {"stock": "U1"}), ToolCall("cancel", {}))))
    done = client(fake).chat.completions.create(model="gpt-test", messages=USER)

    choice = done.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    calls = choice.message.tool_calls or []
    assert [c.type for c in calls] == ["function", "function"]
    functions = [c.function for c in calls if isinstance(c, ChatCompletionMessageFunctionToolCall)]
    assert [f.name for f in functions] == ["get_vehicle", "cancel"]
    assert json.loads(functions[0].arguments) == {"stock": "U1"}
    assert len({c.id for c in calls}) == 2


def test_tool_result_round_trip_is_readable_by_a_responder(fake: FakeOpenAI) -> None:
    fake.script(
        call("get_vehicle", stock="U1"),
        lambda request: Text(f"It costs ${request.last_tool_result()['price']:,}."),
    )
    api = client(fake)
    first = api.chat.completions.create(model="gpt-test", messages=USER)
    asked = (first.choices[0].message.tool_calls or [])[0]
    history: list[Any] = [
        *USER,
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": asked.id, "content": json.dumps({"price": 25995})},
    ]
    second = api.chat.completions.create(model="gpt-test", messages=history)

    assert second.choices[0].message.content == "It costs $25,995."
    assert fake.requests[1].tool_results() == [("get_vehicle", {"price": 25995})]
    assert fake.problems == []


def test_scripted_http_error_is_an_openai_api_error(fake: FakeOpenAI) -> None:
    fake.script(HttpError(503, "The engine is currently overloaded."))
    with pytest.raises(openai.InternalServerError) as raised:
        client(fake).chat.completions.create(model="gpt-test", messages=USER)

    assert raised.value.status_code == 503
    assert raised.value.body == {
        "message": "The engine is currently overloaded.",
        "type": "server_error",
        "param": None,
        "code": None,
    }
    assert fake.problems == []  # scripted, so not a problem of the client


def test_delayed_reply_runs_the_client_into_its_timeout(fake: FakeOpenAI) -> None:
    fake.script(Delayed(5, Text("Too late.")))
    with pytest.raises(openai.APITimeoutError):
        client(fake, timeout=0.5).chat.completions.create(model="gpt-test", messages=USER)
    assert len(fake.requests) == 1


def test_wrong_api_key_is_refused(fake: FakeOpenAI) -> None:
    fake.script(Text("unused"))
    with pytest.raises(openai.AuthenticationError):
        client(fake, api_key="sk-wrong").chat.completions.create(model="gpt-test", messages=USER)
    assert fake.pending == 1


@pytest.mark.parametrize(
    ("messages", "complaint"),
    [
        pytest.param(
            [*USER, {"role": "tool", "tool_call_id": "call_x", "content": "{}"}],
            "must be a response to a preceeding message with 'tool_calls'",
            id="orphan-tool-result",
        ),
        pytest.param(
            [
                *USER,
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_x",
                            "type": "function",
                            "function": {"name": "get_vehicle", "arguments": "{}"},
                        }
                    ],
                },
                {"role": "user", "content": "Hello?"},
            ],
            "did not have response messages: call_x",
            id="unanswered-tool-call",
        ),
    ],
)
def test_badly_ordered_tool_messages_are_refused_like_the_real_api(
    fake: FakeOpenAI, messages: list[dict[str, object]], complaint: str
) -> None:
    fake.script(Text("unused"))
    with pytest.raises(openai.BadRequestError) as raised:
        client(fake).chat.completions.create(model="gpt-test", messages=messages)  # type: ignore[arg-type]

    assert complaint in str(raised.value)
    assert len(fake.problems) == 1 and complaint in fake.problems[0]
    assert fake.pending == 1


def test_request_beyond_the_script_is_a_reported_problem(fake: FakeOpenAI) -> None:
    with pytest.raises(openai.InternalServerError):
        client(fake).chat.completions.create(model="gpt-test", messages=USER)
    assert fake.problems == [
        "500: fake OpenAI server: the script has no step left for this request"
    ]
