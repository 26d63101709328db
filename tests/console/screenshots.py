"""The README's console tour screenshots, made again from the demo: `make screenshots` (or
`python -m tests.console.screenshots [FOLDER]`, docs/console/ by default).

Serves the real app over a fresh copy of the demo dealership in a temporary folder, with the
hand-checked KPI week (kpi_demo.py) and four conversations the assistant really had
(test_manager_flow_browser.py), and takes three viewport-sized shots in Debian's Chromium:
- `inbox.png`: Maria's inbox on a phone (360 px);
- `review.png`: the manager's review of the booking conversation, flagged (1280 px);
- `kpis.png`: the KPI page of that week down to its first chart (1280 px).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, ViewportSize, sync_playwright

from contracts.clock import FrozenClock
from nightshift.app import create_app
from nightshift.http.deps import services_of
from tests.browser import ARGS, CHROMIUM
from tests.console.kpi_demo import build_demo_week
from tests.console.signed_in import signed_in
from tests.console.test_manager_flow_browser import have_the_week
from tests.helpers import ROOT, free_port, serving
from tests.security.conftest import prepare_demo

MARIA = "maria.lopez@harborpointhonda.example"
DANIEL = "daniel.brooks@harborpointhonda.example"
TONIGHT = datetime(2026, 3, 6, 21, 40, tzinfo=ZoneInfo("America/Los_Angeles"))
PHONE: ViewportSize = {"width": 360, "height": 780}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
KPI_DESKTOP: ViewportSize = {"width": 1280, "height": 1400}


def take(out: Path, models_dir: Path) -> list[Path]:
    """The three screenshots, written into `out`; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    clock = FrozenClock(TONIGHT)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        settings = prepare_demo(
            Path(folder), models_dir, clock, public_base_url=base, inline_worker=False
        )
        app = create_app(settings, clock=clock, models_dir=models_dir)
        with serving(app, port), sync_playwright() as pw:
            services = services_of(app)
            build_demo_week(services.store, clock)
            clock.set(TONIGHT)
            week = have_the_week(services.runtime(), clock)
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page, _ = signed_in(browser, services, base, MARIA, PHONE)
                page.goto(base + "/console/inbox")
                inbox = shot(page, out / "inbox.png")
                page, _ = signed_in(browser, services, base, DANIEL, DESKTOP)
                page.goto(f"{base}/console/review/{week.booking}")
                page.get_by_label("Tag").select_option("tone")
                page.get_by_label("Note").fill("Booked well; name the salesperson next time.")
                page.get_by_role("button", name="Flag", exact=True).click()
                page.get_by_role("status").wait_for()
                review = shot(page, out / "review.png")
                page.set_viewport_size(KPI_DESKTOP)  # tall enough for the first chart
                page.goto(base + "/console/kpis?from=2026-03-02&to=2026-03-06")
                page.wait_for_function("() => Chart.getChart('days-chart') !== undefined")
                page.wait_for_timeout(1000)  # let the charts' entry animation finish
                kpis = shot(page, out / "kpis.png")
            finally:
                browser.close()
    return [inbox, review, kpis]


def shot(page: Page, path: Path) -> Path:
    page.screenshot(path=str(path))  # the viewport only: small files
    return path


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "console"
    for path in take(out, ROOT / "var" / "models"):
        print(f"{path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
