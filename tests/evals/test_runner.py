"""The runner against the real pipeline: each EVAL_FORMAT check reports the expectation and
the observed value, observed facts are collected per run, and a broken run is a failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import evals.runner
from contracts.messages import InboundMessage
from crm_store import dealerships, timeline
from evals.checks import Observed
from evals.results import ScenarioResult
from evals.runner import WorldCache, run_scenario
from evals.scenario import load_scenario
from nightshift.runtime import Runtime
from tests.demo import SLUG
from tests.helpers import ROOT

DEMO = ROOT / "evals" / "suites" / "demo"


@pytest.fixture(scope="module")
def worlds() -> Iterator[WorldCache]:
    cache = WorldCache()
    yield cache
    cache.close()


@pytest.fixture
def run(tmp_path: Path, worlds: WorldCache, models_dir: Path) -> Any:
    """run(base, **changes): play a variant of a bundled demo scenario once."""

    def play(base: str, **changes: Any) -> ScenarioResult:
        data = yaml.safe_load((DEMO / f"{base}.yaml").read_text(encoding="utf-8"))
        data.update(changes)
        path = tmp_path / f"{data['id']}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return run_scenario(
            load_scenario(path), engine="offline", models_dir=models_dir, worlds=worlds
        )

    return play


def test_turn_checks_name_expectation_and_observed_reply(run: Any) -> None:
    turn = {
        "user": "how much is your doc fee",
        "expect": {
            "contains": ["$85", "10:00"],
            "contains_any": ["zebra", "giraffe"],
            "not_contains": ["documentation"],
            "matches": "\\bfee of \\$9\\d\\b",
            "handoff": True,
        },
    }
    result = run("kn-doc-fee", id="all-turn-checks", turns=[turn])
    reply = result.turns[0].replies[0]
    shown = f'"{reply[:300]}..."' if len(reply) > 300 else f'"{reply}"'
    assert result.failures == [
        f'turn 1: contains ["10:00"]: not found in reply {shown}',
        f'turn 1: contains_any ["zebra", "giraffe"]: none found in reply {shown}',
        f'turn 1: not_contains ["documentation"]: found in reply {shown}',
        f'turn 1: matches "\\\\bfee of \\\\$9\\\\d\\\\b": no match in reply {shown}',
        "turn 1: handoff true: expected a handoff by this turn, observed none",
    ]
    assert [u.check for u in result.unmet] == [
        "contains",
        "contains_any",
        "not_contains",
        "matches",
        "handoff",
    ]


def test_silent_and_handoff_false_report_what_was_observed(run: Any) -> None:
    turns = [{"user": "can i talk to a real person please", "expect": {"silent": True}}]
    result = run("handoff-human", id="not-silent", turns=turns, expect={"handoff": "none"})
    assert result.failures[0].startswith('turn 1: silent: expected no reply, observed "')
    assert result.failures[1:] == ["handoff: expected none, observed human_requested"]
    turns = [{"user": "can i talk to a real person please", "expect": {"handoff": False}}]
    result = run("handoff-human", id="handoff-false", turns=turns)
    assert result.failures == [
        "turn 1: handoff false: expected no handoff, observed one (human_requested)"
    ]
    assert (result.expected_handoff, result.handoff_reasons) == (
        ["human_requested"],
        ["human_requested"],
    )


def test_end_handoff_reason_and_first_paged(run: Any) -> None:
    wrong = run("kn-doc-fee", id="no-handoff", expect={"handoff": {"reason": "negotiation"}})
    assert wrong.failures == ["handoff: expected reason negotiation, observed none"]
    either = run(
        "handoff-human",
        id="either",
        expect={"handoff": {"reason": ["negotiation", "human_requested"], "paged": "any"}},
    )
    # 21:40 on a Friday: the handoff is queued for the morning, nobody has been paged yet
    assert either.failures == ["handoff paged: expected any, observed nobody"]
    later = [
        {"user": "can i talk to a real person please"},
        {"user": "hello? anyone there", "advance": "12h"},
    ]
    paged = run("handoff-human", id="paged-morning", turns=later)
    assert paged.passed, paged.failures
    wrong_person = run(
        "handoff-human",
        id="paged-wrong",
        turns=later,
        expect={"handoff": {"reason": "human_requested", "paged": "jake"}},
    )
    assert wrong_person.failures == ["handoff paged: expected jake, observed maria"]


def test_reply_includes_what_jobs_sent_before_the_next_user_message(run: Any) -> None:
    result = run("book-reminder-confirm", id="reminder-in-reply")
    assert result.passed, result.failures
    booked, reminder = result.turns[1].replies
    assert "2:00 PM" in booked and reminder.startswith("Reminder from Harbor Point Honda")
    assert result.turns[2].advance == "16h"
    assert [str(a) for a in result.appointments] == ["U2306 2026-03-08T14:00 staff jake"]
    assert result.booking_matched


def test_end_state_appointments_lead_opt_out_never(run: Any) -> None:
    expect = {
        "appointments": [{"make": "Subaru", "model": "Outback", "starts_at": "2026-03-08T15:00"}],
        "lead": {"name": "Dana Ruiz", "email": "dana@example.com"},
        "opted_out": True,
        "never": ["Outback Premium"],
    }
    result = run("book-reminder-confirm", id="end-checks", expect=expect)
    assert result.failures[0] == (
        "appointments: expected [Subaru Outback 2026-03-08T15:00], "
        "observed [U2306 2026-03-08T14:00 staff jake]"
    )
    assert result.failures[1:4] == [
        'lead name: expected "Dana Ruiz", observed none',
        'lead email: expected "dana@example.com", observed none',
        "opted_out: expected true, observed false",
    ]
    assert result.failures[4].startswith('never "Outback Premium": matched message "')
    assert len(result.failures) == 5 and not result.booking_matched


def test_a_run_that_breaks_is_a_failed_run(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(evals.runner, "_play", boom)
    result = run("kn-doc-fee", id="broken")
    assert result.failures == ["error: RuntimeError: engine exploded"]
    assert result.error is not None and "Traceback" in result.error


def test_observed_reads_guardrail_violations_from_the_timeline(runtime: Runtime) -> None:
    sender = "+18055550142"
    runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "sms", sender, "hi", channel_message_id="violation-1")
    )
    observed = Observed(runtime.store, SLUG, "sms", sender)
    assert observed.violations() == []
    shopper = observed.customer()
    assert shopper is not None
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        timeline.add_event(
            uow,
            dealership_id=dealer.id,
            customer_id=shopper.id,
            kind="guardrail_violation",
            data={"violations": ["price $1 not in inventory", "offer"]},
        )
    assert observed.violations() == ["price $1 not in inventory", "offer"]
