"""Finding and reading document files for ingestion (.md, .markdown, .txt, .html, .htm).

Contract: `iter_documents` raises `IngestError` (a `ValueError`) with a one-line message
naming the path and what was expected; `read_document` gives a `Document` whose source is
the resolved file path and whose title is the first heading, or else the file stem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge.parsing import extract_title, normalise_format

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")


class IngestError(ValueError):
    """A path the user asked to ingest is missing or not a supported document."""


@dataclass(frozen=True)
class Document:
    """One source document: `source` is its stable id (file path, or ``"world:<title>"``)."""

    source: str
    title: str
    text: str
    fmt: str = "markdown"


def iter_documents(path: Path) -> list[Path]:
    """Supported files at `path` (a file, or a folder searched recursively), resolved.

    Hidden files and folders (a name starting with ".") inside a folder are skipped; the
    result is sorted. A folder without supported files gives an empty list.
    """
    path = Path(path)
    expected = ", ".join(SUFFIXES)
    if not path.exists():
        raise IngestError(
            f"{path}: no such file or folder (expected a file or folder of {expected})"
        )
    if path.is_file():
        if path.suffix.lower() not in SUFFIXES:
            raise IngestError(
                f"{path}: unsupported file type {path.suffix!r} (expected {expected})"
            )
        return [path.resolve()]
    return sorted(
        p.resolve()
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )


def read_document(file: Path) -> Document:
    """Read `file` as UTF-8 (undecodable bytes replaced) into a `Document`."""
    fmt = normalise_format(file.suffix)
    text = file.read_text(encoding="utf-8", errors="replace")
    title = extract_title(text, fmt) or file.stem
    return Document(source=str(file), title=title, text=text, fmt=fmt)
