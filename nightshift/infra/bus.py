"""Live events per conversation for connected web chats (replies, staff messages, typing).

`LocalBus` serves one process. With several API workers, `RedisBus` (REDIS_URL) carries each
event to every worker, so a staff reply posted on one reaches a shopper connected to another.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

log = logging.getLogger("nightshift.bus")


class LocalBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Any]]]] = {}

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        """Deliver to this process's subscribers; safe from any thread."""
        with self._lock:
            targets = list(self._subscribers.get(topic, ()))
        for loop, queue in targets:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, event)
            except RuntimeError:  # the subscriber's loop has closed
                continue

    async def subscribe(self, topic: str) -> AsyncIterator[dict[str, Any]]:
        queue: asyncio.Queue[Any] = asyncio.Queue()
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.setdefault(topic, set()).add(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._subscribers.get(topic, set()).discard(entry)


class RedisBus(LocalBus):
    """Publishes through Redis pub/sub; a listener thread fans events out locally."""

    CHANNEL = "nightshift:events"

    def __init__(self, url: str) -> None:
        super().__init__()
        import redis

        self._redis = redis.Redis.from_url(url)
        # redis-py's typing of pubsub() and PubSub.listen() differs between 5.x and 8.x: read
        # both through typed names so one source type-checks against every supported version
        open_pubsub: Callable[..., Any] = self._redis.pubsub
        self._pubsub = open_pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(self.CHANNEL)
        self._closed = False
        self._thread = threading.Thread(target=self._listen, name="redis-bus", daemon=True)
        self._thread.start()

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        self._redis.publish(self.CHANNEL, json.dumps({"topic": topic, "event": event}))

    def _listen(self) -> None:
        try:
            listen: Callable[[], Iterator[dict[str, Any]]] = self._pubsub.listen
            for message in listen():
                try:
                    data = json.loads(message["data"])
                except (TypeError, ValueError):
                    continue
                LocalBus.publish(self, str(data["topic"]), dict(data["event"]))
        except Exception:  # the connection dropped; after close() that is expected
            if not self._closed:
                log.exception("redis_bus_listener_stopped")

    def close(self) -> None:
        self._closed = True
        self._pubsub.close()
        self._redis.close()
        self._thread.join(timeout=5)
