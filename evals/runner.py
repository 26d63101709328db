"""Play a scenario through the real pipeline in an isolated world and judge the store.

Each scenario gets its own SQLite database and Chroma folder in a temp dir, a frozen clock at
its `now`, and the same runtime a shopper's message reaches (pipeline -> graph -> tools ->
guardrail -> outbox).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import migrate
from evals.checks import Observed, check_end, check_turn
from evals.results import ScenarioResult, TurnRecord, Unmet
from evals.scenario import LoadedScenario, TurnExpect, duration_minutes
from nightshift.runtime import Runtime, open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world


class WorldCache:
    """Built worlds (migrated database + knowledge index), copied for each scenario run.

    Building a world means migrating, loading and embedding its knowledge; scenarios over the
    same world at the same `now` start from a copy of one build instead.
    """

    def __init__(self) -> None:
        self._root = Path(tempfile.mkdtemp(prefix="nightshift-worlds-"))
        self._built: dict[str, tuple[Path, str]] = {}

    def prepare(self, scenario: LoadedScenario, target: Path, models_dir: Path) -> str:
        key = hashlib.sha256(
            (scenario.world.model_dump_json() + scenario.spec.now.isoformat()).encode()
        ).hexdigest()[:16]
        if key not in self._built:
            self._built[key] = (
                self._root / key,
                self._build(scenario, self._root / key, models_dir),
            )
        source, slug = self._built[key]
        shutil.copytree(source, target, dirs_exist_ok=True)
        return slug

    def _build(self, scenario: LoadedScenario, folder: Path, models_dir: Path) -> str:
        settings = _settings(folder, "offline")
        migrate.upgrade(settings.database_url)
        with open_runtime(settings, clock=_clock(scenario), models_dir=models_dir) as runtime:
            summary = apply_world(runtime.store, scenario.world)
            sync_world_knowledge(runtime.store, runtime.knowledge, summary.dealership.slug)
        return summary.dealership.slug

    def close(self) -> None:
        shutil.rmtree(self._root, ignore_errors=True)


def run_scenario(
    scenario: LoadedScenario, *, engine: str, models_dir: Path, worlds: WorldCache
) -> ScenarioResult:
    """One run of `scenario` in a fresh copy of its world. A run that breaks (an exception
    anywhere) is a failed run with an `error` check and the traceback, not a crash."""
    spec = scenario.spec
    handoff = spec.expect.handoff
    result = ScenarioResult(
        id=spec.id,
        path=str(scenario.path),
        turns=[],
        suite=scenario.path.parent.name,
        title=spec.title,
        tags=list(spec.tags),
        expected_handoff=(
            None if handoff is None else [] if handoff == "none" else list(handoff.reason)
        ),
        expects_appointments=spec.expect.appointments is not None,
        scenario_turns=len(spec.turns),
    )
    began = time.perf_counter()
    try:
        clock = _clock(scenario)
        with tempfile.TemporaryDirectory(prefix="nightshift-eval-") as tmp:
            folder = Path(tmp)
            slug = worlds.prepare(scenario, folder, models_dir)
            settings = _settings(folder, engine)
            with open_runtime(settings, clock=clock, models_dir=models_dir) as runtime:
                _play(scenario, runtime, clock, slug, result)
    except Exception as exc:  # the scenario fails; the others still run
        result.error = traceback.format_exc()
        result.end_unmet.append(Unmet("error", f"error: {type(exc).__name__}: {exc}"))
    result.seconds = time.perf_counter() - began
    return result


def _settings(folder: Path, engine: str) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{folder}/world.db",
        data_dir=folder,
        engine=engine,
    )


def _clock(scenario: LoadedScenario) -> FrozenClock:
    zone = ZoneInfo(scenario.world.dealership.timezone)
    return FrozenClock(scenario.spec.now.replace(tzinfo=zone))


def _play(
    scenario: LoadedScenario,
    runtime: Runtime,
    clock: FrozenClock,
    slug: str,
    result: ScenarioResult,
) -> None:
    """Play the turns, then judge the store. A turn's reply is every message the assistant
    sent after its user message, up to the next one (so including what jobs sent while the
    next turn's `advance` moved the clock); its checks run once that reply is complete."""
    spec = scenario.spec
    sender = spec.shopper.phone if spec.channel == "sms" else spec.shopper.session
    assert sender is not None
    observed = Observed(runtime.store, slug, spec.channel, sender)
    zone = ZoneInfo(scenario.world.dealership.timezone)
    existing = observed.appointment_snapshot()  # to list those created or changed
    pending: _Pending | None = None
    for index, turn in enumerate(spec.turns, start=1):
        if turn.advance:
            clock.advance(timedelta(minutes=duration_minutes(turn.advance)))
            runtime.jobs.run_due()  # what came due meanwhile: reminders, ack timeouts
        if pending is not None:
            pending.finish(observed)
        began = time.perf_counter()
        turn_result = runtime.pipeline.handle_inbound(
            InboundMessage(
                dealership=slug,
                channel=spec.channel,
                sender=sender,
                body=turn.user,
                channel_message_id=f"eval-{spec.id}-{index}",
            )
        )
        elapsed = time.perf_counter() - began
        runtime.jobs.run_due()  # what the turn set in motion (a booking's invite, reminders)
        found = observed.handoffs()
        record = TurnRecord(turn.user, [], elapsed, turn.advance)
        result.turns.append(record)
        pending = _Pending(
            record,
            index,
            turn.expect,
            turn_result.inbound_message_id,
            sorted({r for h in found for r in h.reasons}) if found else None,
        )
    assert pending is not None  # a scenario has at least one turn
    pending.finish(observed)
    result.handoff_reasons = sorted({r for h in observed.handoffs() for r in h.reasons})
    result.appointments = observed.appointments_since(existing, zone)
    result.violations = observed.violations()
    result.end_unmet += check_end(
        spec.expect,
        scenario.world,
        observed,
        booked=result.appointments,
        said=observed.assistant_messages(),
    )


@dataclass
class _Pending:
    """A played turn whose reply may still grow (until the next user message)."""

    record: TurnRecord
    index: int
    expect: TurnExpect | None
    message_id: int
    handoff_reasons: list[str] | None

    def finish(self, observed: Observed) -> None:
        self.record.replies = observed.assistant_messages(after_id=self.message_id)
        if self.expect is not None:
            self.record.unmet = check_turn(
                self.expect, self.record.replies, self.handoff_reasons, self.index
            )
