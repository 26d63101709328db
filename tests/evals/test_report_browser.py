"""The HTML report in real headless Chromium (Debian's /usr/bin/chromium), opened from disk:
no console errors, no request leaves the file, the metrics are shown, the failed check is
highlighted under its turn, and the "only failed" switch hides passing scenarios."""

from __future__ import annotations

from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.evals.conftest import EvalRun

FAIL_BG = "rgb(253, 236, 234)"  # --fail-bg in template.html


def test_html_report_in_chromium(eval_run: EvalRun) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    assert eval_run.html.exists(), eval_run.result.stderr

    problems: list[str] = []
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url),
            )
            page.goto(eval_run.html.as_uri())

            expect(page.get_by_role("heading", level=1)).to_have_text("Nightshift eval report")
            summary = page.get_by_role("table", name="Summary")
            expect(summary.get_by_role("row", name="task success (pass^1)")).to_contain_text(
                "50.0%"
            )
            expect(summary.get_by_role("row", name="pass^2")).to_contain_text("50.0%")
            handoff = page.get_by_role("table", name="Handoff precision and recall per reason")
            expect(handoff.get_by_role("row", name="none")).to_contain_text("100.0%")
            expect(
                page.get_by_role("img", name="Scenarios passed and failed per suite")
            ).to_be_visible()
            expect(page.get_by_role("img", name="Turn latency histogram")).to_be_visible()

            failed = page.locator("details.scenario.failed")
            expect(failed).to_have_count(1)
            expect(failed.get_by_role("heading", level=3)).to_have_text("wrong-fee")
            assert page.locator("details.scenario").first.get_attribute("class") == (
                "scenario failed"
            )
            turns = failed.locator("li.turn")
            expect(turns).to_have_count(2)
            expect(turns.nth(0)).to_contain_text("hello <script>alert(1)</script>")
            expect(turns.nth(0).locator(".unmet-check")).to_have_count(0)
            check = turns.nth(1).locator(".unmet-check")
            expect(check).to_be_visible()
            expect(check).to_contain_text('contains ["$99"]: not found in reply')
            expect(check).to_have_css("background-color", FAIL_BG)
            expect(failed).to_contain_text("0 of 2 runs passed")

            passing = page.locator("details.scenario.passed")
            expect(passing).to_be_visible()
            page.get_by_label("Show only failed scenarios").check()
            expect(passing).to_be_hidden()
            expect(failed).to_be_visible()
        finally:
            browser.close()
    assert problems == []
    assert outside == []
