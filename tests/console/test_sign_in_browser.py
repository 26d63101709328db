"""Signing in to the console in real Chromium at a phone's width (360 px): open the link a
manager gets, press Sign in, land on the console with their name, sign out, and be back at
sign-in, where the used link no longer works. No console errors on the way (the pages have
no scripts, and a strict Content-Security-Policy would report anything inline). A
screenshot of the signed-in page is kept for review."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_store import dealerships, migrate
from crm_store.db import Store
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.world import apply_world, load_world_file
from tests.browser import ARGS, CHROMIUM, require_chromium, watch_problems
from tests.demo import DEMO, SLUG, demo_settings
from tests.helpers import free_port, serving

DANIEL = "daniel.brooks@harborpointhonda.example"


@pytest.fixture
def served(tmp_path: Path, models_dir: Path) -> Iterator[tuple[str, str]]:
    """The real app on a free port over the demo dealership; (base URL, a login link)."""
    port = free_port()
    settings = demo_settings(
        tmp_path, public_base_url=f"http://127.0.0.1:{port}", inline_worker=False
    )
    migrate.upgrade(settings.database_url)
    store = Store(settings.database_url)
    apply_world(store, load_world_file(DEMO))
    store.dispose()
    app = create_app(settings, models_dir=models_dir)
    with serving(app, port) as base:
        services = services_of(app)
        with services.store.reading() as uow:
            dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        asked = services.accounts.request_link(dealership_id=dealer_id, email=DANIEL)
        assert asked.link is not None, asked.refused
        yield base, asked.link.url


def test_a_manager_signs_in_with_a_link_at_360_px_and_signs_out(
    served: tuple[str, str], tmp_path: Path
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, link = served

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
            problems = watch_problems(page)
            page.goto(link)
            expect(page.get_by_role("heading", name="Sign in to Nightshift")).to_be_visible()
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(base + "/console")
            expect(page.locator("#signed-in-as")).to_have_text(
                "Signed in as Daniel Brooks (manager), Harbor Point Honda"
            )
            expect(page.get_by_role("button", name="Sign out everywhere")).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"the page is {width} px wide at a 360 px viewport"
            page.screenshot(path=str(tmp_path / "console-home-360.png"), full_page=True)
            page.get_by_role("button", name="Sign out", exact=True).click()
            page.wait_for_url(base + "/console/sign-in?signed_out=here")
            expect(page.get_by_text("You are signed out.")).to_be_visible()
            page.goto(base + "/console")
            page.wait_for_url(base + "/console/sign-in")  # the session is gone
            assert not problems, problems
            page.goto(link)  # used once: its button now gets a 400 page (and a console error)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_text("This sign-in link is not valid")).to_be_visible()
        finally:
            browser.close()
    assert (tmp_path / "console-home-360.png").stat().st_size > 1000
