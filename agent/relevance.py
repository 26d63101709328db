"""Lexical relevance: which content words of a question a text shares (by 5-letter stem).

Sentence embeddings miss some plain word matches ("located" ~ "location", "financing" ~
"Finance"); mixing in this overlap makes retrieval and answer-sentence choice sturdier.
"""

from __future__ import annotations

import re

_STOP = frozenset(
    """a about am an and any are as at be by can could do does for from get got guys have how
    i if in is it its me my of on or our please should so that the their them there they this
    to u us was we what when where which who why will with would you your y'all ya hi hey
    dealership dealer car cars vehicle vehicles""".split()  # noqa: SIM905
)


def stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 1}


def overlap(question: str, text: str) -> float:
    """Share of the question's content words found in `text` (0 when it has none)."""
    wanted = stems(question)
    return len(wanted & stems(text)) / len(wanted) if wanted else 0.0
