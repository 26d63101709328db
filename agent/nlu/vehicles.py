"""Vehicle search filters from a shopper's text or loose tool arguments.

Pure: no I/O. `InventoryVocabulary` knows one dealership's makes, models, trims, bodies, features
and stock numbers (plus the well-known makes and models of `vehicle_words`); `parse` turns free
text into a `VehicleQuery`, `normalise` turns possibly misspelt tool arguments into one, and
`vehicle_search.search` applies it. Rules for the ambiguous cases:
- Models: exact after dropping punctuation and spaces ("f 150", "cr-v", "rav4s"), a make plus a
  number ("tesla 3"), then fuzzy (rapidfuzz ratio >= 85 for 4-5 letters, >= 80 for longer, or
  one swap of two letters) against in-stock names only, never for common English words. A model
  that is also an English word ("pilot", "passport") needs some vehicle context in the message.
  Models and makes within two words after "my"/"our", or four after "trade", are the shopper's
  own car and are ignored. The first remaining model wins and implies its make; a trim (or a
  distinctive trim word, "Sport") of that model is read only when a model is.
- Condition: "certified"/"cpo" beat "used"/"pre-owned"; "new" together with another condition
  means none; "new" counts only with some vehicle word or number ("hi what's new" is not new).
  When searching, "used" includes certified pre-owned vehicles.
- Colours: the basic colour words literally in a colour name ("Sonic Gray Pearl" is gray);
  names without one ("Modern Steel Metallic") have no basic colour. The first colour named wins.
- Money needs a bound ("under", "max", "or less", "budget", "around" = +-10%, "over", "for"):
  a lone "$25k" is not read as a budget. See `vehicle_numbers.take_numbers`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from decimal import Decimal

from rapidfuzz import fuzz, process

from agent.nlu import vehicle_words as w
from agent.nlu.vehicle_mentions import Mentions, Model
from agent.nlu.vehicle_numbers import Numbers, parse_amount, take_numbers
from agent.nlu.vehicle_words import CONCEPTS, close, compact, paint_colours, singular, tokens
from crm_store.records import VehicleRecord

_AMOUNT = re.compile(r"\$?\s*(\d[\d,]*(?:\.\d+)?)\s*(k|grand|thousand)?")


@dataclass(frozen=True)
class VehicleQuery:
    """Search filters; None (or no features) means "any". Text fields are canonical when known."""

    make: str | None = None
    model: str | None = None
    trim: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    condition: str | None = None
    body: str | None = None
    color: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    mileage_max: int | None = None
    features: tuple[str, ...] = ()
    stock: str | None = None

    def is_empty(self) -> bool:
        """True when no filter is set."""
        return self == VehicleQuery()


class InventoryVocabulary:
    """The words one inventory is described with. Build it with `from_vehicles`."""

    def __init__(self, vehicles: Sequence[VehicleRecord] = ()) -> None:
        self._models: dict[str, Model] = {}
        self._makes: dict[str, str] = {}
        self._numbered: dict[tuple[str, str], Model] = {}
        for make, names in w.CATALOGUE.items():
            self._add(make, names)
        for key, (make, name) in w.MODEL_ALIASES.items():
            self._models[key] = Model(name, make)
        for key, make in w.MAKE_ALIASES.items():
            self._makes[key] = make
        for v in vehicles:
            self._add(v.make, [v.model])
        stocked_makes, stocked_models = {v.make for v in vehicles}, {v.model for v in vehicles}
        self._fuzzy_models = {k: m for k, m in self._models.items() if m.name in stocked_models}
        self._fuzzy_makes = {k: m for k, m in self._makes.items() if m in stocked_makes}
        for pool in (self._fuzzy_models, self._fuzzy_makes):
            for key in [k for k in pool if not k.isalpha() or len(k) < 4]:
                del pool[key]
        self._trims: dict[str, list[str]] = {}
        for v in vehicles:
            if v.trim and v.trim not in self._trims.setdefault(v.model, []):
                self._trims[v.model].append(v.trim)
        self._bodies = {v.body.lower(): v.body for v in vehicles if v.body}
        self._stocks = {v.stock.lower(): v.stock for v in vehicles}
        covered = {f for v in vehicles for f in v.features if self._concept_of(f.lower())}
        self._features = {f: tokens(f) for v in vehicles for f in v.features if f not in covered}
        self._feature_names = {" ".join(seq): f for f, seq in self._features.items()}

    @classmethod
    def from_vehicles(cls, vehicles: Sequence[VehicleRecord]) -> InventoryVocabulary:
        """The vocabulary of `vehicles` (any status), plus well-known makes and models."""
        return cls(vehicles)

    def _add(self, make: str, names: Iterable[str]) -> None:
        self._makes[compact(make)] = make
        for name in names:
            model = Model(name, make)
            self._models[compact(name)] = model
            for number in (t for t in tokens(name) if t.isdigit()):
                self._numbered.setdefault((make, number), model)
            first = tokens(name)[0]
            if " " in name and first.isalpha() and len(first) >= 4 and first not in w.COMMON_WORDS:
                self._models.setdefault(first, model)
            head = name.split(" ", 1)[0]  # "F-350" of "F-350 Super Duty": the family
            if " " in name and not compact(head).isalpha() and not compact(head).isdigit():
                self._models.setdefault(compact(head), Model(head, make))
            # "super duty" (F-250 Super Duty, F-350 Super Duty), "mach e" (Mustang Mach-E),
            # "lightning" (F-150 Lightning): the family named after the first word; read only
            # when written out (never fuzzy), and not when it is a short everyday word.
            tail = name.split(" ", 1)[1] if " " in name else ""
            key = compact(tail)
            long_word = len(key) >= 6 and key not in w.COMMON_WORDS  # "lightning", not "cross"
            if key.isalpha() and len(key) >= 4 and (len(tokens(tail)) > 1 or long_word):
                self._models.setdefault(key, Model(tail, make))

    @staticmethod
    def _concept_of(text: str) -> str | None:
        return next((label for label, _, pattern in CONCEPTS if pattern.search(text)), None)

    def colors_of(self, vehicle: VehicleRecord) -> set[str]:
        """The basic colour words ("gray", "white", ...) in `vehicle`'s colour name."""
        return paint_colours(vehicle.color)

    def has_feature(self, vehicle: VehicleRecord, feature: str) -> bool:
        """Whether `vehicle` has `feature`: a concept label ("AWD", "third row", "heated seats")
        matched against its features and trim, or else a fuzzy match of any of its features."""
        label = feature.strip().lower()
        for name, _, pattern in CONCEPTS:
            if name.lower() == label:
                return any(
                    pattern.search(f.lower()) for f in (*vehicle.features, vehicle.trim or "")
                )
        wanted = " ".join(tokens(feature))
        return any(
            fuzz.token_set_ratio(wanted, " ".join(tokens(f))) >= 90 for f in vehicle.features
        )

    # -- free text ------------------------------------------------------------------------

    def parse(self, text: str) -> VehicleQuery:
        """The search filters a shopper's message asks for; an empty query when none."""
        clean = w.prepare(text)
        stock = next((self._stocks[t] for t in tokens(clean) if t in self._stocks), None)
        if stock is not None:
            clean = re.sub(rf"\b{re.escape(stock.lower())}\b", " ", clean)
        features = []
        for label, trigger, _ in CONCEPTS:
            if trigger.search(clean):
                features.append(label)
                clean = trigger.sub(" ", clean)
        numbers, clean = take_numbers(clean)
        words = tokens(clean)
        features += [f for f, seq in self._features.items() if w.contains(words, seq)]
        found = Mentions(words)
        self._exact_names(found)
        found.take_words()
        self._fuzzy_names(found)
        context = bool(features or found.body or found.color or stock or numbers != Numbers())
        model = found.model(context or any(t in w.CUE_WORDS for t in words)) or self._trimmed(found)
        make = model.make if model else found.make()
        trim = self._find_trim(model, found) if model else None
        vehicle_word = bool(context or make or trim or found.nouns)
        return VehicleQuery(
            make=make, model=model.name if model else None, trim=trim, body=self._body(found.body),
            condition=found.condition(vehicle_word), color=found.color, stock=stock,
            features=tuple(dict.fromkeys(features)), **asdict(numbers),
        )  # fmt: skip

    def parse_each(self, text: str) -> list[VehicleQuery]:
        """One query per model a message names ("a venue or a santa cruz", "the santa fe
        calligraphy and the palisade sel"); [] when it names fewer than two models."""
        parts = _BETWEEN_VEHICLES.split(text)
        queries = [q for q in (self.parse(p) for p in parts if p.strip()) if q.model]
        return queries if len({q.model for q in queries}) >= 2 else []

    def _exact_names(self, found: Mentions) -> None:
        words = found.tokens
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                window = words[i : i + size]
                if any(found.used[i : i + size]):
                    continue
                make = self._makes.get(compact(window[0]), "")
                if size == 2 and (model := self._numbered.get((make, window[1]))) is not None:
                    found.add_model(i, size, model)  # "tesla 3", "bmw 3"
                    continue
                for key in singular("".join(window).replace(".", "").replace("'", "")):
                    model = self._models.get(key)
                    if model and (size == 1 or w.joinable(window, model.name)):
                        found.add_model(i, size, model, wordlike=key in w.WORDLIKE_MODELS)
                        break
                    if key in self._makes and w.joinable(window, self._makes[key]):
                        found.add_make(i, size, self._makes[key])
                        break

    def _fuzzy_names(self, found: Mentions) -> None:
        words, common = found.tokens, w.COMMON_WORDS
        for i in range(len(words) - 1):
            pair = words[i : i + 2]
            skip = (
                any(found.used[i : i + 2])
                or all(t in common for t in pair)
                or any(t in w.FUNCTION_WORDS for t in pair)  # "for the" is no Forte
            )
            if skip or not "".join(pair).isalpha():
                continue
            if (key := close("".join(pair), self._fuzzy_models, cutoff=88)) is not None:
                found.add_model(i, 2, self._fuzzy_models[key])
        for i, token in enumerate(words):
            if found.used[i] or len(token) < 4 or not token.isalpha() or token in common:
                continue
            for key in singular(token):
                if (hit := close(key, self._fuzzy_models)) is not None:
                    found.add_model(i, 1, self._fuzzy_models[hit])
                    break
                if (hit := close(key, self._fuzzy_makes)) is not None:
                    found.add_make(i, 1, self._fuzzy_makes[hit])
                    break

    def _trimmed(self, found: Mentions) -> Model | None:
        """An English-word model said with one of its trims ("the outback premium", "the
        prologue EX"): the trim is the vehicle context it needs."""
        for _, model, _ in sorted(found.models, key=lambda m: m[0]):
            if self._find_trim(model, found) and found.model(True) is model:
                return model
        return None

    def _trim_names(self, model: Model | None) -> dict[str, str]:
        """Compact spelling -> trim, for `model`'s trims and their distinctive words."""
        trims = self._trims.get(model.name, []) if model else []
        names = {compact(p): p for t in trims for p in t.split() if compact(p) not in w.TRIM_SKIP}
        return names | {compact(t): t for t in trims}

    def _find_trim(self, model: Model, found: Mentions) -> str | None:
        """The longest trim (or distinctive trim word) of `model` written in the message."""
        names, words = self._trim_names(model), found.tokens
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                key = compact(" ".join(words[i : i + size]))
                if not any(found.used[i : i + size]) and key in names:
                    return names[key]
        return None

    def _body(self, body: str | None) -> str | None:
        return self._bodies.get(body, body) if body else None

    # -- tool arguments ---------------------------------------------------------------------

    def normalise(self, **given: object) -> VehicleQuery:
        """A canonical query from tool arguments named like `VehicleQuery`'s fields.

        Text values are matched leniently (typos, shorthand, synonyms, "Honda Civic" as a model)
        and kept as given when nothing matches; None and "" mean unset. Numbers may be ints or
        strings such as "25k" or "$25,000". A model implies its make when no make is given.
        Raises TypeError for an unknown argument and ValueError for a number that is not one.
        """
        names = {f.name for f in fields(VehicleQuery)}
        if unknown := sorted(set(given) - names):
            raise TypeError(f"unknown search fields: {', '.join(unknown)}")
        raw = {k: v for k, v in given.items() if v is not None and v != ""}
        text = {k: str(v).strip() for k, v in raw.items() if k != "features"}
        make = self._norm_make(text["make"]) if "make" in text else None
        model, trim = self._norm_model(text["model"], make) if "model" in text else (None, None)
        if model is not None and model.make != "" and make is None:
            make = model.make
        if "trim" in text:
            trim = self._norm_trim(text["trim"], model)
        values: dict[str, object] = {
            "make": make, "model": model.name if model else None, "trim": trim,
            "features": tuple(self._norm_feature(f) for f in _listed(raw.get("features", ()))),
        }  # fmt: skip
        for key, value in text.items():
            if key in ("condition", "body", "color"):
                values[key] = self._norm_word(key, value)
            elif key == "stock":
                values[key] = self._stocks.get(value.lower(), value)
            elif key not in values:
                values[key] = _number(key, raw[key])
        return VehicleQuery(**values)  # type: ignore[arg-type]

    def _norm_make(self, value: str) -> str:
        key = compact(value)
        hit = key if key in self._makes else close(key, self._makes, cutoff=80)
        return self._makes[hit] if hit else value

    def _norm_model(self, value: str, make: str | None) -> tuple[Model | None, str | None]:
        found = Mentions(tokens(value))
        self._exact_names(found)
        self._fuzzy_names(found)
        model = found.model(True, owned_too=True)
        if model is None:
            pool = {k: m for k, m in self._models.items() if make in (None, m.make)}
            hit = close(compact(value), pool or self._models, cutoff=80)
            model = (pool or self._models)[hit] if hit else Model(value, "")
        return model, self._find_trim(model, found)

    def _norm_trim(self, value: str, model: Model | None) -> str:
        names = self._trim_names(model)
        hit = close(compact(value), names, cutoff=85)
        return names[hit] if hit else value

    def _norm_word(self, kind: str, value: str) -> str:
        clean = w.prepare(value)
        table = {"condition": w.CONDITION_WORDS, "body": w.BODY_WORDS, "color": w.COLOR_WORDS}[kind]
        words = [k for t in tokens(clean) for k in singular(t) if k in table]
        if kind == "condition" and {"certified", "cpo"} & set(words):
            return "certified"
        hit = words[0] if words else close(compact(clean), table, cutoff=80)
        if hit is None:
            return value
        return self._body(table[hit]) or value if kind == "body" else table[hit]

    def _norm_feature(self, value: str) -> str:
        if label := next((n for n, t, _ in CONCEPTS if t.search(value.lower())), None):
            return label
        names, wanted = self._feature_names, " ".join(tokens(value))
        best = process.extractOne(wanted, list(names), scorer=fuzz.token_set_ratio, score_cutoff=85)
        return names[best[0]] if best else value.strip()


_BETWEEN_VEHICLES = re.compile(
    r"\s*(?:\bor\b|\band\b|\bvs\.?|\bversus\b|,|/|&|\bplus\b)\s*", re.IGNORECASE
)


def _listed(value: object) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, Iterable):
        raise ValueError(f"features must be a list of strings, not {value!r}")
    return [s for s in (str(item).strip() for item in items) if s]


def _number(key: str, value: object) -> int:
    """An int from a tool argument: 25000, 25000.0, "25k", "$25,000"."""
    if isinstance(value, bool):
        raise ValueError(f"{key} must be a number, not {value!r}")
    if isinstance(value, int | float | Decimal):
        return round(value)
    m = _AMOUNT.fullmatch(str(value).strip().lower())
    if m is None:
        raise ValueError(f"{key} must be a number, not {value!r}")
    return parse_amount(m[1], bool(m[2]))
