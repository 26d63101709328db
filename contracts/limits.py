"""Rate limits as a channel adapter may ask for them.

Implemented in `nightshift.infra.rate_limits`."""

from __future__ import annotations

from typing import Protocol


class Limiter(Protocol):
    """Counts events per key in a window (a client IP, a web chat session)."""

    def hit(self, key: str) -> float:
        """Count one event for `key`: 0.0 when it is within the limit, else the seconds until
        the key may try again (the caller refuses the event and says so). May block briefly
        on I/O (a shared counter), so async callers run it in a worker thread."""
        ...
