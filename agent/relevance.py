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
    dealership dealer car cars vehicle vehicles yall ur im pls plz take work just also
    know tell like still place tho though btw lol tbh rn yo anyway anyways quick again idk ok
    okay need til till until""".split()  # noqa: SIM905 ("at ur place": the dealership)
)


_SHORT = {
    "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "weds": "wednesday",
    "thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday",
    "sat": "saturday", "sun": "sunday", "hrs": "hours", "hr": "hour", "appt": "appointment",
    "address": "location", "located": "location", "addy": "location",
}  # fmt: skip


def _word(token: str) -> str:
    """A token spelled out ("wed" -> "wednesday", "address" -> "location") and without its
    plural "s" ("trade-ins" -> "trade in", "fees" -> "fee") or a verb ending ("trading")."""
    token = _SHORT.get(token, token)
    token = (
        token[:-1] if len(token) > 2 and token.endswith("s") and not token.endswith("ss") else token
    )
    # "trading" ~ "trade", "financed" ~ "finance": the ending of a verb form goes too
    for ending, shortest in (("ing", 6), ("ed", 5), ("e", 4)):
        if token.endswith(ending) and len(token) >= shortest:
            token = token[: -len(ending)]
            # "studded" ~ "stud", "shipping" ~ "ship": a doubled last consonant goes too
            double = len(token) > 3 and token[-1] == token[-2] and token[-1] not in "aeiouls"
            return token[:-1] if double else token
    return token


def stems(text: str) -> set[str]:
    words = (_word(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP)
    return {w[:5] for w in words if w not in _STOP and len(w) > 1}


def overlap(question: str, text: str) -> float:
    """Share of the question's content words found in `text` (0 when it has none)."""
    wanted = stems(question)
    return len(wanted & stems(text)) / len(wanted) if wanted else 0.0


def sentence_overlap(question: str, text: str) -> float:
    """The best share of the question's content words found in one sentence of `text`, when
    two or more are: "do you install block heaters" and "Engine block heaters are installed
    by appointment." (a long page's one sentence that answers, which its whole blurs)."""
    wanted = stems(question)
    if len(wanted) < 2:
        return 0.0
    best = 0.0
    for sentence in re.split(r"(?<=[.!?;:])\s+", text):
        shared = wanted & stems(sentence)
        if len(shared) >= 2:
            best = max(best, len(shared) / len(wanted))
    return best
