"""A handoff end to end in two real Chromium pages against the real app on a real uvicorn
server: the shopper asks for a person in the widget, the job runner routes the handoff and
pages the salesperson on shift, she opens the signed link from the page SMS, takes over,
replies live, the assistant stays silent, and she hands the conversation back."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from contracts.clock import FrozenClock
from crm_store import jobs, migrate
from crm_store.db import Store
from crm_store.models import Job
from handoff.pagers import STAFF_SMS_JOB
from nightshift.app import create_app
from nightshift.conversation.turns import TURN_JOB
from nightshift.http.deps import services_of
from nightshift.runtime import open_runtime, sync_world_knowledge
from nightshift.world import apply_world, load_world_file
from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.demo import DEMO, SLUG, demo_settings
from tests.helpers import free_port, wait_for

if TYPE_CHECKING:  # playwright is a dev dependency; the test skips (or fails on CI) without it
    from playwright.sync_api import ConsoleMessage, Error, Page

TIMEOUT_MS = 60_000  # an assistant turn (offline engine) on a slow machine
LIVE_MS = 20_000  # a push from one page to the other, or the staff page's 3 s refresh
DEALER = "Harbor Point Honda"
MARIA = "Maria Lopez"
MARIA_PHONE = "+18055550101"
LINK = re.compile(r"(http://\S+/staff/handoffs/(\d+)/(\d+)\?exp=\d+&sig=([0-9a-f]{64}))$")
T = TypeVar("T")


@dataclass
class Served:
    base: str
    store: Store  # the running app's own store (its frozen clock, its database)


@pytest.fixture
def clock() -> FrozenClock:
    """Monday 2026-03-09 10:00 in Ventura, CA: Maria (sales, Mon 09-18) is on shift."""
    return FrozenClock(datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles")))


@pytest.fixture
def served(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Served]:
    """The real app (job runner and outbox in-process) over a fresh copy of the demo
    dealership, on a free port; signed links point at the server itself."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = demo_settings(tmp_path, public_base_url=base, job_poll_seconds=0.2)
    migrate.upgrade(settings.database_url)
    with open_runtime(settings, clock=clock, models_dir=models_dir) as runtime:
        apply_world(runtime.store, load_world_file(DEMO))
        sync_world_knowledge(runtime.store, runtime.knowledge, SLUG)
    app = create_app(settings, clock=clock, models_dir=models_dir)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        health = wait_for(base + "/healthz")
        assert health.status_code == 200, health.text
        services = services_of(app)
        services.runtime()  # raises RuntimeUnavailable when the app started degraded
        yield Served(base, services.store)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def _eventually(what: str, probe: Callable[[], T | None], timeout: float = 60.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout:.0f}s")


def _watched(page: Page, who: str, problems: list[str]) -> Page:
    """`page`, with its console errors and uncaught exceptions collected into `problems`."""

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{who}: {message.text} ({message.location.get('url')})")

    def error(exc: Error) -> None:
        problems.append(f"{who}: {exc}")

    page.on("console", console)
    page.on("pageerror", error)
    return page


def _page_sms(store: Store) -> dict[str, object] | None:
    """The payload of the page SMS once its job exists (pending or already sent)."""
    with store.reading() as uow:
        rows = uow.session.scalars(sa.select(Job).where(Job.kind == STAFF_SMS_JOB)).all()
        return dict(rows[0].payload) if rows else None


def _turns_done(store: Store) -> bool | None:
    with store.reading() as uow:
        return True if not jobs.pending(uow, kinds=[TURN_JOB]) else None


def test_handoff_take_over_reply_and_hand_back(served: Served) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            # Two people, two browser contexts: nothing shared but the server.
            shopper, staff = (
                _watched(
                    browser.new_context(viewport={"width": 1280, "height": 900}).new_page(),
                    who,
                    problems,
                )
                for who in ("shopper", "staff")
            )

            # 1. The shopper asks for a person in the widget.
            shopper.goto(served.base + "/")
            shopper.get_by_role("button", name="Chat with us").click()
            box = shopper.get_by_label("Type your message")
            box.fill("can i talk to a real person please")
            box.press("Enter")
            chat = shopper.get_by_role("log")
            said = chat.locator(".assistant")
            expect(said).to_have_count(1, timeout=TIMEOUT_MS)
            expect(said.first).to_contain_text(
                re.compile(r"(team member|member of our team).*shortly")
            )

            # 2. The job runner routes the handoff and pages Maria, on shift, by SMS.
            sms = _eventually("the page SMS to the salesperson", lambda: _page_sms(served.store))
            assert sms["to"] == MARIA_PHONE
            body = str(sms["body"])
            assert "asked for a person" in body and "can i talk to a real person please" in body
            match = LINK.search(body)
            assert match is not None, body
            link, sig = match.group(1), match.group(4)
            assert link.startswith(served.base + "/staff/handoffs/")

            # 3. Maria opens the link: summary, transcript, and takes over.
            staff.goto(link)
            expect(staff.get_by_role("status")).to_contain_text(f"Acting as {MARIA}")
            summary = staff.locator("#summary")
            expect(summary.locator(".reasons")).to_contain_text("human requested")
            expect(summary).to_contain_text("\u201ccan i talk to a real person please\u201d")
            transcript = staff.locator("#transcript ol")
            expect(transcript.locator("li.shopper")).to_have_text(
                re.compile(r"can i talk to a real person please$")
            )
            expect(transcript.locator("li.assistant")).to_have_count(1)
            take_over = staff.get_by_role("button", name="Take over the conversation")
            hand_back = staff.get_by_role("button", name="Hand back to the assistant")
            expect(hand_back).to_be_disabled()
            take_over.click()
            expect(chat.locator(".msg").last).to_have_text(
                f"AssistantYou're now chatting with {MARIA} from {DEALER}.", timeout=LIVE_MS
            )
            expect(take_over).to_be_disabled()
            expect(hand_back).to_be_enabled()

            staff.get_by_label("Reply to the shopper").fill("Hi, this is Maria. How can I help?")
            staff.get_by_role("button", name="Send").click()
            expect(chat.locator(".staff")).to_have_text(
                "TeamHi, this is Maria. How can I help?", timeout=LIVE_MS
            )
            expect(staff.get_by_label("Reply to the shopper")).to_have_value("")
            expect(transcript.locator("li.staff")).to_contain_text("Hi, this is Maria.")

            # 4. The shopper answers Maria: the assistant stays silent (human mode).
            before = said.count()
            box.fill("great, thanks")
            box.press("Enter")
            expect(chat.locator(".shopper").last).not_to_have_class(re.compile("pending"))
            _eventually("the shopper's turn", lambda: _turns_done(served.store), timeout=30)
            shopper.wait_for_timeout(1500)  # any reply would be on the socket by now
            expect(said).to_have_count(before)
            expect(transcript.locator("li.shopper").last).to_have_text(
                re.compile(r"great, thanks$"), timeout=LIVE_MS
            )

            # 5. Maria hands back; the assistant answers the next question again.
            hand_back.click()
            expect(chat.locator(".msg").last).to_contain_text(
                f"Thanks for chatting with {MARIA}. {DEALER}'s automated assistant is back",
                timeout=LIVE_MS,
            )
            expect(take_over).to_be_disabled()  # resolved: nothing left to take over
            expect(hand_back).to_be_disabled()
            count = said.count()
            box.fill("what are your hours on saturday")
            box.press("Enter")
            expect(said).to_have_count(count + 1, timeout=TIMEOUT_MS)
            expect(said.last).to_contain_text(re.compile(r"9(:00)?\s*AM.*7(:00)?\s*PM", re.I))

            # 6. The link signed Maria in for this conversation: its console page opens; the
            # rest of the console asks her to sign in.
            staff.get_by_role("link", name="Open in the console").click()
            expect(staff.locator("#transcript")).to_contain_text("Hi, this is Maria.")
            expect(staff.get_by_role("link", name="Inbox")).to_have_count(0)
            staff.goto(served.base + "/console/inbox")
            expect(staff.get_by_role("status")).to_contain_text("that one conversation only")
        finally:
            browser.close()
    assert problems == []

    # 6. A link with one character of its signature changed is refused.
    forged = link.replace(sig, ("0" if sig[0] != "0" else "1") + sig[1:])
    for url in (forged, forged.replace("/staff/handoffs/", "/api/handoffs/")):
        refused = httpx.get(url, timeout=10)
        assert refused.status_code == 403, (url, refused.text)
        assert refused.json()["detail"] == "this link is not valid"
