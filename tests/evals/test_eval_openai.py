"""`nightshift eval --engine openai`: the bundled scenarios run unchanged against a model
endpoint (here the faithful fake OpenAI server); the scenario passes or fails on what the model
did through the tools, and the guardrail still holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.cli import load_all, run_all
from tests.fakes.openai_server import Text, call, running_fake, text_of

DOC_FEE = Path(__file__).resolve().parents[2] / "evals" / "suites" / "demo" / "kn-doc-fee.yaml"


def test_a_bundled_scenario_runs_against_a_model_endpoint(
    monkeypatch: pytest.MonkeyPatch, models_dir: Path
) -> None:
    with running_fake() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        fake.script(
            call("search_knowledge", query="documentation fee"),
            Text("Our documentation fee is $85, itemized on your purchase agreement."),
        )
        [[result]] = run_all(load_all([DOC_FEE]), engine="openai", models_dir=models_dir)
    assert result.passed, result.failures
    assert fake.problems == []
    [(name, passages)] = fake.requests[1].tool_results()
    assert name == "search_knowledge" and "$85" in str(passages)  # the store answered
    assert text_of(fake.requests[0].messages[-1]) == "how much is your doc fee"


def test_a_model_that_invents_a_price_fails_the_scenario(
    monkeypatch: pytest.MonkeyPatch, models_dir: Path
) -> None:
    with running_fake() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        fake.script(Text("Our doc fee is only $25 this week!"))
        [[result]] = run_all(load_all([DOC_FEE]), engine="openai", models_dir=models_dir)
    assert not result.passed
    assert any("$85" in failure for failure in result.failures), result.failures
