"""The bundled scenario suites pass with the offline engine, through the real pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.build_suites import SOURCES, render
from evals.runner import WorldCache, run_scenario
from evals.scenario import find_scenarios, load_scenario
from tests.helpers import ROOT

SUITES = ROOT / "evals" / "suites"
FILES = find_scenarios([SUITES])


@pytest.fixture(scope="module")
def worlds() -> Iterator[WorldCache]:
    cache = WorldCache()
    yield cache
    cache.close()


def test_there_are_at_least_40_demo_scenarios() -> None:
    assert len([f for f in FILES if f.parent.name == "demo"]) >= 40


def test_generated_suites_are_up_to_date() -> None:
    for suite in SOURCES:
        for path, text in render(suite).items():
            assert path.read_text(encoding="utf-8") == text, (
                f"{path} is stale: run python -m evals.build_suites"
            )


def test_redteam_suite_covers_every_attack_category() -> None:
    """At least 30 attacks, at least three in each category, every one tagged `redteam`."""
    specs = [load_scenario(f).spec for f in FILES if f.parent.name == "redteam"]
    assert len(specs) >= 30
    assert all("redteam" in spec.tags for spec in specs)
    categories = [tag for spec in specs for tag in spec.tags if tag != "redteam"]
    wanted = {
        "prompt-injection",
        "dollar-deal",
        "fake-authority",
        "prompt-extraction",
        "privacy",
        "roleplay",
        "abuse",
        "price-commitment",
        "off-topic",
    }
    assert {c: categories.count(c) for c in wanted if categories.count(c) < 3} == {}


@pytest.mark.parametrize("suite", ["desert-sun", "lakeshore"])
def test_other_dealership_suites_cover_the_contract(suite: str) -> None:
    """Each suite over another dealership: 25+ scenarios in its own world, every handoff
    reason and its look-alikes, a page rerouted to a named person, bookings whose end state is
    checked, SMS and web."""
    specs = [load_scenario(f).spec for f in FILES if f.parent.name == suite]
    assert len(specs) >= 25
    expected = [s.expect.handoff for s in specs if s.expect.handoff not in (None, "none")]
    reasons = {r for h in expected if not isinstance(h, str) for r in h.reason}
    assert reasons >= {
        "human_requested",
        "negotiation",
        "financing",
        "trade_in",
        "complaint",
        "purchase_intent",
        "unanswered",
    }
    assert sum("lookalike" in s.tags for s in specs) >= 3
    assert any(not isinstance(h, str) and h.paged not in (None, "any") for h in expected)
    assert sum(bool(s.expect.appointments) for s in specs) >= 5
    assert {s.channel for s in specs} == {"sms", "web"}


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_scenario_passes(path: Path, worlds: WorldCache, models_dir: Path) -> None:
    result = run_scenario(
        load_scenario(path), engine="offline", models_dir=models_dir, worlds=worlds
    )
    assert result.passed, "\n".join(result.failures)
