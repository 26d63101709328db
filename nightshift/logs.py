"""Structured logs: one event name plus key=value pairs, phone numbers and e-mails masked."""

from __future__ import annotations

import logging
import re
from typing import Any

_PHONE = re.compile(r"\+?\d[\d\-\s().]{8,}\d")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Alembic announces its context on every revision look-up (each /healthz): not news.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)


def mask(text: str) -> str:
    text = _EMAIL.sub(r"\1***@\2", text)
    return _PHONE.sub(lambda m: m.group(0)[:2] + "***" + m.group(0)[-2:], text)


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log `name key=value ...`; values are masked so no phone or e-mail leaks into logs."""
    pairs = " ".join(f"{key}={mask(str(value))!s}" for key, value in fields.items())
    logger.log(level, "%s %s", name, pairs)
