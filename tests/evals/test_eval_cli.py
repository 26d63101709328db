"""`nightshift eval`: exit 0/1/2, a line per scenario, the metrics, the closing count; an
invalid scenario file exits 2 naming the file, the key and what was expected."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from tests.helpers import NIGHTSHIFT, ROOT

SCENARIO = ROOT / "evals" / "suites" / "demo" / "kn-doc-fee.yaml"


def _eval(*args: str, models_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NIGHTSHIFT, "eval", *args, "--models-dir", str(models_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ORT_DISABLE_TELEMETRY": "1"},
    )


def _variant(tmp_path: Path, name: str, change: dict[str, object]) -> Path:
    data = yaml.safe_load(SCENARIO.read_text())
    data.update(change)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_passing_and_failing_scenarios(tmp_path: Path, models_dir: Path) -> None:
    failing = _variant(
        tmp_path,
        "wrong-fee",
        {
            "id": "wrong-fee",
            "turns": [{"user": "how much is your doc fee", "expect": {"contains": ["$99"]}}],
        },
    )
    result = _eval(str(SCENARIO), str(failing), models_dir=models_dir)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "pass  kn-doc-fee" in lines
    assert any(
        line.startswith('FAIL  wrong-fee: turn 1: contains ["$99"]: not found in reply "')
        and "$85" in line
        for line in lines
    )
    assert "task success (pass^1)  50.0%" in lines
    assert any(line.startswith("2 scenarios in ") and line.endswith(" s") for line in lines)
    assert lines[-1] == "1 passed, 1 failed"
    ok = _eval(str(SCENARIO), models_dir=models_dir)
    assert ok.returncode == 0 and ok.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_invalid_scenarios_exit_2_naming_file_and_key(tmp_path: Path, models_dir: Path) -> None:
    unknown = _variant(tmp_path, "unknown-key", {"id": "x1", "colour": "red"})
    bad_time = _variant(tmp_path, "bad-time", {"id": "x2", "now": "next friday"})
    no_date = _variant(tmp_path, "no-such-date", {"id": "x4", "now": "2026-02-30T10:00"})
    data = yaml.safe_load(SCENARIO.read_text())
    data["id"] = "x3"
    del data["turns"]
    no_turns = tmp_path / "no-turns.yaml"
    no_turns.write_text(yaml.safe_dump(data))
    result = _eval(str(tmp_path), models_dir=models_dir)
    assert result.returncode == 2
    err = result.stderr
    assert f"{unknown}: colour: unknown key; expected one of id, title, tags, now," in err
    assert f"{bad_time}: now: 'next friday': expected a local time YYYY-MM-DDTHH:MM" in err
    assert (
        f"{no_date}: now: '2026-02-30T10:00': day is out of range for month;"
        " expected a local time YYYY-MM-DDTHH:MM"
    ) in err
    assert f"{no_turns}: turns: required key is missing; expected a list of at least one" in err
    assert "Traceback" not in err


def test_unknown_engine_and_missing_path_exit_2(tmp_path: Path, models_dir: Path) -> None:
    engine = _eval(str(SCENARIO), "--engine", "gpt-9", models_dir=models_dir)
    assert engine.returncode == 2
    assert "--engine: 'gpt-9': expected offline or openai" in engine.stderr
    missing = _eval(str(tmp_path / "nowhere"), models_dir=models_dir)
    assert missing.returncode == 2
    assert f"{tmp_path / 'nowhere'}: no such file or folder" in missing.stderr
