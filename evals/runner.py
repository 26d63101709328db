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
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import migrate
from evals.checks import Observed, check_end, check_turn
from evals.scenario import LoadedScenario, duration_minutes
from nightshift.runtime import Runtime, open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world


@dataclass
class TurnRecord:
    user: str
    replies: list[str]
    seconds: float
    failures: list[str] = field(default_factory=list)


@dataclass
class ScenarioResult:
    id: str
    path: str
    turns: list[TurnRecord]
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


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
    clock = _clock(scenario)
    with tempfile.TemporaryDirectory(prefix="nightshift-eval-") as tmp:
        folder = Path(tmp)
        slug = worlds.prepare(scenario, folder, models_dir)
        settings = _settings(folder, engine)
        with open_runtime(settings, clock=clock, models_dir=models_dir) as runtime:
            return _play(scenario, runtime, clock, slug)


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
    scenario: LoadedScenario, runtime: Runtime, clock: FrozenClock, slug: str
) -> ScenarioResult:
    spec = scenario.spec
    sender = spec.shopper.phone if spec.channel == "sms" else spec.shopper.session
    assert sender is not None
    observed = Observed(runtime.store, slug, spec.channel, sender)
    records: list[TurnRecord] = []
    failures: list[str] = []
    for index, turn in enumerate(spec.turns, start=1):
        if turn.advance:
            clock.advance(timedelta(minutes=duration_minutes(turn.advance)))
            runtime.jobs.run_due()  # what came due meanwhile: reminders, ack timeouts
        began = time.perf_counter()
        result = runtime.pipeline.handle_inbound(
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
        replies = [r.body for r in result.replies]
        record = TurnRecord(turn.user, replies, elapsed)
        if turn.expect is not None:
            record.failures = [
                f"turn {index}: {problem}" for problem in check_turn(turn.expect, replies, observed)
            ]
        failures += record.failures
        records.append(record)
    failures += check_end(spec.expect, scenario.world, observed)
    return ScenarioResult(spec.id, str(scenario.path), records, failures)
