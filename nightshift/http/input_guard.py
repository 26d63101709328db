"""Text no database can store, refused at the door with a 422 naming the field.

JSON allows `"\\ud800"`, a lone UTF-16 surrogate: Python decodes it into a `str` that cannot
be encoded as UTF-8, so SQLite's insert (and the JSON response echoing it back, even a 422)
fails with a 500. PostgreSQL refuses NUL characters the same way. Query strings, paths and
forms are decoded with replacement characters, so JSON bodies are the only way in for a
surrogate; a NUL can also come through the path or query string (`%00`).

`InputGuard` is a pure ASGI middleware: it reads a JSON request body once, checks every
string (keys and values), then replays the body to the app unchanged. Bodies that are not
valid JSON pass through for FastAPI to refuse as usual.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored (for a message naming the field), else None."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group(0) == "\x00":
        return "contains a NUL character; expected text without control character U+0000"
    return "contains a lone surrogate (invalid Unicode); expected valid UTF-8 text"


def find_unstorable(document: Any) -> tuple[list[str | int], str] | None:
    """The location and problem of the first string in a parsed JSON document that cannot
    be stored, else None. Iterative, so a deeply nested document cannot exhaust the stack."""
    stack: list[tuple[list[str | int], Any]] = [([], document)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            problem = unstorable(value)
            if problem is not None:
                return loc, problem
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = unstorable(key)
                if problem is not None:
                    return [*loc, key], problem
                stack.append(([*loc, key], item))
        elif isinstance(value, list):
            stack.extend(([*loc, index], item) for index, item in enumerate(value))
    return None


class InputGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = _path_or_query_problem(scope)
        if problem is not None:
            await _refuse(send, *problem)
            return
        if scope["method"] not in BODY_METHODS or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        body, more = await _read_body(receive)
        try:
            document = json.loads(body) if body else None
        except (ValueError, RecursionError):
            document = None  # FastAPI answers with its own 4xx
        found = find_unstorable(document)
        if found is not None:
            loc, message = found
            await _refuse(send, ["body", *loc], message)
            return
        await self.app(scope, _replay(body, more, receive), send)


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            kind: bytes = value.split(b";", 1)[0].strip().lower()
            return kind == b"application/json" or kind.endswith(b"+json")
    return False


def _path_or_query_problem(scope: Scope) -> tuple[list[str | int], str] | None:
    if "\x00" in scope["path"]:
        return ["path"], "contains a NUL character; expected text without U+0000"
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" not in query:
        return None
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            shown = name.replace("\x00", "\\x00")
            return ["query", shown], "contains a NUL character; expected text without U+0000"
    return None


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole request body, and any non-body message met on the way (a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), [message]
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), []


def _replay(body: bytes, pending: list[Message], receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _refuse(send: Send, loc: list[str | int], message: str) -> None:
    field = str(loc[-1]) if len(loc) > 1 else str(loc[0])
    detail = [{"loc": loc, "msg": f"{field}: {message}", "type": "value_error"}]
    payload = json.dumps({"detail": detail}).encode()  # ASCII: escapes anything odd
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": 422, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
