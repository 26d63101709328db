"""GSM-7 text fitting for SMS.

One character outside the GSM-7 alphabet (a curly quote pasted from a word processor, an em
dash the model likes) turns the whole text into UCS-2, where a segment holds 70 characters
instead of 160 and the shopper's carrier bill and our Twilio bill both grow. `normalise`
replaces the usual typographic characters with their GSM-7 equivalents, `segments` counts
what Twilio will bill, and `fit` shortens a text at a sentence or word boundary so that a
reply never exceeds `max_segments` parts.
"""

from __future__ import annotations

import re

# The GSM 03.38 basic alphabet (the escape character 0x1B is not a printable member).
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (escape + character).
EXTENSION = frozenset("^{}\\[~]|€\f")

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_REPLACEMENTS = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "`": "'",
    "´": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "«": '"',
    "»": '"',
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "‣": "-",
    "◦": "-",
    "·": "-",
    "⁃": "-",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u3000": " ",
    "\t": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}
_TABLE = str.maketrans(_REPLACEMENTS)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def normalise(text: str) -> str:
    """Replace typographic characters with GSM-7 ones; other characters are kept as they are
    (an emoji or a Chinese name stays, and the text is then sent as UCS-2)."""
    return text.translate(_TABLE).replace("\r\n", "\n")


def is_gsm(text: str) -> bool:
    return all(ch in BASIC or ch in EXTENSION for ch in text)


def _units(text: str) -> tuple[list[int], int, int]:
    """Each character's cost in the text's encoding, plus that encoding's single/part sizes."""
    if is_gsm(text):
        return [2 if ch in EXTENSION else 1 for ch in text], GSM_SINGLE, GSM_PART
    # UCS-2 as Twilio sends it (UTF-16): characters outside the BMP take two code units.
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text], UCS2_SINGLE, UCS2_PART


def segments(text: str) -> int:
    """How many SMS segments `text` takes, exactly as sent (no normalisation here).

    GSM-7: up to 160 septets in one segment, else 153 per part; extension characters cost two
    septets and are never split across parts. UCS-2: 70 code units, else 67 per part, and a
    surrogate pair is never split. The empty text is 0 segments.
    """
    costs, single, part = _units(text)
    total = sum(costs)
    if total == 0:
        return 0
    if total <= single:
        return 1
    count, used = 1, 0
    for cost in costs:
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count


def fit(text: str, max_segments: int = 3) -> str:
    """Normalise `text` and, if it still needs more than `max_segments` segments, shorten it.

    The cut falls at the last sentence end that keeps at least half of what fits; failing that,
    at the last word boundary followed by "..."; a text with no spaces at all is cut hard.
    """
    if max_segments < 1:
        raise ValueError(f"max_segments: {max_segments!r} is not valid; expected 1 or more")
    text = normalise(text).strip()
    if segments(text) <= max_segments:
        return text
    prefix = _longest_fitting_prefix(text, max_segments)
    lookahead = text[: len(prefix) + 1]  # a "." only ends a sentence if whitespace follows
    ends = [m.end() for m in _SENTENCE_END.finditer(lookahead) if m.end() <= len(prefix)]
    good = [end for end in ends if end >= len(prefix) // 2]
    if good:
        return prefix[: good[-1]].rstrip()
    cut = prefix
    while True:
        space = cut.rfind(" ")
        shortened = (cut[:space] if space > 0 else cut[:-3]).rstrip(" ,;:-") + "..."
        if segments(shortened) <= max_segments:
            return shortened
        cut = cut[:space] if space > 0 else cut[:-1]


def _longest_fitting_prefix(text: str, max_segments: int) -> str:
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits, by bisection (segments is monotone)
        mid = (low + high + 1) // 2
        if segments(text[:mid]) <= max_segments:
            low = mid
        else:
            high = mid - 1
    return text[:low]
