"""The wording booking sends a shopper comes from the caller, not from booking.

Booking decides what to say (a reminder, "confirmed", "when suits you better?") and with which
values; the sentences live with every other reply in `agent.prompts`, which booking may not
import. The composition root passes `agent.prompts.render`, which fits `Texts`.
"""

from __future__ import annotations

from typing import Protocol


class Texts(Protocol):
    def __call__(self, key: str, seed: str = "", **values: object) -> str:
        """Template `key` filled with `values`; `seed` picks the variant, deterministically."""
        ...
