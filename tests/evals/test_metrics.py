"""Metrics over hand-built results: pass^k on flaky runs, handoff precision/recall
arithmetic, booking accuracy, violations, percentiles and the printed tables."""

from __future__ import annotations

import pytest

from evals.metrics import compute, handoff_scores, pass_hat_k, percentile, render
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
