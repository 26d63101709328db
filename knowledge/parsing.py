"""Turn markdown, plain text or HTML into sections: a heading path plus text blocks.

Contract: `parse_sections` returns sections in document order; each block is one paragraph,
list or code block of clean text (markdown syntax and HTML tags removed, whitespace
collapsed, list items one per line). Headings of level 1-4 open sections; a heading's
path is itself plus the open headings of lower level above it. `extract_title` gives the
first heading, or None. Unknown formats raise `ValueError` naming the expected ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html

FORMATS = {"markdown": "markdown", "md": "markdown", "text": "text", "txt": "text"}
FORMATS |= {"html": "html", "htm": "html"}
MAX_HEADING_LEVEL = 4


@dataclass
class Section:
    path: tuple[str, ...]
    blocks: list[str] = field(default_factory=list)


def normalise_format(fmt: str) -> str:
    """Canonical format name (markdown, text or html) for `fmt` or a file suffix."""
    canonical = FORMATS.get(fmt.lower().lstrip("."))
    if canonical is None:
        raise ValueError(f"fmt={fmt!r}: expected one of markdown, text, html")
    return canonical


def parse_sections(text: str, fmt: str) -> list[Section]:
    parsers: dict[str, Callable[[str], list[Section]]] = {
        "markdown": _parse_markdown,
        "text": _parse_text,
        "html": _parse_html,
    }
    return parsers[normalise_format(fmt)](text)


def extract_title(text: str, fmt: str) -> str | None:
    """The first heading (level 1-4; for HTML else the <title>), or None if there is none."""
    for section in parse_sections(text, fmt):
        if section.path:
            return section.path[-1]
    if normalise_format(fmt) == "html" and text.strip():
        title = _collapse(
            lxml.html.document_fromstring(_strip_xml_decl(text)).findtext(".//title") or ""
        )
        return title or None
    return None


class _Builder:
    """Collects blocks under the current heading path while a parser walks a document."""

    def __init__(self) -> None:
        self.sections: list[Section] = [Section(())]
        self._levels: list[tuple[int, str]] = []

    def heading(self, level: int, text: str) -> None:
        text = _collapse(text)
        if not text:
            return
        self._levels = [(lv, t) for lv, t in self._levels if lv < level] + [(level, text)]
        self.sections.append(Section(tuple(t for _, t in self._levels)))

    def block(self, text: str) -> None:
        if text.strip():
            self.sections[-1].blocks.append(text.strip())


def _collapse(text: str) -> str:
    return " ".join(text.split())


# --- markdown -------------------------------------------------------------------------

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(\s*\1){2,}\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images -> alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> label
    (re.compile(r"<[^>\n]+>"), ""),  # inline HTML tags
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # italics
    (re.compile(r"(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"`([^`\n]*)`"), r"\1"),  # inline code
]


def _clean_inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text


def _paragraph_text(lines: list[str]) -> str:
    """Soft-wrapped lines join with spaces; list items (and quotes) stay one per line."""
    out: list[str] = []
    for raw in lines:
        line = re.sub(r"^\s*>\s?", "", raw)
        if out and not _LIST_ITEM.match(line):
            out[-1] += " " + line.strip()
        else:
            out.append(line.strip())
    return "\n".join(_collapse(_clean_inline(line)) for line in out)


def _parse_markdown(text: str) -> list[Section]:
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].strip() == "---" and "---" in (s.strip() for s in lines[1:]):
        lines = lines[[s.strip() for s in lines].index("---", 1) + 1 :]  # front matter
    builder = _Builder()
    para: list[str] = []
    fence: str | None = None
    code: list[str] = []

    def flush() -> None:
        if para:
            builder.block(_paragraph_text(para))
            para.clear()

    for line in lines:
        if fence is not None:
            if line.strip().startswith(fence):
                builder.block("\n".join(code))
                fence, code = None, []
            else:
                code.append(line.rstrip())
            continue
        if match := _FENCE.match(line):
            flush()
            fence = match.group(1)
            continue
        if (match := _SETEXT.match(line)) and len(para) == 1 and not _LIST_ITEM.match(para[0]):
            level = 1 if match.group(1).startswith("=") else 2
            builder.heading(level, _clean_inline(para.pop()))
            continue
        if match := _ATX.match(line):
            flush()
            level, title = len(match.group(1)), _clean_inline(match.group(2) or "")
            if level <= MAX_HEADING_LEVEL:
                builder.heading(level, title)
            else:
                builder.block(title)
            continue
        if not line.strip() or _RULE.match(line):
            flush()
            continue
        para.append(line)
    flush()
    if code:
        builder.block("\n".join(code))
    return builder.sections


# --- plain text -----------------------------------------------------------------------

_TEXT_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")


def _looks_like_heading(paragraph: list[str]) -> bool:
    """One short line with no sentence punctuation at its end (a trailing colon is fine)."""
    if len(paragraph) != 1:
        return False
    line = paragraph[0].strip().rstrip(":")
    return (
        0 < len(line) <= 60 and len(line.split()) <= 8 and not line.endswith((".", "!", "?", ","))
    )


def _parse_text(text: str) -> list[Section]:
    builder = _Builder()
    paragraphs: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            paragraphs.append([])
        elif _TEXT_UNDERLINE.match(line) and len(paragraphs[-1]) == 1:
            paragraphs[-1].append(line)  # "Title\n=====": keep the pair together
        else:
            paragraphs[-1].append(line)
    paragraphs = [p for p in paragraphs if p]
    for i, para in enumerate(paragraphs):
        if len(para) == 2 and _TEXT_UNDERLINE.match(para[1]):
            builder.heading(1 if para[1].strip().startswith("=") else 2, para[0])
        elif (
            i + 1 < len(paragraphs) and not _LIST_ITEM.match(para[0]) and _looks_like_heading(para)
        ):
            builder.heading(1, para[0].strip().rstrip(":"))
        else:
            lines: list[str] = []
            for line in para:
                if lines and not _LIST_ITEM.match(line):
                    lines[-1] += " " + line.strip()
                else:
                    lines.append(line.strip())
            builder.block("\n".join(_collapse(line) for line in lines))
    return builder.sections


# --- HTML -----------------------------------------------------------------------------

_DROP = {"script", "style", "nav", "noscript", "template", "svg", "head", "iframe", "button"}
_HEADINGS = {f"h{n}": n for n in range(1, MAX_HEADING_LEVEL + 1)}
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "section",
    "article", "main", "header", "footer", "aside", "blockquote", "pre", "br", "hr", "h5",
    "h6", "form", "figure", "figcaption", "address", "body", "details", "summary",
}  # fmt: skip


def _parse_html(text: str) -> list[Section]:
    text = _strip_xml_decl(text)
    if not text.strip():
        return []
    root = lxml.html.document_fromstring(text)
    for element in list(root.iter(*_DROP)):
        if element.getparent() is not None:
            element.drop_tree()
    builder = _Builder()
    buffer: list[str] = []

    def flush() -> None:
        builder.block(_collapse("".join(buffer)))
        buffer.clear()

    for kind, value in _walk(root):
        if kind == "text":
            buffer.append(value)
        elif kind == "break":
            flush()
        else:
            flush()
            builder.heading(_HEADINGS[kind], value)
    flush()
    return builder.sections


def _strip_xml_decl(text: str) -> str:
    """lxml refuses str input that carries an XML encoding declaration."""
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)


def _walk(element: Any) -> Iterator[tuple[str, str]]:
    """Yield ("text", s), ("break", "") and (heading tag, heading text) in document order."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _HEADINGS:
        yield tag, element.text_content()
    elif tag:  # comments and processing instructions contribute only their tail
        block = tag in _BLOCKS
        if block:
            yield "break", ""
        if element.text:
            yield "text", element.text
        for child in element:
            yield from _walk(child)
        if block:
            yield "break", ""
    if element.tail:
        yield "text", element.tail
