"""How a dealership tunes its intent rules: the optional `signals:` block of the world file.

    signals:
      dedupe_hours: 24          # one alert per customer + vehicle + rule in this many hours
      max_event_age_hours: 24   # an event older than this when it arrives is history: no alert
      repeat_views: {count: 4, within_hours: 48}
      price_drop: {lookback_days: 30, min_drop: 0}
      trade_in_finished: {}
      return_visit: {quiet_hours: 48, within_days: 14}
      service_equity: {}
      score: {test_drive_booked: 40, half_life_hours: 48}   # the lead score's weights
      lifecycle: {equity_min_dollars: 2000, lease_end_months: 6}   # equity and lifecycle flags
      outreach: {window_start: "09:00", cap_days: 14}   # proactive texts

Every key is optional (an absent block, rule or key takes the default shown). Each rule
also takes `enabled` (default true) and `urgent` (default false: the alert is routed like an
ordinary handoff; urgent ones page the on-call manager after hours); `repeat_views: off` is
short for `{enabled: false}`. What each rule means is in `signals.rules`. `score:` sets the
points and half-lives of the lead score (`signals.score.Weights`: its fields and defaults).
`lifecycle:` sets the thresholds of the equity and lifecycle flags and which of them alert
on a service visit (`signals.lifecycle_config.LifecycleConfig`). `outreach:` sets the send
window (never wider than 08:00-21:00 in the recipient's time), the per-customer cap, the
throttle per sending number and the audiences' lookback (`signals.outreach_config`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, model_validator

from signals.lifecycle_config import LifecycleConfig
from signals.outreach_config import OutreachConfig
from signals.score import Weights

RULES = ("repeat_views", "price_drop", "trade_in_finished", "return_visit", "service_equity")


def _whole(low: int, high: int, unit: str = "") -> Callable[[Any], int]:
    what = f"a whole number of {unit}" if unit else "an integer"

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{value!r}: expected {what} from {low} to {high}")
        return value

    return check


def _toggle(value: Any) -> Any:
    # `repeat_views: off` (YAML reads it as false) disables the rule, `on` keeps its defaults.
    if isinstance(value, bool):
        return {"enabled": value}
    if value is None:
        return {}
    if not isinstance(value, dict | RuleConfig):
        raise ValueError(f"{value!r}: expected on, off or a mapping of the rule's settings")
    return value


def _mapping(model: type[BaseModel], example: str) -> Callable[[Any], Any]:
    # an empty sub-block (YAML null) means the built-in settings
    def check(value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict | model):
            raise ValueError(f"{value!r}: expected {example}")
        return value

    return check


Count = Annotated[int, BeforeValidator(_whole(2, 50))]
Hours = Annotated[int, BeforeValidator(_whole(1, 720, "hours"))]
Days = Annotated[int, BeforeValidator(_whole(1, 365, "days"))]
Dollars = Annotated[int, BeforeValidator(_whole(0, 100_000, "dollars"))]


class RuleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: StrictBool = True
    urgent: StrictBool = False


class RepeatViews(RuleConfig):
    """The `count`-th view of one vehicle within `within_hours`."""

    count: Count = 4
    within_hours: Hours = 48

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.within_hours)


class PriceDrop(RuleConfig):
    """A drop of at least `min_drop` dollars (0: any drop) on a vehicle the customer viewed,
    watched or asked about in the last `lookback_days`."""

    min_drop: Dollars = 0
    lookback_days: Days = 30

    @property
    def lookback(self) -> timedelta:
        return timedelta(days=self.lookback_days)


class TradeInFinished(RuleConfig):
    """A `trade_in_calculator` event that says it finished (see `signals.rules`)."""


class ReturnVisit(RuleConfig):
    """Back on the site within `within_days` after a conversation went quiet (no message
    for `quiet_hours`)."""

    quiet_hours: Hours = 48
    within_days: Days = 14

    @property
    def quiet(self) -> timedelta:
        return timedelta(hours=self.quiet_hours)

    @property
    def within(self) -> timedelta:
        return timedelta(days=self.within_days)


class ServiceEquity(RuleConfig):
    """A `service_visit` by a customer whose equity flag is set."""


class SignalsConfig(BaseModel):
    """The intent rules of one dealership (the defaults are the built-in ones)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dedupe_hours: Hours = 24
    max_event_age_hours: Hours = 24
    repeat_views: Annotated[RepeatViews, BeforeValidator(_toggle)] = Field(
        default_factory=RepeatViews
    )
    price_drop: Annotated[PriceDrop, BeforeValidator(_toggle)] = Field(default_factory=PriceDrop)
    trade_in_finished: Annotated[TradeInFinished, BeforeValidator(_toggle)] = Field(
        default_factory=TradeInFinished
    )
    return_visit: Annotated[ReturnVisit, BeforeValidator(_toggle)] = Field(
        default_factory=ReturnVisit
    )
    service_equity: Annotated[ServiceEquity, BeforeValidator(_toggle)] = Field(
        default_factory=ServiceEquity
    )
    score: Annotated[
        Weights,
        BeforeValidator(_mapping(Weights, "a mapping of weights, e.g. test_drive_booked: 40")),
    ] = Field(default_factory=Weights)
    lifecycle: Annotated[
        LifecycleConfig,
        BeforeValidator(
            _mapping(LifecycleConfig, "a mapping of the flags' settings, e.g. lease_end_months: 6")
        ),
    ] = Field(default_factory=LifecycleConfig)
    outreach: Annotated[
        OutreachConfig,
        BeforeValidator(
            _mapping(OutreachConfig, "a mapping of outreach settings, e.g. cap_days: 14")
        ),
    ] = Field(default_factory=OutreachConfig)

    @model_validator(mode="before")
    @classmethod
    def _block(cls, value: Any) -> Any:
        # an empty `signals:` block (YAML null) means the defaults
        if value is None:
            return {}
        if not isinstance(value, dict | SignalsConfig):
            raise ValueError(
                f"{value!r}: expected a mapping of the rules' settings,"
                " e.g. repeat_views: {count: 4}"
            )
        return value

    @property
    def dedupe_window(self) -> timedelta:
        return timedelta(hours=self.dedupe_hours)

    @property
    def max_event_age(self) -> timedelta:
        return timedelta(hours=self.max_event_age_hours)

    @property
    def lookback(self) -> timedelta:
        """How far back a customer's events must reach for `signals.rules.evaluate` to see
        all it needs: the repeat-view window, and the return-visit quiet time plus its days."""
        back = self.return_visit.quiet + self.return_visit.within
        return max(self.repeat_views.window, back)
