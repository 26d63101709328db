"""The console's live stream for one signed-in staff member, as Server-Sent Events: what
changed in their dealership's inbox, new messages per conversation, and a handoff or an
intent alert newly assigned to them (`crm_store.console_changes` says what counts).

The store is the truth and the bus only wakes the stream: it re-reads its cursor when a
wake-up for the dealership arrives and at least every `ConsoleConfig.live_poll`, so changes
made where no bus reaches (a worker process's routing job) arrive within a poll. No database
connection is held between reads. Events:

- `inbox`: something in the lists changed (data `{}`);
- `message`: a conversation has new messages (`{"conversation": public_id}`);
- `assigned`: `{"handoff", "conversation", "name", "reasons"}` (a first name, never a
  phone, e-mail or message text);
- `alert`: an intent alert newly paged or queued to them, `{"alert", "customer", "name",
  "reason"}` (the customer's id and first name, the rule's words).

Each event's id is the cursor, so a reconnecting browser (`Last-Event-ID`) misses nothing.
A comment goes out after `live_heartbeat` of silence (proxies keep the connection open); the
stream ends when the session has (signed out, expired, idle: re-checked every poll, without
stamping it as seen, so an open tab does not keep a session alive), when the client has gone,
and after `live_lifetime`. (A session scoped to one conversation, a handoff's signed link,
is not let in: the route's rule refuses it, and its page does not load the script.)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from anyio import to_thread

from console.config import ConsoleConfig
from crm_store import console_changes, staff_sessions
from crm_store.console_changes import Changes, Mark
from crm_store.db import Store
from crm_store.staff_sessions import SessionRecord

RETRY_MS = 3000  # how soon a browser reconnects after the stream ended or dropped
Wake = AsyncIterator[dict[str, Any]]


WAKE = {"type": "changed"}  # what a flow publishes on the topic: "look now"


def topic(dealership_id: int) -> str:
    """The bus topic that wakes the dealership's live streams."""
    return f"console:{dealership_id}"


def sse(event: str, data: dict[str, Any], event_id: str | None = None) -> str:
    """One Server-Sent Event on the wire."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


class LiveFeed:
    def __init__(self, store: Store, config: ConsoleConfig) -> None:
        self.store = store
        self.config = config

    def start(self, session: SessionRecord, token: str | None) -> Mark:
        """Where the stream starts: the cursor a reconnecting browser (or the page it was
        rendered with) sent, else now."""
        return Mark.parse(token) or self.now(session)

    def now(self, session: SessionRecord) -> Mark:
        with self.store.reading() as uow:
            return console_changes.mark(uow, dealership_id=session.dealership_id)

    async def events(
        self,
        session: SessionRecord,
        since: Mark,
        *,
        wake: Wake | None,
        gone: Callable[[], Awaitable[bool]],
    ) -> AsyncIterator[str]:
        """The stream's text, until the session or the client has gone (module docstring)."""
        woken = asyncio.Event()
        pump = asyncio.create_task(_pump(wake, woken)) if wake is not None else None
        await asyncio.sleep(0)  # the pump subscribes before the first read
        poll = self.config.live_poll.total_seconds()
        beat = self.config.live_heartbeat.total_seconds()
        ends = time.monotonic() + self.config.live_lifetime.total_seconds()
        cursor, checked, sent = since, time.monotonic(), time.monotonic()
        try:
            yield f"retry: {RETRY_MS}\n\n"
            while time.monotonic() < ends and not await gone():
                woken.clear()
                found = await to_thread.run_sync(self._changes, session, cursor)
                for text in _texts(cursor, found):
                    yield text
                    sent = time.monotonic()
                cursor = found.mark
                if time.monotonic() - checked >= poll:
                    if not await to_thread.run_sync(self._still_signed_in, session):
                        yield sse("ended", {"reason": "signed out"})
                        return
                    checked = time.monotonic()
                if time.monotonic() - sent >= beat:
                    yield ": keep-alive\n\n"
                    sent = time.monotonic()
                with contextlib.suppress(TimeoutError):  # polled: look again anyway
                    await asyncio.wait_for(woken.wait(), timeout=min(poll, beat))
        finally:
            if pump is not None:
                pump.cancel()

    def _changes(self, session: SessionRecord, since: Mark) -> Changes:
        with self.store.reading() as uow:
            return console_changes.changes(
                uow, dealership_id=session.dealership_id, staff_id=session.staff_id, since=since
            )

    def _still_signed_in(self, session: SessionRecord) -> bool:
        with self.store.reading() as uow:
            live = staff_sessions.list_sessions(
                uow, staff_id=session.staff_id, idle=self.config.session_idle
            )
        return any(s.id == session.id for s in live)


def _texts(before: Mark, found: Changes) -> list[str]:
    """The events of one read: `inbox` first when anything moved, then per conversation, per
    handoff and per alert."""
    event_id = found.mark.token()
    texts = [sse("inbox", {}, event_id)] if found.mark != before else []
    texts += [sse("message", {"conversation": c}, event_id) for c in found.conversations]
    texts += [
        sse(
            "assigned",
            {
                "handoff": a.handoff_id,
                "conversation": a.public_id,
                "name": a.first_name,
                "reasons": list(a.reasons),
            },
            event_id,
        )
        for a in found.assigned
    ]
    texts += [
        sse(
            "alert",
            {
                "alert": a.alert_id,
                "customer": a.customer_id,
                "name": a.first_name,
                "reason": a.reason,
            },
            event_id,
        )
        for a in found.alerted
    ]
    return texts


async def _pump(wake: Wake, woken: asyncio.Event) -> None:
    """Turn the bus's events into "look now" (their content is not trusted or needed)."""
    async for _event in wake:
        woken.set()
