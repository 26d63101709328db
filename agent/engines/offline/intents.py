"""Intent classification for the offline engine: sharp rules first, then nearest neighbours
over the embeddings of a bundled, labelled example set (`examples.yaml`).

Rules carry the sharp cases (AI disclosure, hours, cancel, reschedule). Whether a message needs
a person (and which reason) is decided by the escalation rules in `handoff.detect`, injected
as `AgentDeps.escalation`; the handoff labels of the example set stay as a fallback.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

from agent.engines.offline import misuse

EXAMPLES = Path(__file__).with_name("examples.yaml")
K = 5
MIN_SIMILARITY = 0.42
VOTE_MARGIN = 0.1  # neighbours voting: within this of the nearest

HANDOFF_INTENTS = {
    "human_request": "human_requested",
    "negotiation": "negotiation",
    "financing_application": "financing",
    "trade_in_valuation": "trade_in",
    "complaint": "complaint",
    "purchase_intent": "purchase_intent",
}
REASON_INTENTS = {reason: intent for intent, reason in HANDOFF_INTENTS.items()}

_RULES: list[tuple[str, str]] = [
    (
        "ai_disclosure",
        r"\b(are|r) (you|u) (a |an )?(bot|robot|ai|human|real|person|machine|computer)\b"
        r"|\b(am i|is this) (talking|chatting|texting|speaking) (to|with) (a |an )?"
        r"(bot|robot|ai|human|real|person|machine|computer)"
        r"|\bis this (a |an )?(bot|robot|ai|real person|human|automated)\b",
    ),
    ("cancel", r"\b(cancel|won'?t be (able to )?(make|come)|call off)\b"),
    (
        # "r u still open?", "are you open right now": answered from the hours and the clock
        "open_now",
        r"\b(are|r) (you|u|y'?all|you guys|u guys|you all|ya) (still |currently )?open\b"
        r"(?!\s+(on|this|next|late|till|until|at|sun|mon|tue|wed|thu|fri|sat|tom|tmr|2m))"
        r"|\b(still|currently) open\b|\bopen (right )?now\b|\bopen rn\b",
    ),
    (
        "knowledge",
        r"\b(what|which) (time|hours?) (do|does|are|is) (you|u|y'?all|the \w+|service|sales)\b"
        r"|\bwhen (do|does|are|is) (you|u|y'?all|the \w+|service|sales)[\w ]{0,12}"
        r"\b(open|close)|\b(your|the|store|service|sales|showroom) hours\b|\bhours\?"
        r"|\b(where|how far) (are|r) (you|u|y'?all)\b|\blocated\b|\baddress\b|\bdirections\b"
        r"|\bwhat (do|should) i (need to )?bring\b|\b(doc|documentation|dealer|delivery) fees?\b"
        r"|\bpolicy\b|\bwarrant(y|ies)\b|\b(do|does) (you|u|anyone)[\w ]{0,20}\b(speak|deliver)"
        r"|\b(chargers?|charging)\b|\bis (service|the service department) open\b"
        r"|\b(are|r) (you|u|y'?all|you guys|u guys|you all) (still )?(open|closed)\b"
        r"|\bhow old (do|does|must|should|would|will) \w+ (have to |need to |gotta |got to )?be\b"
        r"|\bold enough\b|\b(minimum|min) age\b|\bage (limit|requirement|minimum)\b",
    ),
    (
        "reschedule",
        r"\b(reschedule|re-schedule|move (my|the|it)|push (it|my|the)|change (my|the) "
        r"(time|appointment)|can'?t make it|instead\b|another (time|day))",
    ),
]
_QUESTION = re.compile(
    r"\?|^\s*(who|what|when|where|why|how|which|do|does|did|is|are|can|could|will|would)\b",
    re.IGNORECASE,
)
# Manipulation and misuse first: "ignore your policy", "cancel dana's test drive" are not
# knowledge or cancel requests.
RULES = [*misuse.RULES, *((name, re.compile(p, re.IGNORECASE)) for name, p in _RULES)]


class EmbedderLike(Protocol):
    def embed(self, texts: Any) -> Any: ...


@dataclass(frozen=True)
class IntentGuess:
    intent: str
    confidence: float
    by: str  # "rule", "knn", or "fallback" (no example close enough)


def rule_intent(text: str) -> str | None:
    text = text.replace("’", "'")
    for name, pattern in RULES:
        if pattern.search(text):
            return name
    return None


@cache
def _examples() -> tuple[tuple[str, ...], tuple[str, ...]]:
    data: dict[str, list[str]] = yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))
    labels: list[str] = []
    texts: list[str] = []
    for label, items in data.items():
        for item in items:
            labels.append(label)
            texts.append(str(item))
    return tuple(labels), tuple(texts)


_MATRICES: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_MATRICES_LOCK = threading.Lock()


def _example_matrix(embedder: EmbedderLike) -> Any:
    """The examples' embeddings, computed once per embedder (engines are built per runtime)."""
    with _MATRICES_LOCK:
        matrix = _MATRICES.get(embedder)
        if matrix is None:
            matrix = np.asarray(embedder.embed(list(_examples()[1])), dtype=np.float32)
            _MATRICES[embedder] = matrix
        return matrix


class IntentClassifier:
    def __init__(self, embedder: EmbedderLike) -> None:
        self._embedder = embedder
        self._labels = _examples()[0]
        self._matrix = _example_matrix(embedder)

    def classify(self, text: str, vector: Any | None = None) -> IntentGuess:
        ruled = rule_intent(text)
        if ruled is not None:
            return IntentGuess(ruled, 0.95, "rule")
        if vector is None:
            vector = self._embedder.embed([text])[0]
        sims = self._matrix @ np.asarray(vector, dtype=np.float32)
        top = np.argsort(-sims)[:K]
        if float(sims[top[0]]) < MIN_SIMILARITY:
            # Nothing like it in the examples: a question is tried against the dealership's
            # knowledge (which says when it cannot answer); anything else is out of scope.
            fallback = "knowledge" if _QUESTION.search(text) else "out_of_scope"
            return IntentGuess(fallback, float(sims[top[0]]), "fallback")
        votes: dict[str, float] = {}
        for index in top:
            if float(sims[index]) < float(sims[top[0]]) - VOTE_MARGIN:
                break  # far weaker neighbours do not outvote close ones
            votes[self._labels[index]] = votes.get(self._labels[index], 0.0) + float(sims[index])
        best = max(votes, key=lambda label: votes[label])
        return IntentGuess(best, float(sims[top[0]]), "knn")
