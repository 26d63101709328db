"""One widget's WebSocket: hello with history, shopper messages in, live events out.

Frames from the widget: `{"type": "message", "id": CLIENT_ID, "text": "..."}`.
Frames to the widget: `hello` (conversation, history, dealership name), `ack` (stored),
`error` (names the `field`), and every bus event of the conversation's topic (`message`, `typing`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from channels.web.history import StoreLike, find_conversation, session_problem, transcript
from contracts.channels import Bus, Inbox
from contracts.limits import Limiter
from contracts.messages import InboundMessage
from crm_store.errors import NotFound

log = logging.getLogger("nightshift.channels.web")
MAX_TEXT = 2000
MAX_FRAME = 64 * 1024  # characters of one text frame; a message is at most MAX_TEXT of them
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON's "\\ud800": not storable as UTF-8
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
POLICY_VIOLATION = 1008


class _Forwarder:
    """Forwards a topic's bus events to the socket, after `release()` (so hello goes first)."""

    def __init__(self, bus: Bus, topic: str, send: Any) -> None:
        self.topic = topic
        self._bus = bus
        self._send = send
        self._released = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Subscribe now: when this returns, events published from here on are forwarded."""
        self._task = asyncio.create_task(self._run())
        # The task runs up to its first wait, which is after the bus registered the queue.
        await asyncio.sleep(0)

    def release(self) -> None:
        self._released.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def _run(self) -> None:
        try:
            async for event in self._bus.subscribe(self.topic):
                await self._released.wait()
                await self._send(event)
        except (WebSocketDisconnect, RuntimeError):  # the socket went away: nothing to do
            return


class WidgetSocket:
    """Serves one connection until the widget goes away; every exit cancels the forwarder."""

    def __init__(
        self,
        websocket: WebSocket,
        *,
        slug: str,
        inbox: Inbox,
        bus: Bus,
        store: StoreLike,
        limit: Limiter | None = None,
    ) -> None:
        self.ws = websocket
        self.limit = limit  # messages per session; over it an error frame, nothing stored
        self.slug = slug
        self.inbox = inbox
        self.bus = bus
        self.store = store
        self._send_lock = asyncio.Lock()
        self._forwarder: _Forwarder | None = None

    async def send(self, frame: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.ws.send_json(frame)

    async def serve(self) -> None:
        await self.ws.accept()
        session = self.ws.query_params.get("session")
        problem = session_problem(session)
        if problem is not None or session is None:
            await self._refuse("session", problem or "session: missing")
            return
        try:
            found = await run_in_threadpool(
                find_conversation, self.store, slug=self.slug, session=session
            )
        except NotFound:
            await self._refuse("dealership", f"dealership: {self.slug!r} is not known")
            return
        try:
            if found.public_id is not None:
                await self._follow(found.public_id)
            history = await run_in_threadpool(transcript, self.store, found.conversation_id)
            hello = {
                "type": "hello",
                "conversation": found.public_id,
                "messages": history,
                "dealership": found.dealership_name,
            }
            await self.send(hello)
            if self._forwarder is not None:
                self._forwarder.release()
            await self._receive_loop(session)
        except WebSocketDisconnect:
            pass
        finally:
            if self._forwarder is not None:
                await self._forwarder.stop()

    async def _refuse(self, field: str, message: str) -> None:
        await self.send({"type": "error", "field": field, "message": message})
        await self.ws.close(code=POLICY_VIOLATION)

    async def _follow(self, topic: str) -> None:
        if self._forwarder is not None and self._forwarder.topic == topic:
            return
        if self._forwarder is not None:
            await self._forwarder.stop()
        self._forwarder = _Forwarder(self.bus, topic, self.send)
        await self._forwarder.start()

    async def _receive_loop(self, session: str) -> None:
        """Every frame gets an answer; a bad one an error frame naming the field, after which
        the socket stays usable (a shopper's typo must not cost them the chat)."""
        while True:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
            raw = message.get("text")
            if raw is None:
                await self._error("frame", "frame: binary; expected a JSON text frame")
                continue
            if len(raw) > MAX_FRAME:
                await self._error("frame", f"frame: over {MAX_FRAME} characters; expected less")
                continue
            try:
                frame = json.loads(raw)
            except (ValueError, RecursionError):  # RecursionError: nested too deep
                await self._error("frame", "frame: not JSON; expected a JSON object")
                continue
            if not isinstance(frame, dict) or frame.get("type") != "message":
                await self._error("type", 'type: expected "message"')
                continue
            await self._on_message(session, frame)

    async def _on_message(self, session: str, frame: dict[str, Any]) -> None:
        client_id = frame.get("id")
        if isinstance(client_id, int) and not isinstance(client_id, bool):
            client_id = str(client_id)
        if not isinstance(client_id, str) or CLIENT_ID.fullmatch(client_id) is None:
            shown = repr(client_id)[:80]  # repr: ASCII-safe even for a lone surrogate
            await self._error("id", f"id: {shown} is not valid; expected 1-64 of A-Za-z0-9_-")
            return
        text = frame.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            size = len(text) if isinstance(text, str) else type(text).__name__
            message = f"text: got {size}; expected 1-{MAX_TEXT} characters"
            await self._error("text", message, client_id)
            return
        if LONE_SURROGATE.search(text) or "\x00" in text:
            message = "text: contains a lone surrogate or NUL; expected valid UTF-8 text"
            await self._error("text", message, client_id)
            return
        if self.limit is not None:
            wait = await run_in_threadpool(self.limit.hit, f"{self.slug}:{session}")
            if wait:
                message = f"rate: too many messages; retry in {math.ceil(wait)} s"
                await self._error("rate", message, client_id)
                return
        inbound = InboundMessage(
            dealership=self.slug,
            channel="web",
            sender=session,
            body=text.strip(),
            channel_message_id=f"{session}:{client_id}",
        )
        try:
            accepted = await run_in_threadpool(self.inbox.accept, inbound)
        except NotFound:
            await self._error("dealership", f"dealership: {self.slug!r} is not known", client_id)
            return
        await self._follow(accepted.public_id)
        if self._forwarder is not None:
            self._forwarder.release()
        await self.send({"type": "ack", "id": client_id, "conversation": accepted.public_id})
        await run_in_threadpool(self.inbox.process_later, accepted)

    async def _error(self, field: str, message: str, client_id: str | None = None) -> None:
        frame: dict[str, Any] = {"type": "error", "field": field, "message": message}
        if client_id is not None:
            frame["id"] = client_id
        await self.send(frame)
