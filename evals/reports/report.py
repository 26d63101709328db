"""What every report is written from: the runs of each scenario and their metrics."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from evals.metrics import Metrics
from evals.results import Runs, ScenarioResult


@dataclass(frozen=True)
class EvalReport:
    runs: Runs
    metrics: Metrics
    engine: str = "offline"

    def ordered(self) -> Runs:
        """Failed scenarios first, then by suite and id (stable for diffs)."""
        return sorted(self.runs, key=lambda rs: (passed(rs), rs[0].suite, rs[0].id))

    def suites(self) -> dict[str, Runs]:
        """Scenarios per suite folder, suites in name order."""
        out: dict[str, Runs] = {}
        for rs in sorted(self.runs, key=lambda rs: (rs[0].suite, rs[0].id)):
            out.setdefault(rs[0].suite, []).append(rs)
        return out


def passed(runs: list[ScenarioResult]) -> bool:
    return all(r.passed for r in runs)


def shown_run(runs: list[ScenarioResult]) -> ScenarioResult:
    """The run a report shows in detail: the first failed one, else the first."""
    return next((r for r in runs if not r.passed), runs[0])


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
