"""Metrics over hand-built results: pass^k on flaky runs, handoff precision/recall
arithmetic, booking accuracy, violations, percentiles and the printed tables."""

from __future__ import annotations

import pytest

from evals.metrics import compute, depth_scores, handoff_scores, pass_hat_k, percentile, render
from evals.results import ScenarioResult, Unmet
from tests.evals.builders import result


def test_pass_hat_k_on_flaky_runs() -> None:
    steady = [result("a"), result("a"), result("a")]
    flaky = [result("b"), result("b", passed=False), result("b")]
    broken = [result("c", passed=False)] * 3
    runs = [steady, flaky, broken]
    assert pass_hat_k(runs, 1) == pytest.approx((1 + 2 / 3 + 0) / 3)
    # C(2,2)/C(3,2) = 1/3 for the flaky scenario
    assert pass_hat_k(runs, 2) == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert pass_hat_k(runs, 3) == pytest.approx(1 / 3)
    m = compute(runs, seconds=2.0)
    assert (m.k, m.pass_1, m.pass_k, m.passed, m.runs) == (3, pass_hat_k(runs, 1), 1 / 3, 1, 9)
    with pytest.raises(ValueError, match="pass\\^4 needs at least 4 runs"):
        pass_hat_k(runs, 4)


def test_handoff_precision_and_recall_per_reason() -> None:
    results = [
        result("hit", expected_handoff=["negotiation"], reasons=("negotiation",)),
        result("wrong", expected_handoff=["negotiation"], reasons=("financing",)),
        result("quiet", expected_handoff=[], reasons=()),
        result("spurious", expected_handoff=[], reasons=("complaint",)),
        result("either", expected_handoff=["financing", "negotiation"], reasons=("financing",)),
        result("unlabelled", expected_handoff=None, reasons=("negotiation",)),
        result("missed", expected_handoff=["human_requested"], reasons=()),
    ]
    scores = {s.reason: s for s in handoff_scores(results)}
    assert sorted(scores) == ["complaint", "financing", "human_requested", "negotiation", "none"]
    neg = scores["negotiation"]  # the unlabelled run is not counted
    assert (neg.expected, neg.observed, neg.true_positives) == (3, 1, 1)
    assert (neg.false_positives, neg.false_negatives) == (0, 1)  # "either" misses nothing
    assert (neg.precision, neg.recall) == (1.0, 0.5)
    fin = scores["financing"]
    assert (fin.true_positives, fin.false_positives, fin.false_negatives) == (1, 1, 0)
    assert (fin.precision, fin.recall) == (0.5, 1.0)
    none = scores["none"]
    assert (none.expected, none.observed, none.precision, none.recall) == (2, 2, 0.5, 0.5)
    assert (scores["complaint"].precision, scores["complaint"].recall) == (0.0, None)
    assert (scores["human_requested"].precision, scores["human_requested"].recall) == (None, 0.0)


def test_booking_accuracy_violations_latency_and_turns() -> None:
    runs = [
        [result("booked", books=True, latencies_ms=(10, 20, 30))],
        [result("misbooked", books=False, latencies_ms=(40,))],
        [result("booked-but-wrong-text", books=True, passed=False, latencies_ms=(50, 60))],
        [result("no-booking", violations=("price", "offer"), latencies_ms=(70, 80, 90, 100))],
    ]
    m = compute(runs, seconds=1.5)
    assert (m.booking_matched, m.booking_scenarios, m.booking_accuracy) == (2, 3, 2 / 3)
    assert (m.violations, m.violation_scenarios) == (2, ["no-booking"])
    assert (m.latency_p50_ms, m.latency_p95_ms, m.turns) == (50, 100, 10)
    assert m.turns_per_scenario == 2.5
    empty = compute([[result("x")]], seconds=0.1)
    assert (empty.booking_accuracy, empty.handoff) == (None, [])


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(20, 0, -1)]
    assert percentile(values, 50) == 10
    assert percentile(values, 95) == 19
    assert percentile(values, 100) == 20
    assert percentile([7.0], 95) == 7
    assert percentile([], 50) is None


def test_render_prints_aligned_tables_and_timing_line() -> None:
    runs = [
        [result("a", expected_handoff=["negotiation"], reasons=("negotiation",), books=True)],
        [result("b", expected_handoff=[], passed=False, violations=("price",))],
    ]
    text = render(compute(runs, seconds=3.25))
    lines = text.splitlines()
    assert lines[0].split() == ["metric", "value"]
    summary = lines[: lines.index("")]
    value_column = lines[0].index("value")
    for line in summary[2:]:
        assert line[value_column - 2 : value_column] == "  " and line[value_column] != " ", line
    assert "task success (pass^1)" in text and "50.0%" in text
    assert "booking accuracy" in text and "100.0% (1/1)" in text
    assert "guardrail violations   1 in 1 scenario" in text
    handoff = [line for line in lines if line.startswith(("handoff reason", "negotiation"))]
    assert handoff[0].split() == [
        "handoff",
        "reason",
        "expected",
        "observed",
        "precision",
        "recall",
    ]
    assert handoff[1].split() == ["negotiation", "1", "1", "100.0%", "100.0%"]
    assert len(handoff[0]) == len(handoff[1])  # right-aligned numbers end in one column
    assert "guardrail violations in: b" in lines
    assert lines[-1] == "2 scenarios in 3.2 s"


def _conversation(turns: int, *, fails_at: int | None = None, end: bool = False) -> ScenarioResult:
    """A run of `turns` turns with an unmet check on turn `fails_at` and/or at the end."""
    run = result(f"c{turns}", latencies_ms=(10.0,) * turns)
    if fails_at is not None:
        run.turns[fails_at - 1].unmet.append(Unmet("contains", "contains: not found", fails_at))
    if end:
        run.end_unmet.append(Unmet("appointments", "appointments: expected one, observed none"))
    return run


def test_success_by_turn_depth() -> None:
    runs = [
        _conversation(1),
        _conversation(2, fails_at=2),
        _conversation(3, end=True),  # an end-state check counts at the last turn, 3
        _conversation(5, fails_at=4),
        _conversation(6),
        _conversation(2, fails_at=1),
    ]
    assert [r.failed_at_turn for r in runs] == [None, 2, 3, 4, None, 1]
    scores = depth_scores(runs)
    assert [(s.label, s.turn, s.and_later) for s in scores] == [
        ("1", 1, False),
        ("2", 2, False),
        ("3", 3, False),
        ("4+", 4, True),
    ]
    # turn 1: all six reach it, only the last fails there; turn 2: five reach it, two failed
    # by then; turn 3: three reach it, the 3-turn run fails its end state there; 4+: two runs.
    assert [(s.runs, s.passed) for s in scores] == [(6, 5), (5, 3), (3, 2), (2, 1)]
    assert [s.value for s in scores] == [5 / 6, 3 / 5, 2 / 3, 1 / 2]
    m = compute([[r] for r in runs], seconds=1.0)
    assert m.depth == scores
    text = render(m)
    assert "success by turn 1      83.3% (5/6)" in text.splitlines()
    assert "success by turn 4+     50.0% (1/2)" in text.splitlines()
    assert [s.value for s in depth_scores([])] == [None, None, None, None]


def test_a_run_that_broke_fails_at_the_turn_it_did_not_finish() -> None:
    broke_mid = _conversation(2)
    broke_mid.scenario_turns = 4  # broke while playing turn 3 of 4
    broke_mid.error = "Traceback ..."
    broke_mid.end_unmet.append(Unmet("error", "error: RuntimeError: boom"))
    broke_at_end = _conversation(3)
    broke_at_end.scenario_turns = 3  # every turn played, the end-state check broke
    broke_at_end.error = "Traceback ..."
    broke_at_end.end_unmet.append(Unmet("error", "error: RuntimeError: boom"))
    assert (broke_mid.depth, broke_mid.failed_at_turn) == (4, 3)
    assert (broke_at_end.depth, broke_at_end.failed_at_turn) == (3, 3)
    scores = depth_scores([broke_mid, broke_at_end])
    assert [(s.runs, s.passed) for s in scores] == [(2, 2), (2, 2), (2, 0), (1, 0)]
