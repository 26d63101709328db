"""Departments and a spec sheet that only the store's records hold, through the real pipeline
(offline engine) over Summit Auto Exchange, whose pages give no service or parts line: the
record's numbers and hours are answered and pass the guardrail, and a transmission asked
about is answered from the vehicle's spec sheet. Wednesday 2026-03-18 19:40 in Denver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from contracts.clock import FrozenClock
from crm_store import migrate
from nightshift.runtime import Runtime, open_runtime, sync_world_knowledge
from nightshift.world import apply_world, load_world_file
from tests import demo
from tests.demo import ROOT, demo_settings

SLUG = "summit-auto-exchange"
PARTS_LINE = "(720) 555-0188"
DEPARTMENTS = {
    "service": {
        "phone": "+17205550177",
        "hours": {d: "07:00-17:30" for d in ("mon", "tue", "wed", "thu", "fri")}
        | {"sat": "08:00-12:00"},
    },
    "parts": {"phone": "+17205550188"},
}


@pytest.fixture
def summit(tmp_path: Path, models_dir: Path) -> Iterator[Runtime]:
    world = yaml.safe_load((ROOT / "examples" / "summit-auto-exchange.yaml").read_text())
    world["dealership"]["departments"] = DEPARTMENTS
    accord = next(car for car in world["inventory"] if car["stock"] == "SX108")
    accord["specs"] = {"transmission": "10-speed automatic"}
    path = tmp_path / "summit.yaml"
    path.write_text(yaml.safe_dump(world))
    settings = demo_settings(tmp_path)
    migrate.upgrade(settings.database_url)
    clock = FrozenClock(datetime(2026, 3, 18, 19, 40, tzinfo=ZoneInfo("America/Denver")))
    with open_runtime(settings, clock=clock, models_dir=models_dir) as rt:
        apply_world(rt.store, load_world_file(path))
        sync_world_knowledge(rt.store, rt.knowledge, SLUG)
        yield rt


def test_record_only_departments_and_specs_are_answered(summit: Runtime) -> None:
    replies, conversation = demo.chat(
        summit,
        "+17205550311",
        "hey what number do i call for the parts department",
        "ok and what time does the service dept open on saturday",
        "do u still have the accord SX108",
        "is it a stick?",
        slug=SLUG,
    )
    assert PARTS_LINE in replies[0]  # the record's line, not refused as a foreign contact
    assert "(720) 555-0100" not in replies[0]
    assert "8:00 AM" in replies[1] and "12:00 PM" in replies[1]
    assert "automatic" in replies[3].lower()
    assert demo.handoff_reasons(summit, conversation) == ()
