"""The JSON, JUnit and HTML reports on hand-built results: the JSON matches the shape
documented in evals/REPORTS.md, the JUnit parses with the right counts, the HTML escapes
scenario text and loads nothing from outside."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from evals.metrics import compute
from evals.reports import SCHEMA, EvalReport, render_html, render_junit, to_json, write_json
from evals.results import Runs
from tests.evals.builders import result
from tests.helpers import ROOT

DOC = (ROOT / "evals" / "REPORTS.md").read_text(encoding="utf-8")
NUM, OPT_NUM, OPT_STR = (int, float), (int, float, type(None)), (str, type(None))
# key path -> accepted types; "[]" marks array items
SHAPE: dict[str, Any] = {
    "schema": str,
    "engine": str,
    "k": int,
    "summary": dict,
    "summary.scenarios": int,
    "summary.passed": int,
    "summary.failed": int,
    "summary.seconds": NUM,
    "metrics": dict,
    "metrics.pass_1": NUM,
    "metrics.pass_k": NUM,
    "metrics.turn_depth": list,
    "metrics.turn_depth[]": dict,
    "metrics.turn_depth[].depth": str,
    "metrics.turn_depth[].turn": int,
    "metrics.turn_depth[].and_later": bool,
    "metrics.turn_depth[].runs": int,
    "metrics.turn_depth[].passed": int,
    "metrics.turn_depth[].value": OPT_NUM,
    "metrics.booking_accuracy": dict,
    "metrics.booking_accuracy.value": OPT_NUM,
    "metrics.booking_accuracy.matched": int,
    "metrics.booking_accuracy.runs": int,
    "metrics.handoff": list,
    "metrics.handoff[]": dict,
    "metrics.handoff[].reason": str,
    "metrics.handoff[].expected": int,
    "metrics.handoff[].observed": int,
    "metrics.handoff[].true_positives": int,
    "metrics.handoff[].false_positives": int,
    "metrics.handoff[].false_negatives": int,
    "metrics.handoff[].precision": OPT_NUM,
    "metrics.handoff[].recall": OPT_NUM,
    "metrics.guardrail_violations": dict,
    "metrics.guardrail_violations.count": int,
    "metrics.guardrail_violations.scenarios": list,
    "metrics.guardrail_violations.scenarios[]": str,
    "metrics.latency_ms": dict,
    "metrics.latency_ms.p50": OPT_NUM,
    "metrics.latency_ms.p95": OPT_NUM,
    "metrics.turns": int,
    "metrics.turns_per_scenario": NUM,
    "metrics.runs": int,
    "scenarios": list,
    "scenarios[]": dict,
    "scenarios[].id": str,
    "scenarios[].title": OPT_STR,
    "scenarios[].tags": list,
    "scenarios[].tags[]": str,
    "scenarios[].suite": str,
    "scenarios[].path": str,
    "scenarios[].passed": bool,
    "scenarios[].runs_passed": int,
    "scenarios[].runs": list,
    "scenarios[].runs[]": dict,
    "scenarios[].runs[].run": int,
    "scenarios[].runs[].passed": bool,
    "scenarios[].runs[].seconds": NUM,
    "scenarios[].runs[].error": OPT_STR,
    "scenarios[].runs[].failed_at_turn": (int, type(None)),
    "scenarios[].runs[].turns": list,
    "scenarios[].runs[].turns[]": dict,
    "scenarios[].runs[].turns[].turn": int,
    "scenarios[].runs[].turns[].user": str,
    "scenarios[].runs[].turns[].advance": OPT_STR,
    "scenarios[].runs[].turns[].replies": list,
    "scenarios[].runs[].turns[].replies[]": str,
    "scenarios[].runs[].turns[].latency_ms": NUM,
    "scenarios[].runs[].unmet": list,
    "scenarios[].runs[].unmet[]": dict,
    "scenarios[].runs[].unmet[].turn": (int, type(None)),
    "scenarios[].runs[].unmet[].check": str,
    "scenarios[].runs[].unmet[].message": str,
    "scenarios[].runs[].unmet[].text": str,
    "scenarios[].runs[].expected": dict,
    "scenarios[].runs[].expected.handoff_reasons": (list, type(None)),
    "scenarios[].runs[].expected.handoff_reasons[]": str,
    "scenarios[].runs[].expected.appointments": bool,
    "scenarios[].runs[].observed": dict,
    "scenarios[].runs[].observed.handoff_reasons": list,
    "scenarios[].runs[].observed.handoff_reasons[]": str,
    "scenarios[].runs[].observed.appointments": list,
    "scenarios[].runs[].observed.appointments[]": dict,
    "scenarios[].runs[].observed.appointments[].stock": str,
    "scenarios[].runs[].observed.appointments[].starts_at": str,
    "scenarios[].runs[].observed.appointments[].staff": OPT_STR,
    "scenarios[].runs[].observed.guardrail_violations": list,
    "scenarios[].runs[].observed.guardrail_violations[]": str,
}


def _paths(value: Any, prefix: str = "") -> dict[str, list[Any]]:
    """Every key path in a JSON value with the values found there."""
    found: dict[str, list[Any]] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found.setdefault(path, []).append(item)
            for sub, items in _paths(item, path).items():
                found.setdefault(sub, []).extend(items)
    elif isinstance(value, list):
        for item in value:
            found.setdefault(f"{prefix}[]", []).append(item)
            for sub, items in _paths(item, f"{prefix}[]").items():
                found.setdefault(sub, []).extend(items)
    return found


def _runs() -> Runs:
    return [
        [
            result("books-ok", books=True, expected_handoff=[]),
            result("books-ok", books=True, expected_handoff=[]),
        ],
        [
            result(
                "asks-human",
                suite="handoffs",
                passed=False,
                expected_handoff=["human_requested"],
                reasons=("complaint",),
                violations=("price $1 not in inventory",),
                user="<script>alert('x')</script> & more",
                reply='<img src=x onerror="alert(1)">',
            ),
            result("asks-human", suite="handoffs", expected_handoff=["human_requested"]),
        ],
    ]


def _report() -> EvalReport:
    runs = _runs()
    return EvalReport(runs, compute(runs, seconds=4.2), engine="offline")


def test_json_report_has_the_documented_shape(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    write_json(_report(), target)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["schema"] == SCHEMA == "nightshift.eval/1"
    found = _paths(data)
    assert set(found) <= set(SHAPE), f"undocumented in the test shape: {set(found) - set(SHAPE)}"
    for path, types in SHAPE.items():
        assert path in found, f"{path} is missing from the report"
        for value in found[path]:
            assert isinstance(value, types), f"{path}: {value!r} is not {types}"
    for path in {p for p in SHAPE if not p.endswith("[]")}:
        assert f"`{path}`" in DOC, f"evals/REPORTS.md does not describe `{path}`"
    assert [s["id"] for s in data["scenarios"]] == ["asks-human", "books-ok"]  # failed first
    failed = data["scenarios"][0]
    assert (failed["passed"], failed["runs_passed"]) == (False, 1)
    assert failed["runs"][0]["unmet"][0] == {
        "turn": 1,
        "check": "contains",
        "message": 'contains ["x"]: not found in reply "<img src=x onerror="alert(1)">"',
        "text": 'turn 1: contains ["x"]: not found in reply "<img src=x onerror="alert(1)">"',
    }
    assert data["summary"] == {"scenarios": 2, "passed": 1, "failed": 1, "seconds": 4.2}
    assert data["metrics"]["pass_k"] == 0.5 and data["k"] == 2
    assert [r["failed_at_turn"] for r in failed["runs"]] == [1, None]
    depth = data["metrics"]["turn_depth"]
    assert [(d["depth"], d["runs"], d["passed"], d["value"]) for d in depth] == [
        ("1", 4, 3, 0.75),
        ("2", 0, 0, None),
        ("3", 0, 0, None),
        ("4+", 0, 0, None),
    ]


def test_json_report_round_trips_without_loss() -> None:
    data = to_json(_report())
    assert json.loads(json.dumps(data)) == data


def test_junit_parses_with_one_suite_per_folder() -> None:
    root = ET.fromstring(render_junit(_report()))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "0")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == ["demo", "handoffs"]
    assert (suites["demo"].get("tests"), suites["demo"].get("failures")) == ("1", "0")
    assert (suites["handoffs"].get("tests"), suites["handoffs"].get("failures")) == ("1", "1")
    (case,) = suites["handoffs"].findall("testcase")
    assert (case.get("name"), case.get("classname")) == ("asks-human", "handoffs")
    assert float(case.get("time") or 0) > 0
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == (
        'failed 1 of 2 runs; run 1: turn 1: contains ["x"]: not found in reply '
        '"<img src=x onerror="alert(1)">"'
    )
    out = case.find("system-out")
    assert out is not None and "shopper: <script>alert('x')</script> & more" in (out.text or "")
    assert suites["demo"].find("testcase/failure") is None


def test_junit_survives_control_characters_in_replies() -> None:
    runs = [[result("ctl", passed=False, reply="bell\x07 and nul\x00")]]
    root = ET.fromstring(render_junit(EvalReport(runs, compute(runs, seconds=1))))
    assert root.find("testsuite/testcase/failure") is not None


def test_html_escapes_scenario_text_and_is_self_contained() -> None:
    page = render_html(_report())
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page
    assert '<img src=x onerror="alert(1)">' not in page
    assert len(re.findall(r"<script\b", page)) == 1  # only the report's own filter script
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert '<link rel="stylesheet"' not in page
    assert page.index('id="s1"') < page.index("books-ok")  # the failed scenario comes first
    assert '<li class="unmet-check" data-check="contains">' in page
    assert "<svg" in page and 'role="img"' in page
    assert '<title id="depth-t">Success by turn depth</title>' in page
    assert "turn 1: 3 of 4 runs passed; turn 2: no runs" in page
