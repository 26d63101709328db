"""Opt-out in plain words: "stop texting me", "take me off your list", "unsubscribe".

Carriers' keywords (STOP, a whole message) are in `nightshift.conversation.compliance`; the
law asks that an opt-out in any reasonable words be honoured too (47 CFR 64.1200(a)(10)).
This is a small grammar, not a list of phrases: a sentence opts out when it
- tells us to stop or quit a texting verb ("stop messaging me", "quit sending these texts"),
- negates a texting verb aimed at the shopper ("don't ever text me", "do not contact me"),
- asks for no more messages ("no more texts"),
- asks to be removed or taken off a list ("remove me", "take my number off your list"),
- or is itself an opt-out word ("unsubscribe", "opt out", "leave me alone", "... STOP").
A texting verb is about messages to the shopper: "stop by", "stop paying", "text me the
price" and "don't call me, text me" are not opt-outs (calls and e-mail are other channels).
"""

from __future__ import annotations

import re

_TEXTING = r"(?:text|txt|messag|msg|contact|sms|spam|bother|bug|send)\w*"
_NOUN = r"(?:text|txt|messag|msg|sms|communication|contact)\w*"
_ME = r"(?:me|us|this\s+number|my\s+(?:number|phone|cell))"
_FILLER = r"(?:\w+\s+)?"  # one word between: "don't ever text me", "stop all these texts"
_PATTERNS = [
    # stop/quit/cease + a texting verb: "stop texting me", "quit sending me these messages"
    rf"\b(?:stop|quit|cease|end)\s+{_FILLER}{_TEXTING}(?:\s+{_ME}|\s*$|\s+(?:these|those|the|your)\s+\w+)",
    rf"\b(?:stop|quit|cease|end)\s+(?:the|these|those|your|all|all\s+the)\s+{_NOUN}",
    # negation + a texting verb aimed at the shopper: "please don't text me anymore"
    rf"\b(?:do\s+not|dont|never|no\s+longer)\s+{_FILLER}{_TEXTING}\s+{_ME}\b",
    # ... or at all again: "please don't text again", "never message anymore"
    rf"\b(?:do\s+not|dont|never)\s+{_FILLER}{_TEXTING}\s+(?:again|any\s*more)\b",
    # no more messages
    rf"\bno\s+more\s+{_NOUN}",
    rf"\b(?:do\s+not|dont|not)\s+(?:\w+\s+){{0,2}}any\s*more\s+{_NOUN}",
    # removal: "remove me", "remove this number", "take me off your list"
    rf"\b(?:remove|delete|drop|erase|lose)\s+{_ME}\b",
    rf"\b(?:take|get|put)\s+{_ME}\s+(?:off|out\s+of)(?:\s*$|\s+(?:it|there|(?:your|the|this|ur|all)\s+(?:\w+\s+)?(?:list|{_NOUN})\b))",
    r"\b(?:off|out\s+of)\s+(?:your|the|this|ur)\s+(?:\w+\s+)?list\b",
    # opt-out words
    r"\b(?:unsubscribe|unsub|opt\s*-?\s*(?:me\s+)?out|leave\s+me\s+alone)\b",
]
_GRAMMAR = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_SENTENCE_KEYWORDS = {"stop", "stop all", "stopall", "unsubscribe"}  # not "cancel": a booking


def _normal(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"\b(do|does|did|would|could|should|can|wo|is|are)n'?t\b", r"\1 not", text)
    text = text.replace("do not", "do not").replace("wo not", "will not")
    return re.sub(r"[^a-z0-9'.!?,;\s-]", " ", text)


def opts_out(text: str) -> bool:
    """Whether a message asks not to be texted any more, in whatever words."""
    normal = _normal(text)
    sentences = [
        " ".join(s.replace("please", " ").split()) for s in re.split(r"[.!?,;\n]+", normal)
    ]
    if len([s for s in sentences if s]) > 1 and any(s in _SENTENCE_KEYWORDS for s in sentences):
        return True  # "Not interested. STOP": the keyword as a sentence of its own
    return any(_GRAMMAR.search(s.replace("'", "")) for s in sentences)
