"""`nightshift transcript`: a conversation as managers and QA read it."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from crm_store import migrate
from tests.helpers import NIGHTSHIFT, ROOT


def test_transcript_by_phone_text_and_json(tmp_path: Path, models_dir: Path) -> None:
    url = f"sqlite:///{tmp_path}/nightshift.db"
    migrate.upgrade(url)
    env = {**os.environ, "DATABASE_URL": url, "NIGHTSHIFT_DATA_DIR": str(tmp_path)}
    (tmp_path / "models").symlink_to(models_dir, target_is_directory=True)

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [NIGHTSHIFT, *args], input=stdin, env=env, capture_output=True, text=True, timeout=180
        )

    assert run("load-world", str(ROOT / "examples" / "demo-dealership.yaml")).returncode == 0
    chat = run("chat", "--phone", "(805) 555-0133", stdin="how much is your doc fee\n")
    assert chat.returncode == 0 and "$85" in chat.stdout

    text = run("transcript", "805-555-0133")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert "Harbor Point Honda, sms, mode bot" in lines[0]
    assert " <- shopper: how much is your doc fee" in lines[1]
    assert " -> assistant: " in lines[2] and "$85" in lines[2]
    assert re.search(r"\[queued, [1-3] seg\]$", lines[2])

    as_json = run("transcript", "+18055550133", "--json")
    [conversation] = json.loads(as_json.stdout)
    assert [line["author"] for line in conversation["lines"]] == ["shopper", "assistant"]
    assert conversation["lines"][1]["delivery"] == "queued"
    assert conversation["lines"][1]["segments"] >= 1
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", conversation["lines"][0]["at"])

    missing = run("transcript", "+15550000000")
    assert missing.returncode == 2 and "no conversation" in missing.stderr
