"""The shopper's side of the browser tests: a first message in the web chat widget, and the
conversation it opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.demo import SLUG

if TYPE_CHECKING:  # playwright is a dev dependency
    from playwright.sync_api import Locator, Page

REPLY_TIMEOUT_MS = 60_000  # a bound on waiting for the assistant, not a speed requirement


def first_message(page: Page, text: str) -> Locator:
    """On a page showing the widget's button: open the chat, send `text` and wait for the
    assistant's first reply; the chat's log."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="Chat with us").click()
    box = page.get_by_label("Type your message")
    box.type(text)
    box.press("Enter")
    chat = page.get_by_role("log")
    expect(chat.locator(".assistant")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    return chat


def conversation_id(page: Page, slug: str = SLUG) -> str:
    """The public id of the conversation the widget on `page` holds."""
    public_id = page.evaluate(f"localStorage.getItem('nightshift:{slug}:conversation')")
    assert isinstance(public_id, str) and public_id, "the widget holds no conversation"
    return public_id
