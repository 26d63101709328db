"""A fake OpenAI-compatible chat server speaking the real wire format, for the `openai` engine.

It serves `POST /v1/chat/completions` on 127.0.0.1 (a free port, in a thread), records every
request (body and headers) and answers from a script: a queue of steps, each a text reply, a
list of tool calls, an HTTP error with an OpenAI-style error body, a delayed reply, or a
function of the request for replies that depend on what the client sent (a price read from the
last tool message, the system prompt recited back).

Like the real endpoint, it refuses requests the real one refuses, so a client bug shows up as
it would in production: a missing or wrong API key is a 401, a `tool` message that answers no
preceding `tool_calls` (or a tool call left unanswered) is a 400. Those refusals, and a request
arriving after the script ran out, are also listed in `problems` so a test can report them.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

COMPLETIONS_PATH = "/v1/chat/completions"


# -- what a step of the script can be -----------------------------------------------------


@dataclass(frozen=True)
class Text:
    """An assistant text reply (`finish_reason: "stop"`)."""

    content: str


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCalls:
    """An assistant turn that calls tools (`content: null`, `finish_reason: "tool_calls"`)."""

    calls: tuple[ToolCall, ...]


@dataclass(frozen=True)
class HttpError:
    """An error response with OpenAI's error body: {"error": {message, type, param, code}}."""

    status: int
    message: str
    type: str = "server_error"
    code: str | None = None


@dataclass(frozen=True)
class Delayed:
    """`then`, answered only after `seconds` (to run a client into its timeout)."""

    seconds: float
    then: Reply


Reply = Text | ToolCalls | HttpError | Delayed


def call(name: str, **arguments: Any) -> ToolCalls:
    """One tool call, e.g. `call("search_inventory", make="tesla")`."""
    return ToolCalls((ToolCall(name, arguments),))


# -- what was received --------------------------------------------------------------------


@dataclass(frozen=True)
class ChatRequest:
    """One request as the fake received it: the JSON body and the HTTP headers."""

    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def model(self) -> str:
        return str(self.body.get("model"))

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.body.get("messages") or []
        return messages

    @property
    def roles(self) -> list[str]:
        return [str(m.get("role")) for m in self.messages]

    @property
    def tool_names(self) -> list[str]:
        return [str(t["function"]["name"]) for t in self.body.get("tools") or []]

    @property
    def system(self) -> str:
        """The text of the first system (or developer) message, "" when there is none."""
        for message in self.messages:
            if message.get("role") in ("system", "developer"):
                return text_of(message)
        return ""

    def tool_results(self) -> list[tuple[str, Any]]:
        """(tool name, parsed JSON content) of every `tool` message, in order."""
        names: dict[str, str] = {}
        out: list[tuple[str, Any]] = []
        for message in self.messages:
            for tc in message.get("tool_calls") or []:
                names[tc["id"]] = tc["function"]["name"]
            if message.get("role") == "tool":
                name = names.get(str(message.get("tool_call_id")), "?")
                out.append((name, json.loads(text_of(message))))
        return out

    def last_tool_result(self) -> Any:
        """The parsed content of the last message, which must be a `tool` message."""
        last = self.messages[-1]
        assert last.get("role") == "tool", f"last message is {last.get('role')!r}, not 'tool'"
        return json.loads(text_of(last))


def text_of(message: dict[str, Any]) -> str:
    """A message's text, whether `content` is a string or a list of content parts."""
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text", "")) for part in content if part.get("type") == "text")


Responder = Callable[[ChatRequest], Reply]
Step = Reply | Responder


# -- the server ---------------------------------------------------------------------------


class FakeOpenAI:
    """The fake endpoint. `script(...)` queues steps; `requests` lists what arrived and
    `responses` what was answered (a delayed answer is listed before it is sent)."""

    def __init__(self, *, api_key: str = "test-key") -> None:
        self.api_key = api_key
        self.requests: list[ChatRequest] = []
        self.responses: list[tuple[int, dict[str, Any]]] = []  # (status, JSON body), in order
        self.problems: list[str] = []
        self._steps: deque[Step] = deque()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-openai", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *steps: Step) -> None:
        with self._lock:
            self._steps.extend(steps)

    @property
    def pending(self) -> int:
        """Scripted steps not used yet."""
        with self._lock:
            return len(self._steps)

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # delayed replies give up instead of holding the thread
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    # -- called by the handler, one request at a time per connection ----------------------

    def answer(self, raw: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any], float]:
        """(status, JSON body, seconds to wait before answering) for one request."""
        status, body, delay = self._answer(raw, headers)
        with self._lock:
            self.responses.append((status, body))
        return status, body, delay

    def _answer(self, raw: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any], float]:
        number = next(self._ids)
        refused = self._check_auth(headers)
        if refused is not None:
            return self._refuse(HTTPStatus.UNAUTHORIZED, refused, "invalid_api_key")
        try:
            body = json.loads(raw)
        except ValueError as exc:
            return self._refuse(HTTPStatus.BAD_REQUEST, f"We could not parse the JSON body: {exc}")
        if not isinstance(body, dict):
            return self._refuse(HTTPStatus.BAD_REQUEST, "The request body must be a JSON object.")
        request = ChatRequest(body, headers)
        with self._lock:
            self.requests.append(request)
        problem = _check_request(body)
        if problem is not None:
            return self._refuse(HTTPStatus.BAD_REQUEST, problem)
        with self._lock:
            step = self._steps.popleft() if self._steps else None
        if step is None:
            message = "fake OpenAI server: the script has no step left for this request"
            return self._refuse(HTTPStatus.INTERNAL_SERVER_ERROR, message)
        reply = step if isinstance(step, Text | ToolCalls | HttpError | Delayed) else step(request)
        delay = 0.0
        while isinstance(reply, Delayed):
            delay += reply.seconds
            reply = reply.then
        if isinstance(reply, HttpError):
            return reply.status, _error_body(reply.message, reply.type, reply.code), delay
        return HTTPStatus.OK, self._completion(number, request, reply), delay

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; False when the server is stopping meanwhile."""
        return not self._stopping.wait(seconds)

    def _check_auth(self, headers: dict[str, str]) -> str | None:
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return (
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
            )
        if auth.removeprefix("Bearer ") != self.api_key:
            return "Incorrect API key provided."
        return None

    def _refuse(
        self, status: int, message: str, code: str | None = None
    ) -> tuple[int, dict[str, Any], float]:
        with self._lock:
            self.problems.append(f"{status}: {message}")
        kind = "server_error" if status >= 500 else "invalid_request_error"
        return status, _error_body(message, kind, code), 0.0

    def _completion(
        self, number: int, request: ChatRequest, reply: Text | ToolCalls
    ) -> dict[str, Any]:
        if isinstance(reply, Text):
            message: dict[str, Any] = {"role": "assistant", "content": reply.content}
            finish = "stop"
            completion_chars = len(reply.content)
        else:
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{number:04d}{index:02d}fake",
                        "type": "function",
                        "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                    }
                    for index, c in enumerate(reply.calls)
                ],
            }
            finish = "tool_calls"
            completion_chars = len(json.dumps(message["tool_calls"]))
        message |= {"refusal": None, "annotations": []}
        prompt_tokens = max(1, len(json.dumps(request.messages)) // 4)
        completion_tokens = max(1, completion_chars // 4)
        return {
            "id": f"chatcmpl-fake{number:06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.model,
            "choices": [
                {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "system_fingerprint": "fp_fake",
            "service_tier": "default",
        }


def _error_body(message: str, kind: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _check_request(body: dict[str, Any]) -> str | None:
    """What the real endpoint would refuse in a chat request (the parts a client gets wrong)."""
    if not body.get("model"):
        return "you must provide a model parameter"
    if body.get("stream"):
        return "fake OpenAI server: streaming responses are not supported"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "Invalid 'messages': expected a non-empty array."
    open_calls: set[str] = set()
    opened_at = -1
    for index, message in enumerate(messages):
        role = message.get("role")
        if role not in ("system", "developer", "user", "assistant", "tool"):
            return (
                f"Invalid value: '{role}'. Supported values are: 'system', 'assistant', "
                f"'user', 'tool', 'function' and 'developer'. (messages.[{index}].role)"
            )
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in open_calls:
                return (
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    f"preceeding message with 'tool_calls'. (messages.[{index}].role)"
                )
            open_calls.discard(call_id)
            continue
        if open_calls:
            return (
                "An assistant message with 'tool_calls' must be followed by tool messages "
                "responding to each 'tool_call_id'. The following tool_call_ids did not have "
                f"response messages: {', '.join(sorted(open_calls))} (messages.[{opened_at}])"
            )
        if role == "assistant" and message.get("tool_calls"):
            open_calls = {str(tc["id"]) for tc in message["tool_calls"]}
            opened_at = index
    if open_calls:
        return (
            "An assistant message with 'tool_calls' must be followed by tool messages "
            "responding to each 'tool_call_id'. The following tool_call_ids did not have "
            f"response messages: {', '.join(sorted(open_calls))} (messages.[{opened_at}])"
        )
    return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive with Content-Length, like the real endpoint

    def do_POST(self) -> None:
        fake: FakeOpenAI = self.server.fake  # type: ignore[attr-defined]
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path.split("?", 1)[0] != COMPLETIONS_PATH:
            body = _error_body(f"Invalid URL (POST {self.path})", "invalid_request_error", None)
            self._send(HTTPStatus.NOT_FOUND, body)
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, body, delay = fake.answer(raw, headers)
        if delay and not fake.wait(delay):
            self.close_connection = True
            return
        self._send(status, body)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.send_header("x-request-id", f"req_fake_{id(body):x}")
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its timeout) before we answered

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the recorded requests are the log."""


@contextmanager
def running_fake(*, api_key: str = "test-key") -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(api_key=api_key).start()
    try:
        yield fake
    finally:
        fake.stop()
