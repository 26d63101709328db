"""What one scenario run produced: the transcript, every unmet check, and the facts observed
in the store (handoff reasons, appointments, guardrail violations, latency).

Plain data with no imports from the rest of Nightshift, so metrics and reports are pure
functions over it (and tests can build results by hand).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Unmet:
    """One check that did not hold. `turn` is 1-based, None for an end-state check; `check`
    is the EVAL_FORMAT key (`contains`, `handoff`, `appointments`, ...) or `error` when the
    run itself broke; `message` names the expectation and the observed value."""

    check: str
    message: str
    turn: int | None = None

    def __str__(self) -> str:
        return f"turn {self.turn}: {self.message}" if self.turn is not None else self.message


@dataclass
class TurnRecord:
    user: str
    replies: list[str]
    seconds: float
    advance: str | None = None
    unmet: list[Unmet] = field(default_factory=list)


@dataclass(frozen=True)
class Appointment:
    stock: str
    starts_at: str  # dealership-local YYYY-MM-DDTHH:MM
    staff: str | None = None

    def __str__(self) -> str:
        return f"{self.stock} {self.starts_at}" + (f" staff {self.staff}" if self.staff else "")


@dataclass
class ScenarioResult:
    """One run of one scenario.

    `expected_handoff`: None when the scenario does not declare an end `handoff`, [] for
    `handoff: none`, else the acceptable reasons. `handoff_reasons`: the reasons of the
    handoffs created during the run (sorted, unique).
    """

    id: str
    path: str
    turns: list[TurnRecord]
    end_unmet: list[Unmet] = field(default_factory=list)
    suite: str = ""
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    seconds: float = 0.0
    expected_handoff: list[str] | None = None
    expects_appointments: bool = False
    handoff_reasons: list[str] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    error: str | None = None  # the traceback when the run broke
    scenario_turns: int | None = None  # turns the scenario declares; None: as many as played

    @property
    def depth(self) -> int:
        """The scenario's number of turns (a run that broke may have played fewer)."""
        return max(self.scenario_turns or 0, len(self.turns))

    @property
    def failed_at_turn(self) -> int | None:
        """The first turn d whose turns 1..d did not all pass, None when the run passed. A
        turn fails on its own unmet checks; end-state checks count at the last turn; a run
        that broke fails at the first turn it did not finish (the last turn when it broke
        after the last turn was played)."""
        failed = [i for i, t in enumerate(self.turns, start=1) if t.unmet]
        if self.error is not None:
            failed.append(min(len(self.turns) + 1, self.depth))
        if self.end_unmet:
            failed.append(self.depth)
        return min(failed, default=None)

    @property
    def unmet(self) -> list[Unmet]:
        return [u for t in self.turns for u in t.unmet] + self.end_unmet

    @property
    def failures(self) -> list[str]:
        return [str(u) for u in self.unmet]

    @property
    def passed(self) -> bool:
        return not self.unmet

    @property
    def booking_matched(self) -> bool:
        return self.expects_appointments and not any(
            u.check in ("appointments", "error") for u in self.unmet
        )


Runs = list[list[ScenarioResult]]
"""Results per scenario, in scenario order: the k runs of each."""
