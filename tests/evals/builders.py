"""Hand-built scenario results for metric and report tests (no store, no engine)."""

from __future__ import annotations

from evals.results import Appointment, ScenarioResult, TurnRecord, Unmet


def result(
    scenario_id: str,
    *,
    passed: bool = True,
    suite: str = "demo",
    expected_handoff: list[str] | None = None,
    reasons: tuple[str, ...] = (),
    books: bool | None = None,
    violations: tuple[str, ...] = (),
    latencies_ms: tuple[float, ...] = (100.0,),
    user: str = "hi",
    reply: str = "hello",
) -> ScenarioResult:
    """One run. `books`: None (no appointments expectation), True (matched), False (an
    `appointments` check failed). A failed run has an unmet check on its first turn."""
    turns = [TurnRecord(user, [reply], ms / 1000) for ms in latencies_ms]
    if not passed:
        turns[0].unmet.append(Unmet("contains", f'contains ["x"]: not found in reply "{reply}"', 1))
    end = []
    if books is False:
        end.append(
            Unmet("appointments", "appointments: expected [U1 2026-03-07T10:00], observed none")
        )
    return ScenarioResult(
        id=scenario_id,
        path=f"evals/suites/{suite}/{scenario_id}.yaml",
        turns=turns,
        end_unmet=end,
        suite=suite,
        title=f"Title of {scenario_id}",
        tags=["t"],
        seconds=sum(latencies_ms) / 1000,
        expected_handoff=expected_handoff,
        expects_appointments=books is not None,
        handoff_reasons=list(reasons),
        appointments=[Appointment("U1", "2026-03-07T10:00", "maria")] if books else [],
        violations=list(violations),
    )
