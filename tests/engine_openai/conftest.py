"""Fixtures: the fake OpenAI endpoint, and the demo world opened with the `openai` engine.

The demo world (migrated SQLite database + Chroma index of its knowledge) is built once per
session and copied for each test, so every test starts from the same fresh store. `clock` and
`models_dir` (the session's embedding-model cache) come from tests/conftest.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from contracts.clock import FrozenClock
from crm_store import migrate
from nightshift.runtime import Runtime, open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file
from tests.fakes.openai_server import FakeOpenAI, running_fake

ROOT = Path(__file__).resolve().parents[2]
DEMO_WORLD = ROOT / "examples" / "demo-dealership.yaml"
DEALER = "harbor-point-honda"
API_KEY = "test-key"
MODEL = "gpt-test"
NOW = datetime(2026, 3, 6, 21, 40, tzinfo=ZoneInfo("America/Los_Angeles"))  # a Friday night

OpenRuntime = Callable[..., AbstractContextManager[Runtime]]


@pytest.fixture
def openai_fake() -> Iterator[FakeOpenAI]:
    """A fresh fake endpoint per test; its script starts empty."""
    with running_fake(api_key=API_KEY) as fake:
        yield fake


def _settings(folder: Path, **overrides: Any) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{folder}/world.db",
        data_dir=folder,
        **overrides,
    )


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory, models_dir: Path) -> Path:
    """A folder holding the demo world's database and knowledge index, built once."""
    folder = tmp_path_factory.mktemp("demo-world")
    settings = _settings(folder, engine="offline")
    migrate.upgrade(settings.database_url)
    with open_runtime(settings, clock=FrozenClock(NOW), models_dir=models_dir) as runtime:
        summary = apply_world(runtime.store, load_world_file(DEMO_WORLD))
        assert summary.dealership.slug == DEALER
        assert sync_world_knowledge(runtime.store, runtime.knowledge, DEALER) > 0
    return folder


@pytest.fixture
def open_openai_runtime(
    demo_world: Path,
    tmp_path: Path,
    models_dir: Path,
    clock: FrozenClock,
    openai_fake: FakeOpenAI,
) -> OpenRuntime:
    """`open_openai_runtime(**settings)`: a copy of the demo world, run by the `openai` engine
    against the fake endpoint, at Friday 2026-03-06 21:40 in Ventura."""

    @contextmanager
    def opener(**overrides: Any) -> Iterator[Runtime]:
        folder = tmp_path / "world"
        shutil.copytree(demo_world, folder)
        settings = _settings(
            folder,
            engine="openai",
            openai_base_url=openai_fake.base_url,
            openai_api_key=API_KEY,
            openai_model=MODEL,
            **overrides,
        )
        with open_runtime(settings, clock=clock, models_dir=models_dir) as runtime:
            yield runtime

    return opener
