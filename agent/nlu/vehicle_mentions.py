"""What a message names, in order, for `agent.nlu.vehicles`: the models and makes found (with
where they stand, so that "my civic" or "trade in my ..." is the shopper's own car), the body,
colour and condition words, and which tokens a mention has already taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.nlu.vehicle_words import (
    BODY_WORDS,
    COLOR_WORDS,
    CONDITION_WORDS,
    OWNER_WORDS,
    TRADE_WORDS,
    VEHICLE_NOUNS,
    singular,
)


@dataclass(frozen=True)
class Model:
    """A model name and its make ("" when unknown)."""

    name: str
    make: str


class Mentions:
    """What a message's tokens name, in order, and which tokens a mention has taken."""

    def __init__(self, words: list[str]) -> None:
        self.tokens, self.used = words, [False] * len(words)
        self.models: list[tuple[int, Model, bool]] = []
        self.makes: list[tuple[int, str]] = []
        self.conditions: list[tuple[int, str]] = []
        self.body: str | None = None
        self.color: str | None = None
        self.nouns = False

    def add_model(self, i: int, size: int, model: Model, wordlike: bool = False) -> None:
        self.used[i : i + size] = [True] * size
        self.models.append((i, model, wordlike))

    def add_make(self, i: int, size: int, make: str) -> None:
        self.used[i : i + size] = [True] * size
        self.makes.append((i, make))

    def take_words(self) -> None:
        """Take the body, colour and condition words (the first body and colour win)."""
        for i, token in enumerate(self.tokens):
            self.nouns = self.nouns or token in VEHICLE_NOUNS
            for key in [] if self.used[i] else singular(token):
                if key in BODY_WORDS and self.body is None:
                    self.body = BODY_WORDS[key]
                elif key in COLOR_WORDS and self.color is None:
                    self.color = COLOR_WORDS[key]
                elif key in CONDITION_WORDS:
                    self.conditions.append((i, key))
                else:
                    continue
                self.used[i] = True
                break

    def _owned(self, i: int) -> bool:
        """Whether the mention at `i` is the shopper's own car ("my civic", "trade in my ...")."""
        near, before = self.tokens[max(0, i - 2) : i], self.tokens[max(0, i - 4) : i]
        return any(t in OWNER_WORDS for t in near) or any(t in TRADE_WORDS for t in before)

    def model(self, context: bool, owned_too: bool = False) -> Model | None:
        """The first model not owned by the shopper; an English-word model needs `context`,
        a make, another model, or a message of one or two words."""
        backed = context or bool(self.makes) or len(self.models) > 1 or len(self.tokens) <= 2
        for i, model, wordlike in sorted(self.models, key=lambda m: m[0]):
            if (owned_too or not self._owned(i)) and (backed or not wordlike):
                return model
        return None

    def make(self) -> str | None:
        """The first make not owned by the shopper."""
        return next((m for i, m in sorted(self.makes) if not self._owned(i)), None)

    def condition(self, vehicle_word: bool) -> str | None:
        """The condition asked for: "certified" beats "used"; "new" with another means none;
        "new" needs `vehicle_word` (or "brand new"); "used to" / "I've used" are not used."""
        wanted: set[str] = set()
        for i, key in self.conditions:
            before = self.tokens[i - 1] if i else ""
            after = self.tokens[i + 1] if i + 1 < len(self.tokens) else ""
            if key == "used" and (after == "to" or before in {"i", "i've", "ive", "have", "had"}):
                continue
            if key != "new" or vehicle_word or before == "brand":
                wanted.add(CONDITION_WORDS[key])
        if "new" in wanted:
            return "new" if wanted == {"new"} else None
        return "certified" if "certified" in wanted else ("used" if wanted else None)
