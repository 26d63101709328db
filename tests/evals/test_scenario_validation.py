"""Scenario files that break the contract are rejected naming the file, the key and what was
expected; lenient spellings the contract allows are read as meant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from evals.scenario import ScenarioError, load_scenario
from tests.helpers import ROOT

BASE = ROOT / "evals" / "suites" / "demo" / "kn-doc-fee.yaml"


def _write(tmp_path: Path, change: dict[str, Any]) -> Path:
    data = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = data
        for key in parents:
            node = node.setdefault(key, {}) if not key.isdigit() else node[int(key)]
        node[last] = value
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _problems(tmp_path: Path, change: dict[str, Any]) -> list[str]:
    path = _write(tmp_path, change)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [p.removeprefix(f"{path}: ") for p in caught.value.problems]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"expect.never": ["legally (binding"]},
            "expect.never: 'legally (binding' is not a valid regular expression",
        ),
        (
            {"expect.appointments": [{"starts_at": "2026-03-07T10:00"}]},
            "expect.appointments.0: expected `stock` and/or vehicle attributes",
        ),
        (
            {"expect.appointments": [{"stock": "ZZ999", "starts_at": "2026-03-07T10:00"}]},
            "expect.appointments.0.stock: 'ZZ999': expected a stock number of world.inventory",
        ),
        (
            {"expect.appointments": [{"stock": "U2306", "starts_at": "Saturday 10am"}]},
            "expect.appointments.0.starts_at: 'Saturday 10am': expected a local time",
        ),
        (
            {
                "expect.appointments": [
                    {"stock": "U2306", "starts_at": "2026-03-07T10:00", "staff": "bob"}
                ]
            },
            "expect.appointments.0.staff: 'bob': expected a handle of world.staff (daniel,",
        ),
        (
            {"expect.handoff": {"reason": "human_requested", "paged": "bob"}},
            "expect.handoff.paged: 'bob': expected any or a handle of world.staff (daniel,",
        ),
        (
            {"expect.handoff": {"reason": []}},
            "expect.handoff.reason: Value should have at least 1 item",
        ),
        (
            {"expect.handoff": {"reason": "haggling"}},
            "expect.handoff.reason: 'haggling': expected one of human_requested",
        ),
        (
            {"expect.handoff": "sometimes"},
            "expect.handoff: 'sometimes': expected none or a mapping with reason",
        ),
        ({"expect.lead": {"phone": "call me"}}, "expect.lead.phone: 'call me': expected a phone"),
        ({"shopper": {"phone": "12"}}, "shopper.phone: '12': expected a phone number"),
        ({"turns.0.advance": "soon"}, "turns.0.advance: 'soon': expected a duration such as 90m"),
        ({"turns.0.expect.sometimes": True}, "turns.0.expect.sometimes: unknown key"),
        ({"turns.0.expect.Contains": ["$85"]}, "turns.0.expect.Contains: unknown key"),
        (
            {"expect.handoff": {"reason": "other", "Paged": "x"}},
            "expect.handoff.Paged: unknown key",
        ),
    ],
)
def test_invalid_scenarios_name_key_and_expectation(
    tmp_path: Path, change: dict[str, Any], problem: str
) -> None:
    problems = _problems(tmp_path, change)
    assert any(p.startswith(problem) for p in problems), problems
    assert not any("literal[" in p or "HandoffExpect" in p for p in problems), problems


def test_lenient_spellings_are_read_as_meant(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "turns.0.expect": {"contains": [85], "not_contains": "offer"},
            "shopper": {"phone": "(805) 555-0199"},
            "expect.appointments": [
                {"year": 2021, "make": "Subaru", "starts_at": "2026-03-08T14:00:00"}
            ],
        },
    )
    spec = load_scenario(path).spec
    assert spec.turns[0].expect is not None
    assert (spec.turns[0].expect.contains, spec.turns[0].expect.not_contains) == (["85"], ["offer"])
    assert spec.shopper.phone == "+18055550199"
    assert spec.expect.appointments is not None and spec.expect.appointments[0].make == "Subaru"
