"""Heading-aware chunking of markdown, HTML and plain text."""

from __future__ import annotations

import re

import pytest

from knowledge.chunking import MAX_WORDS, MIN_WORDS, chunk_document, split_sentences
from knowledge.parsing import extract_title


def _sentences(topic: str, n: int) -> str:
    return " ".join(
        f"Sentence {i} about {topic} explains one detail of the policy for shoppers."
        for i in range(n)
    )


SERVICE_MD = f"""# Service department

{_sentences("service hours", 12)}

## Loaner vehicles

{_sentences("loaner cars", 14)}

- Bring your **driver's license**
- Bring proof of [insurance](https://example.com/ins)

## Shuttle

{_sentences("the shuttle", 12)}

```
# a code comment, not a heading
```
"""


def test_markdown_sections_keep_heading_paths() -> None:
    chunks = chunk_document(SERVICE_MD, title="Service", fmt="markdown")
    headings = [c.heading for c in chunks]
    assert "Service department › Loaner vehicles" in headings
    assert "Service department › Shuttle" in headings
    assert all(c.title == "Service" for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    loaners = [c for c in chunks if c.heading.endswith("Loaner vehicles")]
    assert len(loaners) >= 2  # a long section splits, each piece keeps its heading path
    assert any(
        "- Bring your driver's license\n- Bring proof of insurance" in c.text for c in loaners
    )
    assert not any(h.endswith("a code comment, not a heading") for h in headings)
    assert "**" not in "".join(c.text for c in chunks)


def test_long_sections_split_into_sized_chunks_at_sentence_ends() -> None:
    text = "# Policies\n\n" + "\n\n".join(
        f"## Topic {t}\n\n{_sentences(f'topic {t}', 10 + 6 * t)}" for t in range(5)
    )
    chunks = chunk_document(text, title="Policies")
    assert len(chunks) >= 6
    for chunk in chunks:
        assert chunk.words <= MAX_WORDS
        assert chunk.text.rstrip().endswith("."), chunk.text[-60:]
        assert chunk.heading.startswith("Policies › Topic ")
    sizes = [c.words for c in chunks]
    assert min(sizes) >= MIN_WORDS, sizes
    joined = " ".join(c.text for c in chunks)
    assert joined.count("Sentence 0 about topic 4") == 1  # nothing duplicated or lost


def test_short_document_is_one_chunk() -> None:
    text = (
        "# Deposits\n\nA refundable $500 deposit holds a vehicle for 48 hours.\n\n"
        "## Refunds\n\nFull."
    )
    (chunk,) = chunk_document(text, title="Deposits and holds")
    assert chunk.heading == "Deposits"
    assert "Refunds" in chunk.text and "$500" in chunk.text


def test_world_knowledge_text_without_headings() -> None:
    text = "Harbor Point Honda charges a documentation fee of $85.\nTax is passed through at cost."
    (chunk,) = chunk_document(text, title="Documentation fee")
    assert chunk.title == "Documentation fee"
    assert chunk.heading == ""
    assert (
        chunk.text
        == "Harbor Point Honda charges a documentation fee of $85. Tax is passed through at cost."
    )


def test_html_headings_and_stripped_chrome() -> None:
    html = f"""<?xml version="1.0" encoding="utf-8"?>
    <html><head><title>Service | Harbor Point</title><style>p {{ color: red }}</style>
    <script>var tracking = "secret-script";</script></head>
    <body><nav><a href="/">Home</a> <a href="/cars">Inventory menu</a></nav>
    <h1>Service department</h1><p>{_sentences("service", 12)}</p>
    <h2>Loaner <em>vehicles</em></h2><p>{_sentences("loaners", 12)}</p>
    <h3>Fees</h3><div>No fee for loaners. <!-- hidden --> Fuel must be returned full.</div>
    <h2>Shuttle</h2><p>{_sentences("shuttle", 12)}</p></body></html>"""
    chunks = chunk_document(html, title="Service", fmt="html")
    text = " ".join(c.text for c in chunks)
    assert "secret-script" not in text and "color" not in text and "Inventory menu" not in text
    assert "hidden" not in text
    headings = {c.heading for c in chunks}
    assert "Service department › Loaner vehicles" in headings
    assert "Service department › Shuttle" in headings
    fees = next(c for c in chunks if "Fuel must be returned full." in c.text)
    assert fees.heading.startswith("Service department › Loaner vehicles")
    assert extract_title(html, "html") == "Service department"
    no_heading = "<html><head><title>Parts</title></head><body><p>Hi.</p></body></html>"
    assert extract_title(no_heading, "html") == "Parts"


def test_plain_text_headings() -> None:
    text = (
        "Hours:\n\nWe are open\nevery day of the week.\n\n"
        "Delivery\n========\n\nFree within 25 miles.\n- up to 100 miles\n- $1.50 per mile\n"
    )
    (chunk,) = chunk_document(text, title="FAQ", fmt="text")
    assert "Hours\n\nWe are open every day of the week." in chunk.text
    assert "Delivery\n\nFree within 25 miles.\n- up to 100 miles\n- $1.50 per mile" in chunk.text
    assert extract_title(text, "txt") == "Hours"
    long = (
        "Delivery\n\n" + _sentences("delivery", 30) + "\n\nReturns\n\n" + _sentences("returns", 30)
    )
    headings = [c.heading for c in chunk_document(long, title="FAQ", fmt="text")]
    # Each 30-sentence section splits into several chunks; none mixes the two sections.
    assert headings == sorted(headings) and set(headings) == {"Delivery", "Returns"}
    assert headings.count("Delivery") >= 2 and headings.count("Returns") >= 2


def test_deterministic_and_empty() -> None:
    assert chunk_document(SERVICE_MD, title="S") == chunk_document(SERVICE_MD, title="S")
    assert chunk_document("  \n\n ", title="Empty") == []
    assert (
        chunk_document("<html><body><script>x</script></body></html>", title="E", fmt="html") == []
    )


def test_unknown_format_is_named() -> None:
    with pytest.raises(ValueError, match=r"fmt='pdf': expected one of markdown, text, html"):
        chunk_document("x", title="t", fmt="pdf")


def test_sentence_splitter_keeps_prices_and_abbreviations_together() -> None:
    sentences = split_sentences(
        "Delivery is $1.50 per mile. A 40-mile trip costs $22.50! Ok? e.g. yes."
    )
    assert sentences == [
        "Delivery is $1.50 per mile.",
        "A 40-mile trip costs $22.50!",
        "Ok? e.g. yes.",
    ]
    assert all(re.search(r"[.!?]$", s) for s in sentences)
