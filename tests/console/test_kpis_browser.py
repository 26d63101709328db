"""The KPI page in real Chromium at a phone's width (360 px) and a desktop's (1280 px), over
the demo dealership with a hand-checked week (tests/console/kpi_demo.py): no console errors
(the page's Content-Security-Policy allows this site's scripts only, so an inline script or
a CDN would be reported), no sideways scrolling, both charts drawn by the vendored Chart.js,
a click on a bar of "handoffs by reason" opens the conversations behind that bar, and the
retention section (tests/console/retention_demo.py) fits and clicks through to its customers.

Screenshots of each width are kept in var/test-artifacts/ (git-ignored) for review."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from contracts.clock import FrozenClock
from nightshift.app import create_app
from nightshift.http.deps import services_of
from tests.browser import ARGS, CHROMIUM, require_chromium, watch_problems
from tests.console.kpi_demo import DemoWeek, build_demo_week, login_link
from tests.console.retention_demo import build_demo_retention
from tests.helpers import free_port, serving
from tests.security.conftest import prepare_demo

if TYPE_CHECKING:  # playwright is a dev dependency; the test skips (or fails on CI) without it
    from playwright.sync_api import Page

DANIEL = "daniel.brooks@harborpointhonda.example"
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
PAGE = "/console/kpis?from=2026-03-02&to=2026-03-04"
# how much of a canvas has been painted on (any pixel not fully transparent), in the page
PAINTED = """id => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) { painted++; } }
  return painted;
}"""
# the middle of the first bar of a chart, in CSS pixels from the canvas's top left corner
FIRST_BAR = """id => {
  const bar = Chart.getChart(id).getDatasetMeta(0).data[0];
  return {x: bar.x, y: (bar.y + bar.base) / 2};
}"""


@pytest.fixture
def served(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> Iterator[tuple[str, DemoWeek, object]]:
    """The real app on a free port over the demo and the week; (base URL, week, services)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = prepare_demo(tmp_path, models_dir, clock, public_base_url=base, inline_worker=False)
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with serving(app, port):
        services = services_of(app)
        week = build_demo_week(services.store, clock)
        build_demo_retention(services.store, week)
        yield base, week, services


@pytest.mark.parametrize("width", [360, 1280])
def test_the_kpi_page_draws_its_charts_and_a_bar_clicks_through(
    served: tuple[str, DemoWeek, object], width: int
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, week, services = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            problems = watch_problems(page)
            _sign_in(page, login_link(services, DANIEL), base)  # type: ignore[arg-type]
            page.goto(base + PAGE)
            expect(page.get_by_role("heading", name="KPIs")).to_be_visible()
            page.wait_for_function("() => Chart.getChart('days-chart') !== undefined")
            for chart in ("reasons-chart", "days-chart"):
                assert page.evaluate(PAINTED, chart) > 500, f"{chart} is blank"
            scrolled = page.evaluate("document.documentElement.scrollWidth")
            assert scrolled <= width, f"the page is {scrolled} px wide at {width} px"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"console-kpis-{width}.png"
            page.screenshot(path=str(shot), full_page=True)

            bar = page.evaluate(FIRST_BAR, "reasons-chart")  # financing: c1 and c3
            page.locator("#reasons-chart").click(position=bar)
            page.wait_for_url("**/console/kpis/conversations?figure=reason%3Afinancing*")
            expect(page.get_by_role("heading", name="Handoffs: financing")).to_be_visible()
            links = page.locator("#figure-conversations a")
            expect(links).to_have_text([week.c1.public_id, week.c3.public_id])

            page.goto(base + PAGE)
            expect(page.locator("#sources")).to_contain_text("Assistant, by text")
            retention = page.locator("#retention")
            expect(retention).to_contain_text("50%")
            box = retention.bounding_box()
            assert box is not None and box["x"] + box["width"] <= width
            retention.get_by_role("link", name="1", exact=True).first.click()
            page.wait_for_url("**/console/kpis/customers?list=returned*")
            expect(page.locator("#retention-customers a")).to_have_text(["Ana Ruiz"])
            scrolled = page.evaluate("document.documentElement.scrollWidth")
            assert scrolled <= width, f"the customer list is {scrolled} px wide at {width} px"
            assert not problems, problems
        finally:
            browser.close()
    assert shot.stat().st_size > 5000


def _sign_in(page: Page, link: str, base: str) -> None:
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/console")
