"""What the booking follow-ups need to know of the deployment, and nothing else: the
composition root builds it from the settings (`nightshift.settings.Settings.booking`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from crm_store.slots import DEFAULT_POLICY, BookingPolicy


@dataclass(frozen=True, slots=True)
class BookingConfig:
    policy: BookingPolicy = DEFAULT_POLICY  # lead time, buffer and slot grid
    reminder_hours: tuple[int, ...] = (24, 2)  # SMS reminders, hours before a drive
    quiet_start: time = time(21)  # dealership-local: no reminder from here ...
    quiet_end: time = time(8)  # ... until here (the window may cross midnight)
    public_base_url: str = "http://127.0.0.1:8000"  # without a trailing "/"
    mail_from: str = "nightshift@localhost"  # the organizer of a calendar invite
