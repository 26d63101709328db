"""A demo-dealership world on a fresh store, and the real runtime over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.clock import FrozenClock
from crm_store import migrate
from nightshift.runtime import Runtime, open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file
from tests.helpers import ROOT

SLUG = "harbor-point-honda"


def demo_settings(folder: Path, database_url: str | None = None) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url or f"sqlite:///{folder}/nightshift.db",
        data_dir=folder,
        engine="offline",
    )


@pytest.fixture
def runtime(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Runtime]:
    settings = demo_settings(tmp_path)
    migrate.upgrade(settings.database_url)
    with open_runtime(settings, clock=clock, models_dir=models_dir) as rt:
        apply_world(rt.store, load_world_file(ROOT / "examples" / "demo-dealership.yaml"))
        sync_world_knowledge(rt.store, rt.knowledge, SLUG)
        yield rt
