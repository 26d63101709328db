"""The reports of a real `nightshift eval --k 2 --json --junit --html` run over one passing
and one failing scenario: the printed tables, the JSON's observed facts, the JUnit counts."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from tests.evals.conftest import EvalRun
from tests.evals.test_reports import SHAPE, _paths


def test_prints_lines_tables_and_closing_count(eval_run: EvalRun) -> None:
    result = eval_run.result
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "pass  kn-doc-fee" in lines
    (fail,) = [line for line in lines if line.startswith("FAIL  ")]
    assert fail.startswith(
        'FAIL  wrong-fee (failed 2 of 2 runs; run 1): turn 2: contains ["$99"]: '
        'not found in reply "'
    )
    assert "$85" in fail
    assert lines.index("pass  kn-doc-fee") < lines.index(fail)  # in file order
    assert lines[lines.index(fail) + 1].split() == ["metric", "value"]
    assert "runs per scenario (k)  2" in lines
    assert "task success (pass^1)  50.0%" in lines
    assert "pass^2                 50.0%" in lines
    assert "success by turn 1      100.0% (4/4)" in lines
    assert "success by turn 2      0.0% (0/2)" in lines  # wrong-fee fails its second turn
    assert lines.index("pass^2                 50.0%") < lines.index(
        "success by turn 1      100.0% (4/4)"
    )
    assert "none                   4         4     100.0%  100.0%" in lines
    assert any(line.startswith("2 scenarios in ") for line in lines)
    assert lines[-1] == "1 passed, 1 failed"
    assert f"wrote {eval_run.html}" in result.stderr


def test_json_of_a_real_run(eval_run: EvalRun) -> None:
    data = json.loads(eval_run.json.read_text(encoding="utf-8"))
    for path, values in _paths(data).items():
        assert path in SHAPE, path
        assert all(isinstance(v, SHAPE[path]) for v in values), path
    assert (data["k"], data["summary"]["passed"], data["summary"]["failed"]) == (2, 1, 1)
    wrong, ok = data["scenarios"]
    assert (wrong["id"], wrong["suite"], wrong["runs_passed"]) == ("wrong-fee", "qa", 0)
    run = wrong["runs"][0]
    assert [t["user"] for t in run["turns"]] == [
        "hello <script>alert(1)</script>",
        "how much is your doc fee",
    ]
    assert all(t["latency_ms"] > 0 for t in run["turns"])
    assert [(u["turn"], u["check"]) for u in run["unmet"]] == [(2, "contains")]
    assert run["failed_at_turn"] == 2 and ok["runs"][0]["failed_at_turn"] is None
    assert run["expected"] == {"handoff_reasons": [], "appointments": False}
    assert run["observed"] == {
        "handoff_reasons": [],
        "appointments": [],
        "guardrail_violations": [],
    }
    assert ok["passed"] and len(ok["runs"]) == 2
    assert data["metrics"]["pass_1"] == 0.5 and data["metrics"]["runs"] == 4


def test_junit_of_a_real_run(eval_run: EvalRun) -> None:
    root = ET.parse(eval_run.junit).getroot()
    (suite,) = root.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("qa", "2", "1")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert {c.get("classname") for c in cases.values()} == {"qa"}
    assert cases["kn-doc-fee"].find("failure") is None
    failure = cases["wrong-fee"].find("failure")
    assert failure is not None
    assert (failure.get("message") or "").startswith(
        'failed 2 of 2 runs; run 1: turn 2: contains ["$99"]: not found in reply'
    )
    assert all(float(c.get("time") or 0) > 0 for c in cases.values())
