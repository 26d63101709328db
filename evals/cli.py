"""`nightshift eval PATH...`: run scenario files, print a line each, the metrics and
`N passed, N failed`. Exit 0 when all pass, 1 when any fails, 2 for an invalid file."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from evals.runner import ScenarioResult

from evals.scenario import LoadedScenario, ScenarioError, find_scenarios, load_scenario


def eval_command(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or folders")],
    engine: Annotated[str, typer.Option(help="offline or openai")] = "offline",
    k: Annotated[int, typer.Option("--k", min=1, help="Runs per scenario (pass^k)")] = 1,
    models_dir: Annotated[Path, typer.Option(help="Embedding model cache")] = Path("var/models"),
) -> None:
    """Run QA scenarios (../shared/EVAL_FORMAT.md) through the real pipeline."""
    if engine not in ("offline", "openai"):
        typer.echo(f"--engine: {engine!r}: expected offline or openai", err=True)
        raise typer.Exit(2)
    try:
        scenarios = load_all(paths)
    except ScenarioError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        raise typer.Exit(2) from None
    began = time.perf_counter()
    results = run_all(scenarios, engine=engine, models_dir=models_dir, k=k)
    passed = sum(1 for runs in results if all(r.passed for r in runs))
    for runs in results:
        first = runs[0]
        failing = next((r for r in runs if not r.passed), None)
        if failing is None:
            typer.echo(f"pass  {first.id}")
        else:
            typer.echo(f"FAIL  {first.id}: " + "; ".join(failing.failures))
    typer.echo(metrics(results, time.perf_counter() - began))
    typer.echo(f"{passed} passed, {len(results) - passed} failed")
    if passed != len(results):
        raise typer.Exit(1)


def load_all(paths: list[Path]) -> list[LoadedScenario]:
    problems: list[str] = []
    loaded: list[LoadedScenario] = []
    seen: dict[str, Path] = {}
    for path in find_scenarios(paths):
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        if scenario.spec.id in seen:
            first = seen[scenario.spec.id]
            problems.append(
                f"{path}: id: {scenario.spec.id!r} is already used by {first}; expected a unique id"
            )
        seen[scenario.spec.id] = path
        loaded.append(scenario)
    if problems:
        raise ScenarioError(problems)
    if not loaded:
        raise ScenarioError(
            [f"{', '.join(map(str, paths))}: no *.yaml or *.yml scenario files found"]
        )
    return loaded


def run_all(
    scenarios: list[LoadedScenario], *, engine: str, models_dir: Path, k: int = 1
) -> list[list[ScenarioResult]]:
    from evals.runner import WorldCache, run_scenario

    worlds = WorldCache()
    try:
        return [
            [run_scenario(s, engine=engine, models_dir=models_dir, worlds=worlds) for _ in range(k)]
            for s in scenarios
        ]
    finally:
        worlds.close()


def metrics(results: list[list[ScenarioResult]], seconds: float) -> str:
    firsts = [runs[0] for runs in results]
    latencies = sorted(t.seconds * 1000 for r in firsts for t in r.turns)
    pass1 = sum(r.passed for r in firsts) / len(firsts)
    passk = sum(all(r.passed for r in runs) for runs in results) / len(results)
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    turns = statistics.mean(len(r.turns) for r in firsts)
    return (
        f"task success (pass^1) {pass1:.0%}, pass^{len(results[0])} {passk:.0%}; "
        f"turn latency p50 {p50:.0f} ms, p95 {p95:.0f} ms; "
        f"{turns:.1f} turns/scenario; {len(results)} scenarios in {seconds:.1f} s"
    )
