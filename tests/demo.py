"""The demo dealership as tests use it: its slug, settings for a fresh folder, and the real
runtime over a freshly loaded copy of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from contracts.clock import Clock
from crm_store import migrate
from nightshift.runtime import Runtime, open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-dealership.yaml"
SLUG = "harbor-point-honda"


def demo_settings(folder: Path, database_url: str | None = None) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url or f"sqlite:///{folder}/nightshift.db",
        data_dir=folder,
        engine="offline",
    )


@contextmanager
def demo_runtime(folder: Path, clock: Clock, models_dir: Path) -> Iterator[Runtime]:
    """The real runtime (offline engine) over the demo dealership on a fresh SQLite file."""
    settings = demo_settings(folder)
    migrate.upgrade(settings.database_url)
    with open_runtime(settings, clock=clock, models_dir=models_dir) as runtime:
        apply_world(runtime.store, load_world_file(DEMO))
        sync_world_knowledge(runtime.store, runtime.knowledge, SLUG)
        yield runtime
