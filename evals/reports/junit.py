"""JUnit XML, the shape CI systems (GitLab, Jenkins, GitHub test reporters) read: one
<testsuite> per suite folder, one <testcase> per scenario (classname = folder), a <failure>
whose message lists the unmet checks, or an <error> when a run broke."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from evals.reports.report import EvalReport, passed, shown_run, write_text
from evals.results import ScenarioResult

# Characters XML 1.0 cannot carry at all; scenario text is user input.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _ILLEGAL.sub("\ufffd", value)


def _seconds(runs: list[ScenarioResult]) -> str:
    return f"{sum(r.seconds for r in runs):.3f}"


def render_junit(report: EvalReport) -> str:
    root = ET.Element(
        "testsuites",
        name="nightshift eval",
        tests=str(report.metrics.scenarios),
        failures="0",
        errors="0",
        time=f"{report.metrics.seconds:.3f}",
    )
    totals = {"failures": 0, "errors": 0}
    for suite, scenarios in report.suites().items():
        element = ET.SubElement(root, "testsuite", name=suite, tests=str(len(scenarios)))
        counts = {"failures": 0, "errors": 0}
        for runs in scenarios:
            kind = _testcase(element, suite, runs)
            if kind:
                counts[kind] += 1
        element.set("failures", str(counts["failures"]))
        element.set("errors", str(counts["errors"]))
        element.set("skipped", "0")
        element.set("time", f"{sum(float(_seconds(rs)) for rs in scenarios):.3f}")
        for key in totals:
            totals[key] += counts[key]
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _testcase(parent: ET.Element, suite: str, runs: list[ScenarioResult]) -> str | None:
    """Add the scenario's <testcase>; return "failures", "errors" or None (passed)."""
    first = runs[0]
    case = ET.SubElement(
        parent,
        "testcase",
        name=_text(first.id),
        classname=_text(suite),
        time=_seconds(runs),
        file=_text(first.path),
    )
    if passed(runs):
        return None
    run = shown_run(runs)
    failed = [i for i, r in enumerate(runs, start=1) if not r.passed]
    prefix = f"failed {len(failed)} of {len(runs)} runs; run {failed[0]}: " if len(runs) > 1 else ""
    message = prefix + "; ".join(run.failures)
    body = "\n".join(run.failures) + (f"\n\n{run.error}" if run.error else "")
    kind = "error" if run.error else "failure"
    ET.SubElement(case, kind, message=_text(message), type="unmet_checks").text = _text(body)
    transcript = "\n".join(
        f"shopper: {t.user}\n" + "".join(f"assistant: {reply}\n" for reply in t.replies)
        for t in run.turns
    )
    ET.SubElement(case, "system-out").text = _text(transcript)
    return "errors" if run.error else "failures"


def write_junit(report: EvalReport, path: Path) -> None:
    write_text(path, render_junit(report))
