"""Metrics over scenario results: pure functions, no store, no clock (see REPORTS.md).

Every rate is over scenario *runs* (k per scenario) unless it says otherwise; pass^k is per
scenario, as in tau-bench: the chance that k runs of a scenario all pass.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from evals.results import Runs, ScenarioResult

NONE = "none"  # the handoff "reason" of a scenario that expects, or raised, no handoff


@dataclass(frozen=True)
class ReasonScore:
    """Handoff detection for one reason over the runs whose scenario declares `handoff`."""

    reason: str
    expected: int  # runs expecting this reason (or, for `none`, no handoff)
    observed: int  # runs that raised it (or, for `none`, raised no handoff)
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float | None:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else None

    @property
    def recall(self) -> float | None:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else None


@dataclass(frozen=True)
class DepthScore:
    """Success by turn depth: of the runs that reach turn `turn` (for the last bucket, turn
    `turn` or later), how many passed every check up to it (see REPORTS.md)."""

    turn: int
    and_later: bool  # the last bucket: runs with `turn` or more turns, judged on all of them
    runs: int
    passed: int

    @property
    def label(self) -> str:
        return f"{self.turn}+" if self.and_later else str(self.turn)

    @property
    def value(self) -> float | None:
        return self.passed / self.runs if self.runs else None


DEPTHS = 4  # buckets 1, 2, 3 and 4+


@dataclass(frozen=True)
class Metrics:
    scenarios: int
    runs: int
    k: int
    passed: int  # scenarios whose every run passed
    pass_1: float
    pass_k: float
    booking_matched: int
    booking_scenarios: int
    violations: int
    violation_scenarios: list[str]
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    turns: int
    turns_per_scenario: float
    seconds: float
    handoff: list[ReasonScore] = field(default_factory=list)
    depth: list[DepthScore] = field(default_factory=list)

    @property
    def booking_accuracy(self) -> float | None:
        return self.booking_matched / self.booking_scenarios if self.booking_scenarios else None


def pass_hat_k(runs: Runs, k: int) -> float:
    """Mean over scenarios of C(c, k) / C(n, k), c of n runs passed: the unbiased estimate of
    "k runs in a row all pass". With n == k it is the share of scenarios with no failed run;
    pass^1 is the mean success rate."""
    if not runs:
        return 0.0
    total = 0.0
    for results in runs:
        n, c = len(results), sum(r.passed for r in results)
        if k > n:
            raise ValueError(f"pass^{k} needs at least {k} runs per scenario, got {n}")
        total += math.comb(c, k) / math.comb(n, k)
    return total / len(runs)


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): the smallest value with at least q% of the
    values at or below it. None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def handoff_scores(results: list[ScenarioResult]) -> list[ReasonScore]:
    """Precision and recall per reason, `none` included. Per run: each observed reason is a
    true positive if acceptable, else a false positive; when none of the acceptable reasons
    was raised, each is a false negative (a list of acceptable reasons is one expectation,
    so raising any of them misses none). Runs without an end `handoff` are not counted."""
    tally: dict[str, list[int]] = {}  # reason -> [expected, observed, tp, fp, fn]

    def add(reason: str, slot: int) -> None:
        tally.setdefault(reason, [0, 0, 0, 0, 0])[slot] += 1

    for result in results:
        if result.expected_handoff is None:
            continue
        wanted = set(result.expected_handoff) or {NONE}
        raised = set(result.handoff_reasons) or {NONE}
        for reason in wanted:
            add(reason, 0)
        for reason in raised:
            add(reason, 1)
            add(reason, 2 if reason in wanted else 3)
        if not wanted & raised:
            for reason in wanted:
                add(reason, 4)
    return [ReasonScore(reason, *tally[reason]) for reason in sorted(tally)]


def depth_scores(results: list[ScenarioResult], depths: int = DEPTHS) -> list[DepthScore]:
    """For d in 1..depths-1: of the runs whose scenario has a turn d, those whose turns 1..d
    all passed. The last bucket: of the runs with `depths` or more turns, those that passed
    every turn (so the run passed). End-state checks count at the scenario's last turn."""
    scores = []
    for d in range(1, depths + 1):
        last = d == depths
        reached = [r for r in results if r.depth >= d]
        if last:
            ok = sum(r.failed_at_turn is None for r in reached)
        else:
            ok = sum((f := r.failed_at_turn) is None or f > d for r in reached)
        scores.append(DepthScore(d, last, len(reached), ok))
    return scores


def compute(runs: Runs, seconds: float) -> Metrics:
    """Every metric of an eval run; `runs` holds the k results of each scenario."""
    flat = [r for results in runs for r in results]
    k = min((len(results) for results in runs), default=1)
    latencies = [t.seconds * 1000 for r in flat for t in r.turns]
    booking = [r for r in flat if r.expects_appointments]
    violating = sorted({r.id for r in flat if r.violations})
    return Metrics(
        scenarios=len(runs),
        runs=len(flat),
        k=k,
        passed=sum(all(r.passed for r in results) for results in runs),
        pass_1=pass_hat_k(runs, 1),
        pass_k=pass_hat_k(runs, k),
        booking_matched=sum(r.booking_matched for r in booking),
        booking_scenarios=len(booking),
        violations=sum(len(r.violations) for r in flat),
        violation_scenarios=violating,
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        turns=len(latencies),
        turns_per_scenario=statistics.fmean(len(r.turns) for r in flat) if flat else 0.0,
        seconds=seconds,
        handoff=handoff_scores(flat),
        depth=depth_scores(flat),
    )


def share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...], *, numeric: bool = True) -> str:
    """Aligned columns under a rule: the first left-aligned, the others right-aligned when
    `numeric`, else left-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = [
            c.rjust(w) if numeric and i else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def summary_rows(m: Metrics) -> list[tuple[str, str]]:
    """The metrics table's rows, as printed and as shown in the HTML report."""
    ms = "n/a" if m.latency_p50_ms is None else f"{m.latency_p50_ms:.0f} ms"
    ms95 = "n/a" if m.latency_p95_ms is None else f"{m.latency_p95_ms:.0f} ms"
    rows = [
        ("scenarios", f"{m.scenarios} ({m.passed} passed, {m.scenarios - m.passed} failed)"),
        ("runs per scenario (k)", str(m.k)),
        ("task success (pass^1)", share(m.pass_1)),
    ]
    if m.k > 1:
        rows.append((f"pass^{m.k}", share(m.pass_k)))
    rows += [
        (f"success by turn {s.label}", f"{share(s.value)} ({s.passed}/{s.runs})") for s in m.depth
    ]
    booked = f"{share(m.booking_accuracy)} ({m.booking_matched}/{m.booking_scenarios})"
    violating = f"{len(m.violation_scenarios)} scenario" + (
        "" if len(m.violation_scenarios) == 1 else "s"
    )
    rows += [
        ("booking accuracy", booked),
        ("guardrail violations", f"{m.violations} in {violating}"),
        ("turn latency p50", ms),
        ("turn latency p95", ms95),
        ("turns per scenario", f"{m.turns_per_scenario:.1f}"),
        ("total time", f"{m.seconds:.1f} s"),
    ]
    return rows


def handoff_rows(m: Metrics) -> list[tuple[str, str, str, str, str]]:
    return [
        (s.reason, str(s.expected), str(s.observed), share(s.precision), share(s.recall))
        for s in m.handoff
    ]


HANDOFF_HEADER = ("handoff reason", "expected", "observed", "precision", "recall")


def render(m: Metrics) -> str:
    """The metrics as `nightshift eval` prints them: two aligned tables and the timing line."""
    parts = [table(summary_rows(m), ("metric", "value"), numeric=False)]
    if m.handoff:
        parts.append(table(handoff_rows(m), HANDOFF_HEADER))
    if m.violation_scenarios:
        parts.append("guardrail violations in: " + ", ".join(m.violation_scenarios))
    parts.append(f"{m.scenarios} scenarios in {m.seconds:.1f} s")
    return "\n\n".join(parts)
