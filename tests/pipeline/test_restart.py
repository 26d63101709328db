"""A conversation survives a restart: the graph state is checkpointed per conversation
(SQLite saver with SQLite, Postgres saver with PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import appointments, dealerships, migrate, vehicles
from crm_store.db import Store
from nightshift.runtime import open_runtime, sync_world_knowledge
from nightshift.world import apply_world, load_world_file
from tests.demo import SLUG, demo_settings
from tests.helpers import NIGHTSHIFT, ROOT

DEMO = ROOT / "examples" / "demo-dealership.yaml"


def _booked_stocks(store: Store) -> list[str]:
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        return [
            vehicles.get_vehicle_by_id(uow, vehicle_id=a.vehicle_id).stock
            for a in appointments.list_appointments(uow, dealership_id=dealer.id)
        ]


def test_that_one_still_means_the_same_car_after_a_restart(
    db_url: str, tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    settings = demo_settings(tmp_path, db_url)
    with open_runtime(settings, clock=clock, models_dir=models_dir) as first:
        apply_world(first.store, load_world_file(DEMO))
        sync_world_knowledge(first.store, first.knowledge, SLUG)
        shown = first.pipeline.handle_inbound(
            InboundMessage(SLUG, "sms", "+18055550111", "do you have a subaru outback?")
        )
        assert "Outback" in shown.replies[0].body
    # A new runtime: new engine objects, new graph, new connections; only the stores remain.
    with open_runtime(settings, clock=clock, models_dir=models_dir) as second:
        booked = second.pipeline.handle_inbound(
            InboundMessage(SLUG, "sms", "+18055550111", "yes, that one. sunday at 2pm?")
        )
        assert "Outback" in booked.replies[0].body and "2:00 PM" in booked.replies[0].body
        assert _booked_stocks(second.store) == ["U2306"]


def test_restart_of_the_real_process(tmp_path: Path, models_dir: Path) -> None:
    url = f"sqlite:///{tmp_path}/nightshift.db"
    migrate.upgrade(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "NIGHTSHIFT_DATA_DIR": str(tmp_path),
        "ORT_DISABLE_TELEMETRY": "1",
    }
    # The models folder under the data dir is where the CLI looks; reuse the session's export.
    (tmp_path / "models").symlink_to(models_dir, target_is_directory=True)

    def chat(*lines: str) -> str:
        done = subprocess.run(
            [NIGHTSHIFT, "chat", "--phone", "+18055550122"],
            input="\n".join(lines) + "\n",
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    loaded = subprocess.run(
        [NIGHTSHIFT, "load-world", str(DEMO)], env=env, capture_output=True, text=True, timeout=180
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "Tacoma" in chat("any tacomas?")
    answer = chat("how many miles does that one have")
    assert "38,150" in answer and "Tacoma" in answer
