"""One self-contained HTML page (template.html: inline CSS, a few lines of script for the
"only failed" filter, inline SVG charts): the metrics, charts, and every scenario's
transcript with each failed check next to the turn it belongs to. Every value that reaches
the page goes through `html.escape`: scenario text is user input."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from importlib.resources import files
from pathlib import Path
from string import Template

from evals.metrics import HANDOFF_HEADER, handoff_rows, summary_rows
from evals.reports.charts import depth_bars, histogram, suite_bars
from evals.reports.report import EvalReport, passed, shown_run, write_text
from evals.results import ScenarioResult, TurnRecord, Unmet


def _template() -> Template:
    return Template(files("evals.reports").joinpath("template.html").read_text(encoding="utf-8"))


def _table(
    caption: str, header: tuple[str, ...], rows: Sequence[tuple[str, ...]], *, numeric: bool = False
) -> str:
    """A table whose first column heads its row; `numeric` right-aligns the other columns."""
    num = ' class="num"' if numeric else ""
    head = "".join(
        f'<th scope="col"{"" if i == 0 else num}>{escape(h)}</th>' for i, h in enumerate(header)
    )
    body = "".join(
        f'<tr><th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td{num}>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _unmet_list(unmet: list[Unmet]) -> str:
    if not unmet:
        return ""
    items = "".join(
        f'<li class="unmet-check" data-check="{escape(u.check)}">'
        f"<strong>Failed check:</strong> {escape(u.message)}</li>"
        for u in unmet
    )
    return f'<ul class="unmet" aria-label="failed checks">{items}</ul>'


def _turn(sid: str, number: int, turn: TurnRecord) -> str:
    advance = (
        f' <span class="advance">(clock advanced {escape(turn.advance)})</span>'
        if turn.advance
        else ""
    )
    replies = (
        "".join(
            f'<p class="msg assistant"><span class="who">Assistant</span>{escape(reply)}</p>'
            for reply in turn.replies
        )
        or '<p class="msg assistant"><span class="who">Assistant</span><em>(no reply)</em></p>'
    )
    state = " has-unmet" if turn.unmet else ""
    return (
        f'<li class="turn{state}" id="{sid}-turn-{number}">'
        f'<p class="msg shopper"><span class="who">Shopper</span>{escape(turn.user)}{advance}</p>'
        f'{replies}<span class="latency">turn {number}, {turn.seconds * 1000:.0f} ms</span>'
        f"{_unmet_list(turn.unmet)}</li>"
    )


def _facts(run: ScenarioResult) -> str:
    expected = (
        "not checked"
        if run.expected_handoff is None
        else " or ".join(run.expected_handoff) or "none"
    )
    booked = ", ".join(map(str, run.appointments)) or "none"
    rows = [
        ("handoff expected", expected),
        ("handoff observed", ", ".join(run.handoff_reasons) or "none"),
        ("appointments observed", booked),
        ("guardrail violations", "; ".join(run.violations) or "none"),
    ]
    return _table("Observed in the store", ("fact", "value"), rows)


def _scenario(index: int, runs: list[ScenarioResult]) -> str:
    ok = passed(runs)
    run = shown_run(runs)
    sid = f"s{index}"
    badge = '<span class="badge pass">pass</span>' if ok else '<span class="badge fail">FAIL</span>'
    runs_note = ""
    if len(runs) > 1:
        good = sum(r.passed for r in runs)
        which = runs.index(run) + 1
        runs_note = f"{good} of {len(runs)} runs passed; showing run {which}. "
    title = f" — {escape(run.title)}" if run.title else ""
    tags = f" Tags: {escape(', '.join(run.tags))}." if run.tags else ""
    turns = "".join(_turn(sid, n, t) for n, t in enumerate(run.turns, 1))
    end = ""
    if run.end_unmet:
        end = f'<div class="end-state"><h4>End-state checks</h4>{_unmet_list(run.end_unmet)}</div>'
    error = f'<pre class="error">{escape(run.error)}</pre>' if run.error else ""
    return (
        f'<details class="scenario {"passed" if ok else "failed"}" id="{sid}"'
        f"{'' if ok else ' open'}><summary>{badge}<h3>{escape(run.id)}</h3>{title}</summary>"
        f'<p class="meta">Suite {escape(run.suite)}, {escape(run.path)}. {runs_note}'
        f"{run.seconds:.2f} s.{tags}</p>"
        f'<ol class="transcript" aria-label="transcript">{turns}</ol>{end}{error}'
        f"{_facts(run)}</details>"
    )


def render_html(report: EvalReport) -> str:
    m = report.metrics
    counts = {
        suite: (sum(passed(rs) for rs in scenarios), sum(not passed(rs) for rs in scenarios))
        for suite, scenarios in report.suites().items()
    }
    latencies = [t.seconds * 1000 for runs in report.runs for r in runs for t in r.turns]
    handoff = (
        _table(
            "Handoff precision and recall per reason",
            HANDOFF_HEADER,
            handoff_rows(m),
            numeric=True,
        )
        if m.handoff
        else "<p>No scenario declares an end-state handoff.</p>"
    )
    verdict = (
        f"{m.passed} passed, {m.scenarios - m.passed} failed; "
        f"{m.scenarios} scenarios in {m.seconds:.1f} s (engine {report.engine})."
    )
    return _template().substitute(
        title="Nightshift eval report",
        verdict=escape(verdict),
        metrics_table=_table("Summary", ("metric", "value"), summary_rows(m)),
        handoff_table=handoff,
        suite_chart=suite_bars(counts),
        latency_chart=histogram(latencies),
        depth_chart=depth_bars([(d.label, d.passed, d.runs) for d in m.depth]),
        scenarios="".join(_scenario(i, runs) for i, runs in enumerate(report.ordered(), 1)),
    )


def write_html(report: EvalReport, path: Path) -> None:
    write_text(path, render_html(report))
