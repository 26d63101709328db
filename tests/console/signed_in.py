"""A Chromium page signed in to the console as a demo staff member, for the browser tests and
the README's screenshots."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nightshift.http.services import Services
from tests.browser import watch_problems
from tests.console.kpi_demo import login_link

if TYPE_CHECKING:  # playwright is a dev dependency
    from playwright.sync_api import Browser, Page, ViewportSize


def signed_in(
    browser: Browser, services: Services, base: str, email: str, viewport: ViewportSize
) -> tuple[Page, list[str]]:
    """A page in a new context of `viewport`, signed in as `email` with a one-time link and
    on the console's home; and its console errors from the start (`watch_problems`)."""
    page = browser.new_context(viewport=viewport, accept_downloads=True).new_page()
    problems = watch_problems(page)
    page.goto(login_link(services, email))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/console")
    return page, problems
