"""`nightshift knowledge ingest|search` through typer's runner on a temp data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from knowledge.cli import app
from knowledge.embeddings import Embedder, onnx_path

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, embedder: Embedder) -> Path:
    """A data folder whose model cache links to the session's converted model."""
    data = tmp_path / "var"
    (data / "models").mkdir(parents=True)
    os.symlink(onnx_path(embedder.cache_dir), onnx_path(data / "models"))
    return data


def _docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "fees.md").write_text("# Documentation fee\n\nOur documentation fee is $85.")
    (folder / "ev.html").write_text("<h1>EV charging</h1><p>We have a 150 kW DC fast charger.</p>")
    return folder


def test_ingest_then_search(tmp_path: Path, data_dir: Path) -> None:
    folder = _docs(tmp_path)
    args = ["ingest", str(folder), "--dealership", "demo", "--data-dir", str(data_dir)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"{(folder / 'fees.md').resolve()}: 1 chunk\n" in result.output
    assert f"{(folder / 'ev.html').resolve()}: 1 chunk\n" in result.output
    assert "demo: 2 chunks in total" in result.output

    again = runner.invoke(app, args)
    assert "demo: 2 chunks in total" in again.output

    found = runner.invoke(
        app,
        [
            "search",
            "do you have fast chargers",
            "--dealership",
            "demo",
            "--data-dir",
            str(data_dir),
        ],
    )
    assert found.exit_code == 0, found.output
    first = found.output.splitlines()[0]
    assert first.startswith("1. [0.") and "EV charging" in first


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing.md", "missing.md: no such file or folder"),
        ("brochure.pdf", "brochure.pdf: unsupported file type '.pdf' (expected .md, .markdown"),
        ("empty", "empty: folder has no .md, .markdown, .txt, .html or .htm files"),
    ],
)
def test_bad_paths_exit_2_with_one_line(
    tmp_path: Path, data_dir: Path, name: str, expected: str
) -> None:
    (tmp_path / "brochure.pdf").write_bytes(b"%PDF")
    (tmp_path / "empty").mkdir()
    good = _docs(tmp_path)
    path = tmp_path / name
    result = runner.invoke(
        app, ["ingest", str(good), str(path), "--dealership", "demo", "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}{expected[len(name) :]}")
    assert "Traceback" not in result.output
    assert not (data_dir / "chroma").exists()  # nothing was written before the check


def test_bad_slug_exit_2(tmp_path: Path, data_dir: Path) -> None:
    result = runner.invoke(
        app, ["search", "fees", "--dealership", "Harbor Point", "--data-dir", str(data_dir)]
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: dealership='Harbor Point': expected a slug of lowercase letters, digits, '-' or '_'"
    )
