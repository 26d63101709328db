"""How a dealership tunes its proactive outreach (`signals.outreach`).

Every field has a default, so an absent setting means the built-in value. The send window
is the recipient's local time; 08:00-21:00 is the widest 47 CFR 64.1200(c)(1) allows, so a
dealership may narrow it but never widen it. `throttle_seconds` spaces the sends of one
sending number (a US long code takes about one segment a second).
"""

from __future__ import annotations

from datetime import time

from pydantic import BaseModel, ConfigDict, Field, model_validator

EARLIEST = time(8, 0)
LATEST = time(21, 0)


class OutreachConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    window_start: time = EARLIEST
    window_end: time = LATEST
    # at most `cap_count` outreach texts to one customer in `cap_days`, across campaigns
    cap_count: int = Field(default=1, ge=1, le=50)
    cap_days: int = Field(default=7, ge=1, le=365)
    throttle_seconds: float = Field(default=1.0, gt=0, le=3600)
    # how far back a price drop or a no-show still makes a customer part of the audience
    lookback_days: int = Field(default=14, ge=1, le=365)
    assistant_name: str = Field(default="Nightshift", min_length=1, max_length=40)

    @model_validator(mode="after")
    def _inside_the_legal_window(self) -> OutreachConfig:
        if not EARLIEST <= self.window_start < self.window_end <= LATEST:
            raise ValueError(
                f"window_start/window_end: expected 08:00 <= start < end <= 21:00, got "
                f"{self.window_start:%H:%M}-{self.window_end:%H:%M}"
            )
        return self
