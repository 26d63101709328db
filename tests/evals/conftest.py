"""One real `nightshift eval` run shared by the report-file tests: a passing and a failing
scenario (both written to a temp folder in the EVAL_FORMAT), two runs each, with every report
option."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.helpers import NIGHTSHIFT, ROOT

DOC_FEE = ROOT / "evals" / "suites" / "demo" / "kn-doc-fee.yaml"


@dataclass(frozen=True)
class EvalRun:
    folder: Path
    result: subprocess.CompletedProcess[str]

    @property
    def html(self) -> Path:
        return self.folder / "reports" / "report.html"

    @property
    def json(self) -> Path:
        return self.folder / "reports" / "report.json"

    @property
    def junit(self) -> Path:
        return self.folder / "reports" / "junit.xml"


@pytest.fixture(scope="session")
def eval_run(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> EvalRun:
    folder = tmp_path_factory.mktemp("eval-run")
    suite = folder / "qa"
    suite.mkdir()
    data = yaml.safe_load(DOC_FEE.read_text(encoding="utf-8"))
    (suite / "kn-doc-fee.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    data.update(
        id="wrong-fee",
        title="Doc fee quoted <b>wrong</b>",
        turns=[
            {"user": "hello <script>alert(1)</script>"},
            {"user": "how much is your doc fee", "expect": {"contains": ["$99"]}},
        ],
    )
    (suite / "wrong-fee.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    reports = folder / "reports"
    result = subprocess.run(
        [
            NIGHTSHIFT,
            "eval",
            str(suite),
            "--k",
            "2",
            "--json",
            str(reports / "report.json"),
            "--junit",
            str(reports / "junit.xml"),
            "--html",
            str(reports / "report.html"),
            "--models-dir",
            str(models_dir),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ORT_DISABLE_TELEMETRY": "1"},
    )
    return EvalRun(folder, result)
