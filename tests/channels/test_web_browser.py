"""The widget in real headless Chromium against a real uvicorn server: ask, get the reply,
reload and continue, receive a staff message live, with no console errors."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.channels.conftest import WebWorld
from tests.demo import SLUG

REPLY_TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def server(web: WebWorld) -> Iterator[str]:
    """The web app on a free local port, served by uvicorn in a thread."""
    port = _free_port()
    config = uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def test_widget_chat_reload_and_live_staff_message(web: WebWorld, server: str) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(server + "/")

            launcher = page.get_by_role("button", name="Chat with us")
            launcher.click()
            box = page.get_by_label("Type your message")
            expect(box).to_be_focused()
            expect(page.get_by_text("automated assistant; a person can take over")).to_contain_text(
                web.dealership_name
            )
            box.type("how much is your doc fee")
            box.press("Enter")
            log = page.get_by_role("log")
            expect(log.locator(".shopper")).to_have_text("Youhow much is your doc fee")
            expect(log.locator(".assistant")).to_contain_text("$85", timeout=REPLY_TIMEOUT_MS)
            assert log.get_attribute("aria-live") == "polite"

            page.keyboard.press("Escape")
            expect(page.get_by_role("dialog")).to_be_hidden()
            expect(launcher).to_be_focused()

            page.reload()
            page.get_by_role("button", name="Chat with us").click()
            log = page.get_by_role("log")
            expect(log.locator(".msg")).to_have_count(2)
            expect(log.locator(".shopper")).to_contain_text("how much is your doc fee")
            expect(log.locator(".assistant")).to_contain_text("$85")

            topic = page.evaluate(f"localStorage.getItem('nightshift:{SLUG}:conversation')")
            assert isinstance(topic, str) and topic
            staff = {"type": "message", "id": 999999, "author": "staff"}
            web.bus.publish(topic, {**staff, "text": "Hi, this is Maria from sales"})
            expect(log.locator(".staff")).to_have_text("TeamHi, this is Maria from sales")
            web.bus.publish(topic, {**staff, "text": "Hi, this is Maria from sales"})  # repeat
            page.wait_for_timeout(300)
            expect(log.locator(".msg")).to_have_count(3)

            page.set_viewport_size({"width": 360, "height": 740})
            panel = page.get_by_role("dialog").bounding_box()
            assert panel is not None and panel["width"] == 360 and panel["height"] == 740
        finally:
            browser.close()
    assert problems == []


def test_a_refused_message_says_why_and_can_be_retried(web: WebWorld, server: str) -> None:
    """A widget embedded with a dealership the server does not know (a typo in the tag): the
    shopper's message is not silently lost; it says it was not sent, why, and offers Retry."""
    require_chromium()
    from fastapi.responses import HTMLResponse
    from playwright.sync_api import expect, sync_playwright

    from channels.web.page import demo_page

    @web.app.get("/typo", response_class=HTMLResponse)
    def typo() -> str:
        return demo_page(web.dealership_name, "harbor-pointe-honda")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto(server + "/typo")
            page.get_by_role("button", name="Chat with us").click()
            box = page.get_by_label("Type your message")
            box.type("is the tacoma still there")
            box.press("Enter")
            note = page.get_by_role("alert")
            expect(note).to_contain_text("Not sent", timeout=REPLY_TIMEOUT_MS)
            expect(note).to_contain_text("harbor-pointe-honda")
            retry = note.get_by_role("button", name="Retry")
            retry.click()
            expect(page.get_by_role("alert")).to_contain_text("Not sent", timeout=REPLY_TIMEOUT_MS)
            expect(page.get_by_role("log").locator(".shopper")).to_have_count(1)
        finally:
            browser.close()
