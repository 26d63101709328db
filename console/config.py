"""What the console needs to know of the deployment: the composition root builds it from the
settings, like `handoff.config.HandoffConfig`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from crm_store.staff_sessions import SESSION_IDLE, SESSION_LIFETIME


@dataclass(frozen=True, slots=True)
class ConsoleConfig:
    public_base_url: str  # sign-in links start with it; a trailing "/" is ignored
    session_lifetime: timedelta = SESSION_LIFETIME  # absolute, from sign-in
    session_idle: timedelta = SESSION_IDLE  # a session not seen for this long has ended
    # the live stream (`console.live`): re-read the store (and the session) this often when
    # no bus event woke it, send a keep-alive comment after this much silence, and end after
    # this long (the browser reconnects where it left off)
    live_poll: timedelta = timedelta(seconds=3)
    live_heartbeat: timedelta = timedelta(seconds=20)
    live_lifetime: timedelta = timedelta(minutes=30)
    # ended sessions and used or expired sign-in links are kept this long, then purged by
    # the daily cleanup job (`console.cleanup`); the audit log keeps its entries
    sign_in_retention: timedelta = timedelta(days=30)
