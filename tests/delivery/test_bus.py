"""Live events reach subscribers on this worker (LocalBus) and, through Redis, on another
worker (RedisBus against the Redis server on 127.0.0.1:6379)."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid

import pytest
import redis

from nightshift.infra.bus import LocalBus, RedisBus

REDIS = os.environ.get("NIGHTSHIFT_TEST_REDIS", "redis://127.0.0.1:6379/0")


async def _first(bus: LocalBus, topic: str, publish: object) -> dict[str, object]:
    stream = bus.subscribe(topic)
    waiting = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.2)  # subscribed
    assert callable(publish)
    threading.Thread(target=publish).start()  # published from another thread
    try:
        return await asyncio.wait_for(waiting, timeout=10)
    finally:
        await stream.aclose()


def test_local_bus_delivers_across_threads() -> None:
    bus = LocalBus()
    event = {"type": "message", "id": 1, "author": "staff", "text": "Hi from Maria"}
    got = asyncio.run(_first(bus, "conv-a", lambda: bus.publish("conv-a", event)))
    assert got == event


def test_redis_bus_reaches_another_worker() -> None:
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis at {REDIS} is unreachable: {exc}")
        pytest.skip(f"Redis at {REDIS} is unreachable: {exc}")
    topic = f"conv-{uuid.uuid4().hex}"
    shopper_side, staff_side = RedisBus(REDIS), RedisBus(REDIS)
    try:
        event = {"type": "message", "id": 7, "author": "staff", "text": "On my way"}
        got = asyncio.run(_first(shopper_side, topic, lambda: staff_side.publish(topic, event)))
        assert got == event
    finally:
        shopper_side.close()
        staff_side.close()
