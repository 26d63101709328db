"""Heading-aware chunking of markdown, plain text and HTML into retrieval passages.

Contract of `chunk_document`:

- every chunk carries the document title and its heading path (``"A › B"``; ``""`` before the
  first heading); headings h1-h4 (``#`` to ``####``) open sections, deeper ones stay text;
- a document of at most `MAX_WORDS` words is exactly one chunk (heading = the common prefix
  of its sections' paths, sub-headings kept inline as lines);
- longer documents split per section into chunks of about `MIN_WORDS`-`MAX_WORDS` words at
  paragraph, then sentence boundaries; a word-level cut happens only for one sentence longer
  than `MAX_WORDS`; small neighbouring sections are merged the same way as a short document;
- chunking is deterministic; whitespace-only input gives no chunks.

Parsing lives in `knowledge.parsing`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from knowledge.parsing import Section, parse_sections

MIN_WORDS = 50
MAX_WORDS = 120
HEADING_SEPARATOR = " › "

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9$])")


@dataclass(frozen=True)
class Chunk:
    """One passage: `text` is what is shown and cited; `index` is its order in the document."""

    title: str
    heading: str
    text: str
    index: int

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class _Piece:
    path: tuple[str, ...]
    text: str
    first_of_section: bool

    @property
    def words(self) -> int:
        return len(self.text.split())


def chunk_document(text: str, *, title: str, fmt: str = "markdown") -> list[Chunk]:
    """Split `text` (in `fmt`: markdown, text or html) into chunks; see the module contract."""
    sections = [s for s in parse_sections(text, fmt) if s.blocks]
    if not sections:
        return []
    total = sum(len(block.split()) for s in sections for block in s.blocks)
    if total <= MAX_WORDS:
        groups = [[_Piece(s.path, "\n\n".join(s.blocks), True) for s in sections]]
    else:
        pieces = [piece for s in sections for piece in _split_section(s)]
        groups = _merge_small(pieces)
    return [_make_chunk(title, group, index) for index, group in enumerate(groups)]


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of `paragraph` (a conservative splitter: end mark, space, capital/digit)."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph.strip()) if s.strip()]


def _split_section(section: Section) -> list[_Piece]:
    """Balanced pieces of at most `MAX_WORDS` words, cut at paragraph/sentence ends."""
    units: list[tuple[str, bool]] = []  # (text, starts a paragraph)
    for block in section.blocks:
        if len(block.split()) <= MAX_WORDS:
            units.append((block, True))
            continue
        for i, sentence in enumerate(split_sentences(block)):
            words = sentence.split()
            for start in range(0, len(words), MAX_WORDS):
                units.append((" ".join(words[start : start + MAX_WORDS]), i == 0 and start == 0))
    total = sum(len(text.split()) for text, _ in units)
    target = total / max(1, math.ceil(total / MAX_WORDS))
    pieces: list[str] = []
    current = ""
    size = 0
    for text, new_paragraph in units:
        n = len(text.split())
        if current and (size + n > MAX_WORDS or size >= target):
            pieces.append(current)
            current, size = "", 0
        separator = "" if not current else "\n\n" if new_paragraph else " "
        current += separator + text
        size += n
    pieces.append(current)
    return [_Piece(section.path, text, i == 0) for i, text in enumerate(pieces)]


def _merge_small(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Group neighbouring pieces while the group is under `MIN_WORDS` and stays in budget."""
    groups: list[list[_Piece]] = []
    for piece in pieces:
        if groups:
            current = groups[-1]
            size = sum(p.words for p in current)
            small = size < MIN_WORDS or piece.words < MIN_WORDS
            if (
                small
                and size + piece.words <= MAX_WORDS
                and _same_section_or_sibling(current, piece)
            ):
                current.append(piece)
                continue
        groups.append([piece])
    return groups


def _same_section_or_sibling(group: list[_Piece], piece: _Piece) -> bool:
    """Merge only pieces that share at least their top-level heading (or both have none)."""
    first = group[0].path
    return first[:1] == piece.path[:1]


def _make_chunk(title: str, group: list[_Piece], index: int) -> Chunk:
    prefix = _common_prefix([p.path for p in group])
    parts: list[str] = []
    for piece in group:
        below = piece.path[len(prefix) :]
        if below and piece.first_of_section:
            parts.append(HEADING_SEPARATOR.join(below))
        parts.append(piece.text)
    text = "\n\n".join(parts)
    return Chunk(title=title, heading=HEADING_SEPARATOR.join(prefix), text=text, index=index)


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(prefix), len(path)) and prefix[n] == path[n]:
            n += 1
        prefix = prefix[:n]
    return prefix
