"""Inline SVG charts for the HTML report: no script, no external file. Each chart is an
`img` with a title and a description, so a screen reader gets the numbers too."""

from __future__ import annotations

import math
from html import escape

BAR = 22  # height of one suite's bar
LABEL = 140  # width of the suite-name column
WIDTH = 560


def _svg(chart_id: str, title: str, desc: str, height: int, body: str) -> str:
    return (
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>{body}</svg>'
    )


def suite_bars(counts: dict[str, tuple[int, int]]) -> str:
    """Stacked pass/fail bars, one per suite: `counts` is suite -> (passed, failed)."""
    rows = []
    span = WIDTH - LABEL - 60
    for i, (suite, (ok, bad)) in enumerate(counts.items()):
        y = 8 + i * (BAR + 8)
        total = max(ok + bad, 1)
        w_ok, w_bad = span * ok / total, span * bad / total
        rows.append(
            f'<text x="{LABEL - 8}" y="{y + BAR - 6}" text-anchor="end">{escape(suite)}</text>'
            f'<rect class="pass" x="{LABEL}" y="{y}" width="{w_ok:.1f}" height="{BAR}"/>'
            f'<rect class="fail" x="{LABEL + w_ok:.1f}" y="{y}" width="{w_bad:.1f}" '
            f'height="{BAR}"/>'
            f'<text x="{LABEL + span + 6}" y="{y + BAR - 6}">{ok}/{ok + bad}</text>'
        )
    height = 16 + len(counts) * (BAR + 8)
    desc = "; ".join(f"{s}: {ok} passed, {bad} failed" for s, (ok, bad) in counts.items())
    return _svg("suites", "Scenarios passed and failed per suite", desc, height, "".join(rows))


def _nice(step: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least `step`."""
    power = 10.0 ** math.floor(math.log10(step))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= step)


def histogram(latencies_ms: list[float], bins: int = 10) -> str:
    """Turn latency histogram: how many turns took 0-w ms, w-2w ms, ..."""
    if not latencies_ms:
        return _svg("latency", "Turn latency", "no turns were played", 30, "")
    width = _nice(max(max(latencies_ms), 1.0) / bins)
    counts = [0] * (math.floor(max(latencies_ms) / width) + 1)
    for value in latencies_ms:
        counts[math.floor(value / width)] += 1
    top, plot_h, left = max(counts), 150, 40
    base = plot_h + 24  # the x axis; bars grow up from it, room above for their counts
    bar_w = (WIDTH - left - 10) / len(counts)
    parts = [f'<line x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" class="axis"/>']
    for i, count in enumerate(counts):
        h = plot_h * count / top
        x = left + i * bar_w
        parts.append(
            f'<rect class="bin" x="{x + 1:.1f}" y="{base - h:.1f}" '
            f'width="{bar_w - 2:.1f}" height="{h:.1f}"/>'
        )
        if count:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{base - 4 - h:.1f}" '
                f'text-anchor="middle">{count}</text>'
            )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{base + 16}" text-anchor="middle" '
            f'class="tick">{i * width:g}</text>'
        )
    parts.append(
        f'<text x="{WIDTH / 2:.0f}" y="{base + 34}" text-anchor="middle">'
        "turn latency (ms, bin start)</text>"
    )
    desc = "; ".join(
        f"{i * width:g} to {(i + 1) * width:g} ms: {c} turns" for i, c in enumerate(counts) if c
    )
    return _svg("latency", "Turn latency histogram", desc, base + 42, "".join(parts))


def depth_bars(depths: list[tuple[str, int, int]]) -> str:
    """Success by turn depth, one bar per depth: `depths` is (label, passed, runs), so a drop
    in later turns shows as shorter bars. A depth no run reached has no bar."""
    rows = []
    span = WIDTH - LABEL - 120
    for i, (label, ok, runs) in enumerate(depths):
        y = 8 + i * (BAR + 8)
        rate = ok / runs if runs else None
        note = "no runs" if rate is None else f"{rate:.1%} ({ok}/{runs})"
        rows.append(
            f'<text x="{LABEL - 8}" y="{y + BAR - 6}" text-anchor="end">turn {escape(label)}</text>'
            f'<rect class="track" x="{LABEL}" y="{y}" width="{span}" height="{BAR}"/>'
            + (
                ""
                if rate is None
                else f'<rect class="pass" x="{LABEL}" y="{y}" width="{span * rate:.1f}" '
                f'height="{BAR}"/>'
            )
            + f'<text x="{LABEL + span + 6}" y="{y + BAR - 6}">{note}</text>'
        )
    height = 16 + len(depths) * (BAR + 8)
    desc = "; ".join(
        f"turn {label}: " + (f"{ok} of {runs} runs passed" if runs else "no runs")
        for label, ok, runs in depths
    )
    return _svg("depth", "Success by turn depth", desc, height, "".join(rows))
