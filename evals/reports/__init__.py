"""Eval reports: JSON (schema `nightshift.eval/1`, documented in evals/REPORTS.md), JUnit XML
for CI, and one self-contained HTML page. Pure functions over results and metrics."""

from evals.reports.html_report import render_html, write_html
from evals.reports.json_report import SCHEMA, to_json, write_json
from evals.reports.junit import render_junit, write_junit
from evals.reports.report import EvalReport

__all__ = [
    "SCHEMA",
    "EvalReport",
    "render_html",
    "render_junit",
    "to_json",
    "write_html",
    "write_json",
    "write_junit",
]
