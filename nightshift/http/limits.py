"""A cap on every HTTP request body, enforced before the body is in memory.

`BodyLimit` is a pure ASGI middleware: a request whose `Content-Length` is over the cap is
refused with 413 at once, unread; a body without one (chunked) is counted as it streams and
refused with 413 as soon as it passes the cap, so at most the cap (plus one chunk) is ever
held. Nothing behind it (the routes, `InputGuard`'s JSON check, form parsing) sees more.
WebSocket frames are limited by the server (`ws_max_size`), shopper text by the channels.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LIMIT_SETTING = "NIGHTSHIFT_MAX_BODY_BYTES"
# The largest WebSocket frame the server takes (uvicorn's `ws_max_size`; its default is
# 16 MB): a web chat frame holds at most 2,000 characters of text, JSON-escaped.
WS_MAX_BYTES = 64 * 1024


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the cap. An HTTPException, so a
    route or FastAPI's body parsing that meets it answers the same 413 as the middleware."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large(limit))


def too_large(limit: int) -> str:
    return (
        f"request body: larger than the limit of {limit} bytes ({LIMIT_SETTING}); "
        f"expected at most {limit} bytes"
    )


class BodyLimit:
    """`larger` names the paths (exact) allowed a larger cap than `max_bytes`, such as a
    batch API's."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, larger: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = max(self.max_bytes, self.larger.get(scope["path"], 0))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        started = False
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if not started:  # else the response is under way; the connection just ends
                await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length itself
    return None


async def _refuse(send: Send, limit: int) -> None:
    payload = json.dumps({"detail": too_large(limit)}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close"),  # the rest of the body is not read
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
