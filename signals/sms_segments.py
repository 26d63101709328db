"""How many SMS segments a text takes, which is what a sending number's rate counts (a US
long code: about one segment a second), per GSM 03.38 as carriers and Twilio count them:

- every character in the GSM-7 basic set: up to 160 in one segment, else 153 per segment
  (the rest of each is the concatenation header); a character of the extension table
  (`^ { } \\ [ ] ~ | €` and form feed) takes two;
- any other character (an emoji, a curly quote, most accented letters): the text goes as
  UCS-2, up to 70 characters in one segment, else 67 per segment (a character outside the
  Basic Multilingual Plane, such as most emoji, counts as two).
"""

from __future__ import annotations

import math

_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENDED = "^{}\\[]~|€\f"
GSM_BASIC = frozenset(_BASIC)
GSM_EXTENDED = frozenset(_EXTENDED)


def segments(text: str) -> int:
    """The number of segments `text` is sent in (at least 1)."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        units = sum(2 if c in GSM_EXTENDED else 1 for c in text)
        single, part = 160, 153
    else:
        units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
        single, part = 70, 67
    return 1 if units <= single else math.ceil(units / part)
