"""The JSON report, schema `nightshift.eval/1` (every field is described in evals/REPORTS.md).

Fields are only ever added within a schema version; a renamed or removed field, or a changed
meaning, is a new version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.metrics import Metrics
from evals.reports.report import EvalReport, passed, write_text
from evals.results import ScenarioResult, Unmet

SCHEMA = "nightshift.eval/1"


def to_json(report: EvalReport) -> dict[str, Any]:
    m = report.metrics
    return {
        "schema": SCHEMA,
        "engine": report.engine,
        "k": m.k,
        "summary": {
            "scenarios": m.scenarios,
            "passed": m.passed,
            "failed": m.scenarios - m.passed,
            "seconds": round(m.seconds, 3),
        },
        "metrics": _metrics(m),
        "scenarios": [_scenario(runs) for runs in report.ordered()],
    }


def write_json(report: EvalReport, path: Path) -> None:
    write_text(path, json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n")


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _metrics(m: Metrics) -> dict[str, Any]:
    return {
        "pass_1": m.pass_1,
        "pass_k": m.pass_k,
        "turn_depth": [
            {
                "depth": s.label,
                "turn": s.turn,
                "and_later": s.and_later,
                "runs": s.runs,
                "passed": s.passed,
                "value": s.value,
            }
            for s in m.depth
        ],
        "booking_accuracy": {
            "value": m.booking_accuracy,
            "matched": m.booking_matched,
            "runs": m.booking_scenarios,
        },
        "handoff": [
            {
                "reason": s.reason,
                "expected": s.expected,
                "observed": s.observed,
                "true_positives": s.true_positives,
                "false_positives": s.false_positives,
                "false_negatives": s.false_negatives,
                "precision": s.precision,
                "recall": s.recall,
            }
            for s in m.handoff
        ],
        "guardrail_violations": {"count": m.violations, "scenarios": m.violation_scenarios},
        "latency_ms": {"p50": _ms(m.latency_p50_ms), "p95": _ms(m.latency_p95_ms)},
        "turns": m.turns,
        "turns_per_scenario": m.turns_per_scenario,
        "runs": m.runs,
    }


def _scenario(runs: list[ScenarioResult]) -> dict[str, Any]:
    first = runs[0]
    return {
        "id": first.id,
        "title": first.title,
        "tags": list(first.tags),
        "suite": first.suite,
        "path": first.path,
        "passed": passed(runs),
        "runs_passed": sum(r.passed for r in runs),
        "runs": [_run(i, r) for i, r in enumerate(runs, start=1)],
    }


def _run(number: int, r: ScenarioResult) -> dict[str, Any]:
    return {
        "run": number,
        "passed": r.passed,
        "seconds": round(r.seconds, 3),
        "error": r.error,
        "failed_at_turn": r.failed_at_turn,
        "turns": [
            {
                "turn": i,
                "user": t.user,
                "advance": t.advance,
                "replies": list(t.replies),
                "latency_ms": round(t.seconds * 1000, 1),
            }
            for i, t in enumerate(r.turns, start=1)
        ],
        "unmet": [_unmet(u) for u in r.unmet],
        "expected": {
            "handoff_reasons": None if r.expected_handoff is None else list(r.expected_handoff),
            "appointments": r.expects_appointments,
        },
        "observed": {
            "handoff_reasons": list(r.handoff_reasons),
            "appointments": [
                {"stock": a.stock, "starts_at": a.starts_at, "staff": a.staff}
                for a in r.appointments
            ],
            "guardrail_violations": list(r.violations),
        },
    }


def _unmet(u: Unmet) -> dict[str, Any]:
    return {"turn": u.turn, "check": u.check, "message": u.message, "text": str(u)}
