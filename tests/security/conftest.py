"""The real app (create_app) over a fresh copy of the demo dealership, for the security
tests: what an attacker reaches is what these tests reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from contracts.clock import FrozenClock
from crm_store import migrate
from crm_store.db import Store
from nightshift.runtime import open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, SLUG, demo_settings
from tests.tokens import api_token


def prepare_demo(folder: Path, models_dir: Path, clock: FrozenClock, **settings: Any) -> Settings:
    """Settings over a freshly migrated demo dealership (world and knowledge loaded)."""
    ready = demo_settings(folder, **settings)
    migrate.upgrade(ready.database_url)
    with open_runtime(ready, clock=clock, models_dir=models_dir) as runtime:
        apply_world(runtime.store, load_world_file(DEMO))
        sync_world_knowledge(runtime.store, runtime.knowledge, SLUG)
    return ready


@pytest.fixture
def quiet_demo(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Settings:
    """The demo with no background workers: what a request stored stays visible."""
    return prepare_demo(tmp_path, models_dir, clock, inline_worker=False)


def staff_token(settings: Settings, handle: str = "maria") -> str:
    """A new API token acting as the demo staff member `handle` (for the staff routes)."""
    store = Store(settings.database_url)
    try:
        return api_token(store, SLUG, staff_handle=handle)
    finally:
        store.dispose()


def next_frame(ws: WebSocketTestSession, timeout: float = 30.0) -> dict[str, Any]:
    """The next frame from the server, failing the test (not hanging) if none comes in time;
    a close raises `WebSocketDisconnect` with its code."""

    async def receive() -> Any:
        with anyio.fail_after(timeout):
            return await ws._send_rx.receive()

    message = ws.portal.call(receive)
    if message["type"] == "websocket.close":
        raise WebSocketDisconnect(message.get("code", 1000))
    frame: dict[str, Any] = json.loads(message["text"])
    return frame
