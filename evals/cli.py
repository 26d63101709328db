"""`nightshift eval PATH...`: run scenario files, print a line each, the metrics tables and
`N passed, N failed`; optionally write JSON, JUnit XML and HTML reports (REPORTS.md).
Exit 0 when all pass, 1 when any fails, 2 for an invalid file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from evals.metrics import compute, render
from evals.reports import EvalReport, write_html, write_json, write_junit
from evals.results import Runs, ScenarioResult
from evals.scenario import LoadedScenario, ScenarioError, find_scenarios, load_scenario


def eval_command(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or folders")],
    engine: Annotated[str, typer.Option(help="offline or openai")] = "offline",
    k: Annotated[int, typer.Option("--k", min=1, help="Runs per scenario (pass^k)")] = 1,
    json_file: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report (evals/REPORTS.md)")
    ] = None,
    junit_file: Annotated[
        Path | None, typer.Option("--junit", help="Write a JUnit XML report for CI")
    ] = None,
    html_file: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report")
    ] = None,
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
    seconds = time.perf_counter() - began
    for runs in results:
        typer.echo(scenario_line(runs))
        for run in runs:
            if run.error:
                typer.echo(f"{run.id}: {run.error}", err=True)
    measured = compute(results, seconds)
    typer.echo(render(measured))
    report = EvalReport(results, measured, engine=engine)
    writers = ((json_file, write_json), (junit_file, write_junit), (html_file, write_html))
    for target, write in writers:
        if target is not None:
            write(report, target)
            typer.echo(f"wrote {target}", err=True)
    typer.echo(f"{measured.passed} passed, {measured.scenarios - measured.passed} failed")
    if measured.passed != measured.scenarios:
        raise typer.Exit(1)


def scenario_line(runs: list[ScenarioResult]) -> str:
    """`pass  id`, or `FAIL  id: ...` with every unmet check of the first failed run."""
    first = runs[0]
    failed = [i for i, r in enumerate(runs, start=1) if not r.passed]
    if not failed:
        return f"pass  {first.id}"
    run = runs[failed[0] - 1]
    which = f" (failed {len(failed)} of {len(runs)} runs; run {failed[0]})" if len(runs) > 1 else ""
    return f"FAIL  {first.id}{which}: " + "; ".join(run.failures)


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


def run_all(scenarios: list[LoadedScenario], *, engine: str, models_dir: Path, k: int = 1) -> Runs:
    from evals.runner import WorldCache, run_scenario

    worlds = WorldCache()
    try:
        return [
            [run_scenario(s, engine=engine, models_dir=models_dir, worlds=worlds) for _ in range(k)]
            for s in scenarios
        ]
    finally:
        worlds.close()
