"""The console's live stream over real HTTP (the app served by uvicorn, read as a browser's
EventSource reads it): who may open it, `assigned` for the staff member a handoff is paged
to and for nobody else, nothing of another dealership, the end of the stream at sign-out,
and a staff action waking the other streams through the bus before any poll."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import (
    conversations,
    dealerships,
    staff,
    staff_sessions,
)
from crm_store.console_changes import Mark
from crm_store.records import ConversationRecord
from crm_store.types import ConversationMode
from nightshift.app import create_app
from nightshift.http.auth import CSRF_HEADER, SESSION_COOKIE
from nightshift.http.deps import services_of
from nightshift.http.services import Services
from nightshift.world import apply_world, load_world_file
from tests.console.shoppers import financing_paged_to, sms_from
from tests.demo import ROOT, SLUG
from tests.helpers import free_port, serving
from tests.security.conftest import prepare_demo

OTHER = "desert-sun-toyota"
WAIT = 20.0  # seconds an expected event may take (a poll is 0.2 s here; bounded, not timed)
EVENTS = {"Accept": "text/event-stream"}


@dataclass(frozen=True)
class Event:
    name: str
    data: dict[str, Any]
    id: str | None

    @property
    def mark(self) -> Mark:
        found = Mark.parse(self.id)
        assert found is not None, self.id
        return found


@dataclass(frozen=True)
class Served:
    base: str
    services: Services


@contextmanager
def served_app(
    tmp_path: Path, models_dir: Path, clock: FrozenClock, poll: float
) -> Iterator[Served]:
    port = free_port()
    settings = prepare_demo(
        tmp_path,
        models_dir,
        clock,
        inline_worker=False,
        public_base_url=f"http://127.0.0.1:{port}",
        console_live_poll_seconds=poll,
    )
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with serving(app, port) as base:
        services = services_of(app)
        apply_world(services.store, load_world_file(ROOT / "examples" / f"{OTHER}.yaml"))
        yield Served(base, services)


@pytest.fixture
def served(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Served]:
    with served_app(tmp_path, models_dir, clock, poll=0.2) as app:
        yield app


class Stream:
    """A live stream read on a thread, parsed as the SSE wire format says."""

    def __init__(self, served: Served, token: str) -> None:
        self._client = httpx.Client(
            base_url=served.base,
            cookies={SESSION_COOKIE: token},
            timeout=httpx.Timeout(10.0, read=None),
        )
        request = self._client.build_request("GET", "/console/live", headers=EVENTS)
        self.response = self._client.send(request, stream=True)  # the cursor is taken
        assert self.response.status_code == 200, self.response.status_code
        assert self.response.headers["content-type"].startswith("text/event-stream")
        self.received: list[Event] = []
        self._queue: queue.Queue[Event | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name, data, event_id = "message", "", None
        try:
            for line in self.response.iter_lines():
                if not line:
                    if data:
                        self._queue.put(Event(name, json.loads(data), event_id))
                    name, data = "message", ""
                elif line.startswith(":"):
                    continue  # a keep-alive comment
                else:
                    field, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    if field == "event":
                        name = value
                    elif field == "data":
                        data += value
                    elif field == "id":
                        event_id = value
        except httpx.HTTPError:
            pass  # closed by the test
        finally:
            self._queue.put(None)

    def until(self, wanted: str, *, upto: Mark | None = None, wait: float = WAIT) -> Event:
        """The next event named `wanted` (whose cursor has reached `upto`, when given)."""
        while True:
            found = self._queue.get(timeout=wait)
            assert found is not None, f"the stream ended before a {wanted!r} event"
            self.received.append(found)
            if found.name == wanted and (upto is None or found.mark.step_id >= upto.step_id):
                return found

    def ends(self) -> list[Event]:
        """Every event up to the end of the stream (the server ended it)."""
        rest = []
        while (found := self._queue.get(timeout=WAIT)) is not None:
            rest.append(found)
        return rest

    def close(self) -> None:
        self.response.close()
        self._client.close()


@contextmanager
def stream(served: Served, handle: str, slug: str = SLUG) -> Iterator[Stream]:
    opened = Stream(served, session(served, handle, slug)[0])
    try:
        yield opened
    finally:
        opened.close()


def session(served: Served, handle: str, slug: str = SLUG) -> tuple[str, str]:
    """A new console session of `handle`: its cookie value and CSRF token."""
    with served.services.store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=slug)
        member = staff.find_staff(uow, dealership_id=dealer_id, handle=handle)
        record, token = staff_sessions.create_session(uow, staff_id=member.id, user_agent=None)
    return token, record.csrf_secret


def shopper_writes(
    served: Served, text: str, *, name: str, phone: str, slug: str = SLUG
) -> ConversationRecord:
    return sms_from(served.services.store, text, name=name, phone=phone, slug=slug)


def paged_to(served: Served, convo: ConversationRecord, handle: str) -> int:
    """A financing handoff paged to `handle`, written straight to the store as a worker
    process would (no bus event: the streams find it by polling)."""
    return financing_paged_to(served.services.store, convo, handle)


def test_the_stream_is_for_a_signed_in_browser_only(served: Served) -> None:
    anonymous = httpx.get(served.base + "/console/live", headers=EVENTS, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/console/sign-in?next=/console/live"
    token, _ = session(served, "maria")
    cookies = {SESSION_COOKIE: token}
    not_a_stream = httpx.get(served.base + "/console/live", cookies=cookies)  # Accept: */*
    assert not_a_stream.status_code == 406
    assert "live updates stream" in not_a_stream.text
    script = httpx.get(served.base + "/console/static/live.js")
    assert script.status_code == 200 and "EventSource" in script.text


def test_a_handoff_paged_to_her_reaches_her_stream_and_no_one_elses(served: Served) -> None:
    with (
        stream(served, "maria") as maria,
        stream(served, "daniel") as daniel,
        stream(served, "carol", OTHER) as carol,
    ):
        convo = shopper_writes(
            served, "Can I get financing?", name="Jordan Lee", phone="5551230009"
        )
        assert maria.until("message").data == {"conversation": convo.public_id}
        handoff_id = paged_to(served, convo, "maria")

        news = maria.until("assigned")
        assert news.data == {
            "handoff": handoff_id,
            "conversation": convo.public_id,
            "name": "Jordan",
            "reasons": ["financing"],
        }
        assert "5551230009" not in json.dumps(news.data)
        daniel.until("inbox", upto=news.mark)  # he saw the same change: the lists moved
        assert [e for e in daniel.received if e.name == "assigned"] == []

        # carol's stream (another dealership) was open all along: the first it hears of is
        # her own dealership's message, written after all of the above
        theirs = shopper_writes(served, "Hola", name="Ana Paz", phone="5551230011", slug=OTHER)
        carol.until("message")
        heard = [e.data for e in carol.received if e.name != "inbox"]
        assert heard == [{"conversation": theirs.public_id}]


def test_the_stream_ends_when_she_signs_out(served: Served) -> None:
    token, csrf = session(served, "maria")
    opened = Stream(served, token)
    try:
        signed_out = httpx.post(
            served.base + "/console/sign-out",
            cookies={SESSION_COOKIE: token},
            headers={CSRF_HEADER: csrf},
            follow_redirects=False,
        )
        assert signed_out.status_code == 303
        assert [e.name for e in opened.ends()] == ["ended"]
    finally:
        opened.close()


def test_a_staff_action_wakes_the_other_streams_through_the_bus(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    # polls a minute apart: only the bus can bring the news within WAIT
    with served_app(tmp_path, models_dir, clock, poll=60) as app:
        convo = shopper_writes(app, "Still there?", name="Sam Poe", phone="5551230010")
        token, csrf = session(app, "daniel")
        with stream(app, "maria") as maria:
            noted = httpx.post(
                f"{app.base}/console/conversations/{convo.public_id}/status",
                data={"status": "pending", "csrf": csrf},
                cookies={SESSION_COOKIE: token},
                follow_redirects=False,
            )
            assert noted.status_code == 303, noted.text
            assert maria.until("inbox", wait=10).data == {}  # a poll would take 20 s


def test_a_shoppers_text_to_a_taken_over_conversation_wakes_the_streams(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    # no assistant turn runs in human mode; the stored message itself wakes the streams
    with served_app(tmp_path, models_dir, clock, poll=60) as app:
        convo = shopper_writes(app, "Can I get financing?", name="Sam Poe", phone="5551230012")
        with app.services.store.unit_of_work() as uow:
            conversations.set_mode(uow, conversation_id=convo.id, mode=ConversationMode.HUMAN)
        with stream(app, "maria") as maria:
            result = app.services.runtime().pipeline.handle_inbound(
                InboundMessage(SLUG, "sms", "+15551230012", "still there?", "SMlive-1")
            )
            assert result.outcome == "human_mode"
            news = maria.until("message", wait=10)  # a poll would take a minute
            assert news.data == {"conversation": convo.public_id}
