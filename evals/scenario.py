"""Scenario files (../shared/EVAL_FORMAT.md): parsed and validated, or rejected with the file,
the key and what was expected. Unknown keys are errors, never ignored."""

from __future__ import annotations

import re
import typing
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from crm_store.types import HANDOFF_REASONS
from nightshift.world import WorldFileError, WorldSpec
from nightshift.world.loader import validate_world
from nightshift.world.schema import Email, LocalDateTime, Phone

_DURATION = re.compile(r"^\s*(\d+)\s*(m|min|h|d)\s*$")


class ScenarioError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _strings(value: Any) -> Any:
    """One string or a list; a bare number (`contains: [10]`) is the text it reads as."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, list):
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    return value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a valid regular expression: {exc}") from None
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TurnExpect(Strict):
    contains: Annotated[list[str], BeforeValidator(_strings)] = Field(default_factory=list)
    contains_any: Annotated[list[str], BeforeValidator(_strings)] = Field(default_factory=list)
    not_contains: Annotated[list[str], BeforeValidator(_strings)] = Field(default_factory=list)
    matches: str | None = None
    handoff: bool | None = None
    silent: Literal[True] | None = None

    @field_validator("matches")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        return None if value is None else _regex(value)


class Turn(Strict):
    user: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v)]
    advance: str | None = None
    expect: TurnExpect | None = None

    @field_validator("advance")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and not _DURATION.match(str(value)):
            raise ValueError(f"{value!r}: expected a duration such as 90m, 2h or 1d")
        return value


class AppointmentExpect(Strict):
    stock: str | None = None
    year: int | None = None
    make: str | None = None
    model: str | None = None
    starts_at: LocalDateTime
    staff: str | None = None

    @model_validator(mode="after")
    def _names_a_vehicle(self) -> AppointmentExpect:
        if self.stock is None and self.year is None and self.make is None and self.model is None:
            raise ValueError("expected `stock` and/or vehicle attributes (year, make, model)")
        return self


def _handoff(value: Any) -> Any:
    if value is None or value == "none" or isinstance(value, dict):
        return value
    raise ValueError(f"{value!r}: expected none or a mapping with reason (and optional paged)")


class HandoffExpect(Strict):
    reason: Annotated[list[str], BeforeValidator(_strings), Field(min_length=1)]
    paged: str | None = None

    @field_validator("reason")
    @classmethod
    def _reasons(cls, value: list[str]) -> list[str]:
        for reason in value:
            if reason not in HANDOFF_REASONS:
                raise ValueError(f"{reason!r}: expected one of {', '.join(HANDOFF_REASONS)}")
        return value


class LeadExpect(Strict):
    name: str | None = None
    email: Email | None = None
    phone: Phone | None = None


class EndExpect(Strict):
    appointments: list[AppointmentExpect] | None = None
    handoff: Annotated[Literal["none"] | HandoffExpect | None, BeforeValidator(_handoff)] = None
    lead: LeadExpect | None = None
    opted_out: bool | None = None
    never: Annotated[list[str], BeforeValidator(_strings)] = Field(default_factory=list)
    grounded_prices: bool = True

    @field_validator("never")
    @classmethod
    def _regexes(cls, value: list[str]) -> list[str]:
        return [_regex(v) for v in value]


class Shopper(Strict):
    phone: Phone | None = None
    session: str | None = None


class Scenario(Strict):
    id: Annotated[str, Field(min_length=1)]
    title: str | None = None
    tags: list[str] = Field(default_factory=list)
    now: LocalDateTime
    channel: Literal["sms", "web"]
    shopper: Shopper
    world: dict[str, Any]
    turns: Annotated[list[Turn], Field(min_length=1)]
    expect: EndExpect = Field(default_factory=EndExpect)


class LoadedScenario(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    path: Path
    spec: Scenario
    world: WorldSpec

    @property
    def now(self) -> datetime:
        return self.spec.now


def _is_branch(part: str) -> bool:
    """A union branch tag pydantic puts in an error location, not a key of the file."""
    return part == HandoffExpect.__name__ or part.startswith(("literal[", "function-"))


def load_scenario(path: Path) -> LoadedScenario:
    """Parse and validate one scenario file; raise `ScenarioError` listing every problem."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError([f"{name}: cannot read scenario: {exc}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            [f"{name}: expected a mapping with id, now, channel, shopper, world, turns"]
        )
    problems: list[str] = []
    spec: Scenario | None = None
    try:
        spec = Scenario.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            # a union names its branch in the location (`literal['none']`, `HandoffExpect`):
            # a mapping was meant for the model branch, so the literal's complaint is noise
            branches = [p for p in error["loc"] if isinstance(p, str) and _is_branch(p)]
            if branches and error["type"] == "literal_error" and isinstance(error["input"], dict):
                continue
            key = ".".join(str(p) for p in error["loc"] if str(p) not in branches)
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                known = _known_keys(error["loc"][:-1])
                message = "unknown key" + (f"; expected one of {known}" if known else "")
            elif error["type"] == "missing":
                message = "required key is missing"
                if error["loc"] == ("turns",):
                    message += "; expected a list of at least one turn (user, expect)"
            problems.append(f"{name}: {key}: {message}")
    world: WorldSpec | None = None
    if isinstance(data.get("world"), dict):
        try:
            world = validate_world(
                data["world"], source=name, root=yaml.compose(text), prefix=("world",)
            )
        except WorldFileError as exc:
            problems += [str(p) for p in exc.problems]
    if spec is not None:
        channel_key = "phone" if spec.channel == "sms" else "session"
        if getattr(spec.shopper, channel_key) is None:
            problems.append(f"{name}: shopper.{channel_key}: required for channel {spec.channel}")
    if spec is not None and world is not None:
        problems += [f"{name}: {p}" for p in _references(spec, world)]
    if problems or spec is None or world is None:
        raise ScenarioError(problems or [f"{name}: world: required key is missing"])
    return LoadedScenario(path=path, spec=spec, world=world)


def _known_keys(loc: tuple[Any, ...]) -> str:
    """The keys allowed where an unknown one was found (for the error message)."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return ""
        model = next(
            (
                t
                for t in (field.annotation, *typing.get_args(field.annotation))
                for t in (t, *typing.get_args(t))
                if isinstance(t, type) and issubclass(t, BaseModel)
            ),
            None,
        )
        if model is None:
            return ""
    return ", ".join(getattr(model, "model_fields", {}))


def _references(spec: Scenario, world: WorldSpec) -> list[str]:
    """Stock numbers and staff handles in `expect` that the world does not have."""
    stocks = {v.stock for v in world.inventory}
    handles = {m.handle for m in world.staff}
    known = ", ".join(sorted(handles)) or "none"
    problems = []
    for i, want in enumerate(spec.expect.appointments or []):
        if want.stock is not None and want.stock not in stocks:
            problems.append(
                f"expect.appointments.{i}.stock: {want.stock!r}: expected a stock number of "
                "world.inventory"
            )
        if want.staff is not None and want.staff not in handles:
            problems.append(
                f"expect.appointments.{i}.staff: {want.staff!r}: expected a handle of "
                f"world.staff ({known})"
            )
    handoff = spec.expect.handoff
    if isinstance(handoff, HandoffExpect) and handoff.paged not in (None, "any", *handles):
        problems.append(
            f"expect.handoff.paged: {handoff.paged!r}: expected any or a handle of "
            f"world.staff ({known})"
        )
    return problems


def find_scenarios(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        elif path.exists():
            found.append(path)
        else:
            raise ScenarioError([f"{path}: no such file or folder"])
    return found


def duration_minutes(text: str) -> int:
    match = _DURATION.match(text)
    assert match is not None
    amount, unit = int(match.group(1)), match.group(2)
    return amount * {"m": 1, "min": 1, "h": 60, "d": 1440}[unit]
