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
