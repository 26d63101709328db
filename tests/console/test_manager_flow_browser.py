"""The manager's whole review flow in real Chromium at a desktop's width (1280 px), over
conversations the assistant really had (the demo dealership, the offline engine, the real
pipeline): sign in with a link, filter Review by days and channel (exactly the matching
conversations are listed), open the booking conversation, flag it with a tag and a note,
find it in the review queue, download the CSV of the same selection (a row per listed
conversation), and save the conversation as a QA scenario that `nightshift eval`, run on its
own with a clean environment (no database of the test's), replays and passes. No console
errors on the way."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import pytest
import yaml

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import conversations
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.http.services import Services
from nightshift.runtime import Runtime
from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.console.signed_in import signed_in
from tests.demo import SLUG
from tests.helpers import NIGHTSHIFT, free_port, serving
from tests.security.conftest import prepare_demo

DANIEL = "daniel.brooks@harborpointhonda.example"
WIDTH = 1280
LOCAL = ZoneInfo("America/Los_Angeles")
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Week:
    """The public ids of the conversations the assistant had."""

    old: str  # SMS, a week ago: hours
    booking: str  # SMS, tonight: three turns that book a test drive
    hours: str  # SMS, tonight: hours
    web: str  # web, tonight: financing, handed off


def talk(
    rt: Runtime,
    clock: FrozenClock,
    channel: Literal["sms", "web"],
    sender: str,
    *texts: str,
    pause: timedelta,
) -> str:
    """The shopper `sender` writes `texts` on `channel`, `pause` apart, each one answered
    by the assistant: the conversation's public id."""
    conversation = 0
    for text in texts:
        result = rt.pipeline.handle_inbound(InboundMessage(SLUG, channel, sender, text))
        conversation = result.conversation_id
        clock.advance(pause)
    with rt.store.reading() as uow:
        return conversations.get_conversation(uow, conversation_id=conversation).public_id


def have_the_week(rt: Runtime, clock: FrozenClock) -> Week:
    tonight = clock.now()
    clock.set(datetime(2026, 2, 27, 11, tzinfo=LOCAL))
    old = talk(
        rt, clock, "sms", "+18055557701", "what are your hours on sunday?", pause=timedelta(0)
    )
    clock.set(tonight)
    booking = talk(
        rt,
        clock,
        "sms",
        "+18055557777",
        "hi do you have any used honda civics under 25k?",
        "can I test drive it saturday morning?",
        "10 works",
        pause=timedelta(minutes=1, seconds=40),
    )
    hours = talk(rt, clock, "sms", "+18055557702", "what are your hours on sunday?", pause=MINUTE)
    web = talk(
        rt, clock, "web", "browser-7", "can i get approved with a 580 credit score", pause=MINUTE
    )
    return Week(old=old, booking=booking, hours=hours, web=web)


@pytest.fixture
def served(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[tuple[str, Services]]:
    """The real app on a free port over the demo dealership; (base URL, services)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = prepare_demo(tmp_path, models_dir, clock, public_base_url=base, inline_worker=False)
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with serving(app, port):
        yield base, services_of(app)


def nightshift_eval(scenario: Path, models_dir: Path) -> subprocess.CompletedProcess[str]:
    """`nightshift eval scenario` in a bare environment and an empty folder: nothing of the
    test's database or settings reaches it."""
    bare = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(scenario.parent),
        "ORT_DISABLE_TELEMETRY": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    return subprocess.run(
        [NIGHTSHIFT, "eval", str(scenario), "--models-dir", str(models_dir)],
        cwd=scenario.parent,
        env=bare,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_manager_filters_flags_exports_and_saves_a_scenario_that_passes(
    served: tuple[str, Services], clock: FrozenClock, models_dir: Path, tmp_path: Path
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, services = served
    week = have_the_week(services.runtime(), clock)
    saved = tmp_path / "qa" / f"{week.booking}.yaml"
    saved.parent.mkdir()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page, problems = signed_in(
                browser, services, base, DANIEL, {"width": WIDTH, "height": 900}
            )
            page.get_by_role("link", name="Review", exact=True).click()
            page.wait_for_url(base + "/console/review")

            page.get_by_label("From").fill("2026-03-06")
            page.get_by_label("To").fill("2026-03-06")
            page.get_by_label("Channel").select_option("sms")
            page.get_by_role("button", name="Filter").click()
            page.wait_for_url("**/console/review?*channel=sms*")
            rows = page.locator("#review-list .item")
            expect(rows).to_have_count(2)
            listed = {rows.nth(i).get_by_role("link").get_attribute("href") for i in range(2)}
            assert listed == {f"/console/review/{week.booking}", f"/console/review/{week.hours}"}
            expect(page.locator("#review-count")).to_contain_text("2 conversations")

            with page.expect_download() as download:
                page.get_by_role("link", name="Download CSV").click()
            sheet = download.value
            assert sheet.suggested_filename == "conversations-2026-03-06-2026-03-06.csv"
            text = Path(sheet.path()).read_text(encoding="utf-8")
            by_id = {row["conversation"]: row for row in csv.DictReader(io.StringIO(text))}
            assert set(by_id) == {week.booking, week.hours}
            booked = by_id[week.booking]
            assert booked["channel"] == "sms" and booked["outcome"] == "booked"
            assert booked["started_at"] == "2026-03-06T21:40:00-08:00"
            assert booked["messages"] == "6" and booked["after_hours"] == "y"
            assert booked["first_reply_seconds"] == "0"
            assert by_id[week.hours]["outcome"] == "no action"

            page.locator("#review-list a", has_text=week.booking).click()
            page.wait_for_url(f"{base}/console/review/{week.booking}")
            transcript = page.locator("#transcript")
            expect(transcript).to_contain_text("can I test drive it saturday morning?")
            expect(transcript.locator(".msg.assistant")).to_have_count(3)
            expect(page.locator("#appointments")).to_contain_text("booked by assistant")
            page.get_by_label("Tag").select_option("tone")
            page.get_by_label("Note").fill("Good booking; could name the salesperson.")
            page.get_by_role("button", name="Flag", exact=True).click()
            expect(page.get_by_role("status")).to_contain_text("Flagged.")
            expect(page.locator("#flags")).to_contain_text("could name the salesperson")

            with page.expect_download() as download:
                page.get_by_role("button", name="Save as QA scenario").click()
            scenario = download.value
            assert scenario.suggested_filename == f"{week.booking}.yaml"
            scenario.save_as(saved)

            page.get_by_role("link", name="Review queue").click()
            page.wait_for_url(base + "/console/review/queue")
            item = page.locator("#queue .item", has_text=week.booking)
            expect(item).to_contain_text("flagged")
            expect(page.locator("#queue .item", has_text=week.web)).to_contain_text("handed off")
            assert not problems, problems
        finally:
            browser.close()

    spec = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert [turn["user"] for turn in spec["turns"]][1:] == [
        "can I test drive it saturday morning?",
        "10 works",
    ]
    drive = {"stock": "C2202", "starts_at": "2026-03-07T10:00", "staff": "maria"}
    assert spec["expect"]["appointments"] == [drive]
    replayed = nightshift_eval(saved, models_dir)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    lines = replayed.stdout.splitlines()
    assert f"pass  saved-{week.booking}" in lines
    assert lines[-1] == "1 passed, 0 failed"
