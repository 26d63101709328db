"""The bundled scenario suites pass with the offline engine, through the real pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evals.build_suites import render
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
    for path, text in render("demo").items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path} is stale: run python -m evals.build_suites"
        )


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_scenario_passes(path: Path, worlds: WorldCache, models_dir: Path) -> None:
    result = run_scenario(
        load_scenario(path), engine="offline", models_dir=models_dir, worlds=worlds
    )
    assert result.passed, "\n".join(result.failures)
