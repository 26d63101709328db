"""The explainable lead score: 0 to 100, with the reasons that make it up, each in words and
points: "72: booked test drive (+30), 4 views of S6012 this week (+18), financing asked (+10)".

`score` is pure: the facts of one customer (`LeadFacts`, read from the store by
`signals.score_facts`), the clock's `now` and the `Weights`. How it counts:

- Every contribution decays with its age: points = weight x 0.5 ** (age / half-life), the
  half-life `half_life_hours` (default 72 h: most buyers buy within three days of shopping
  hard; a signal a week old is worth a fifth, one of a month almost nothing). Facts older
  than `window_days` (default 30) are not counted at all.
- A standing test drive (booked or confirmed, still ahead) does not decay: it is a
  commitment until it happens. Once its time has passed it decays from its start: a showed
  one ("came in for a test drive"), a missed one (negative points), or one nobody marked
  (still "booked test drive").
- Views of one vehicle add up ("4 views of S6012 this week"), capped per vehicle at
  `vdp_views_max`. Every other fact counts once, at its latest: financing asked twice is
  "financing asked", worth its newest mention; a calculator used three times, its last use.
- Recency: "last active 2 h ago" is worth `recency` points at once, halving every
  `recency_half_life_hours` (default 24 h), from the newest thing the customer did.
- The reasons are sorted by points (most first); the value is their sum, rounded, capped
  to 0..100. A reason that rounds to 0 points is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from signals.facts import Seen
from signals.words import ago, by_channel

Points = Annotated[int, Field(ge=-100, le=100)]
HalfLife = Annotated[int, Field(ge=1, le=24 * 365)]

# What the shopper said, as the conversation facts name them (`Said.fact`).
SAID = {
    "purchase_intent": "ready to buy",
    "financing": "financing asked",
    "trade_in": "trade-in mentioned",
    "budget": "budget given",
}
# Site events that count once, at their latest (views and price watches are per vehicle).
SITE = {
    "trade_in_calculator": "used the trade-in calculator",
    "payment_calculator": "used the payment calculator",
    "form_submission": "sent a form on the website",
    "srp_search": "searched the inventory",
}
STANDING = frozenset({"booked", "confirmed"})


class Weights(BaseModel):
    """Points of each signal when fresh (age 0), and how fast they fade. The defaults are
    the built-in ones; a dealership overrides any in the `score:` sub-block of its world
    file's `signals:` block (`signals.config.SignalsConfig.score`). Strict: a world file's
    `"40"` or `true` is an error naming the field, not a number."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    half_life_hours: HalfLife = 72
    recency_half_life_hours: HalfLife = 24
    window_days: Annotated[int, Field(ge=1, le=365)] = 30
    test_drive_booked: Points = 30
    test_drive_showed: Points = 35
    test_drive_missed: Points = -10
    purchase_intent: Points = 25
    financing: Points = 10
    trade_in: Points = 10
    budget: Points = 8
    vdp_view: Points = 6  # each view of a vehicle page ...
    vdp_views_max: Points = 24  # ... up to this much per vehicle
    price_watch: Points = 8
    asked_about: Points = 8
    trade_in_calculator: Points = 10
    payment_calculator: Points = 8
    form_submission: Points = 12
    srp_search: Points = 2
    recency: Points = 10

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.window_days)


@dataclass(frozen=True, slots=True)
class Drive:
    """One of the customer's test drives (cancelled ones are not facts); `status` is an
    appointment status: booked, confirmed, showed, no_show."""

    starts_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class Said:
    """A conversation fact (a key of `SAID`) and when it was said or known."""

    fact: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Question:
    """The customer asked about the vehicle with this stock number (`channel`: sms, web)."""

    stock: str
    channel: str
    at: datetime


@dataclass(frozen=True, slots=True)
class LeadFacts:
    """What is known of one customer. `last_activity`: their newest message, if any (the
    newest event or fact counts too)."""

    events: Sequence[Seen] = ()
    test_drives: Sequence[Drive] = ()
    said: Sequence[Said] = ()
    questions: Sequence[Question] = ()
    last_activity: datetime | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    code: str  # test_drive_booked, vdp_views, financing, recency, ... (the `Weights` names)
    words: str  # "4 views of S6012 this week"
    points: int

    def __str__(self) -> str:
        return f"{self.words} ({self.points:+d})"


@dataclass(frozen=True, slots=True)
class Score:
    value: int  # 0..100
    reasons: list[Reason] = field(default_factory=list)

    def text(self) -> str:
        """ "72: booked test drive (+30), 4 views of S6012 this week (+18)"; "0: no signals"."""
        return f"{self.value}: " + (", ".join(map(str, self.reasons)) or "no signals")


def score(facts: LeadFacts, now: datetime, weights: Weights | None = None) -> Score:
    """The customer's lead score at `now` (see the module docstring for how it counts)."""
    w = weights or Weights()
    since = now - w.window
    events = [e for e in facts.events if since <= e.at <= now]
    found: list[tuple[str, str, float]] = [
        *_test_drives(facts.test_drives, now, since, w),
        *_latest(
            ((s.fact, SAID[s.fact], s.at) for s in facts.said if s.fact in SAID), now, since, w
        ),
        *_latest(((e.type, SITE[e.type], e.at) for e in events if e.type in SITE), now, since, w),
        *_views(events, now, w),
        *_latest(
            (
                (f"price_watch:{e.stock}", f"watching the price of {e.stock}", e.at)
                for e in events
                if e.type == "price_watch" and e.stock
            ),
            now,
            since,
            w,
        ),
        *_latest(
            (
                (f"asked_about:{q.stock}", f"asked about {q.stock} {by_channel(q.channel)}", q.at)
                for q in facts.questions
            ),
            now,
            since,
            w,
        ),
        *_recency(facts, now, since, w),
    ]
    reasons = [
        Reason(code.split(":")[0], words, round(points))
        for code, words, points in found
        if round(points)
    ]
    reasons.sort(key=lambda r: (-r.points, r.code, r.words))
    return Score(max(0, min(100, sum(r.points for r in reasons))), reasons)


def fade(age: timedelta, half_life_hours: int) -> float:
    """What is left of a signal `age` old: 1 when fresh (or ahead), halving per half-life."""
    hours = max(age.total_seconds(), 0.0) / 3600
    return float(0.5 ** (hours / half_life_hours))


def _weight(w: Weights, code: str) -> int:
    value: int = getattr(w, code.split(":")[0])
    return value


def _latest(
    found: Iterable[tuple[str, str, datetime]], now: datetime, since: datetime, w: Weights
) -> list[tuple[str, str, float]]:
    """One reason per code, worth its newest occurrence inside the window."""
    newest: dict[str, tuple[str, datetime]] = {}
    for code, words, at in found:
        if since <= at <= now and (code not in newest or at > newest[code][1]):
            newest[code] = (words, at)
    return [
        (code, words, _weight(w, code) * fade(now - at, w.half_life_hours))
        for code, (words, at) in newest.items()
    ]


def _test_drives(
    drives: Iterable[Drive], now: datetime, since: datetime, w: Weights
) -> list[tuple[str, str, float]]:
    """The strongest test drive of each kind: booked, showed, missed."""
    best: dict[str, tuple[str, float]] = {}
    for drive in drives:
        if drive.starts_at < since:
            continue
        if drive.status in STANDING:
            code, words = "test_drive_booked", "booked test drive"
        elif drive.status == "showed":
            code, words = "test_drive_showed", "came in for a test drive"
        elif drive.status == "no_show":
            code, words = "test_drive_missed", "missed a test drive"
        else:
            continue
        points = _weight(w, code) * fade(now - drive.starts_at, w.half_life_hours)
        if code not in best or abs(points) > abs(best[code][1]):
            best[code] = (words, points)
    return [(code, words, points) for code, (words, points) in best.items()]


def _views(events: Sequence[Seen], now: datetime, w: Weights) -> list[tuple[str, str, float]]:
    """Views of each vehicle page, added up and capped per vehicle."""
    by_car: dict[str, list[datetime]] = {}
    for event in events:
        if event.type == "vdp_view":
            by_car.setdefault(event.stock or "a vehicle", []).append(event.at)
    found = []
    for stock, seen in by_car.items():
        points = sum(w.vdp_view * fade(now - at, w.half_life_hours) for at in seen)
        views = f"{len(seen)} view{'s' if len(seen) > 1 else ''}"
        found.append(
            (
                f"vdp_view:{stock}",
                f"{views} of {stock} {_period(now - min(seen))}",
                min(points, w.vdp_views_max),
            )
        )
    return found


def _period(oldest: timedelta) -> str:
    if oldest <= timedelta(days=1):
        return "in the last 24 h"
    if oldest <= timedelta(days=7):
        return "this week"
    return f"in the last {oldest.days + 1} days"


def _recency(
    facts: LeadFacts, now: datetime, since: datetime, w: Weights
) -> list[tuple[str, str, float]]:
    times = [
        *(e.at for e in facts.events),
        *(s.at for s in facts.said),
        *(q.at for q in facts.questions),
        *([facts.last_activity] if facts.last_activity else []),
    ]
    last = max((at for at in times if since <= at <= now), default=None)
    if last is None:
        return []
    points = w.recency * fade(now - last, w.recency_half_life_hours)
    return [("recency", f"last active {ago(last, now)}", points)]
