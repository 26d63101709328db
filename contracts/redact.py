"""What may reach a log line: phone numbers and e-mails masked, secrets in links removed.

Every package masks with these functions (the Twilio webhook, the log transports, the
logging formatter of `nightshift.infra.logs`), so there is one idea of what a phone number looks
like. `mask` is for personal data, `redact_secrets` for what would let a reader act: the `sig`
of a signed staff link, calendar (`.ics`) and query tokens, console sign-in link tokens, web
chat session ids, API tokens and `Authorization` values. `redact` applies both.

The patterns start only at a boundary (the character before cannot continue the match), so
a long run of digits or letters is scanned once, not once per position.
"""

from __future__ import annotations

import logging
import re
from typing import Any

PHONE = re.compile(r"(?<![\d+])\+?\d[\d\-\s().]{8,}\d")
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")
SECRET_QUERY = re.compile(r"(?i)(?<![A-Za-z0-9_])(sig|token|session)=[^&\s\"'#<>]*")
ICS_TOKEN = re.compile(r"/appointments/[^/\s?#\"']+\.ics")
SIGN_IN_TOKEN = re.compile(
    r"/console/sign-in/(?!(?:link|password)(?:[/\s?#\"'<>]|$))[^/\s?#\"'<>]+"
)
BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
API_TOKEN = re.compile(r"\bnst_[A-Za-z0-9_-]+")
HIDDEN = "***"


def mask(text: str) -> str:
    """`text` with e-mails as `d***@example.com` and phone numbers (any common format:
    +18055550142, (805) 555-0142, 805.555.0142) as `+1***42`."""
    text = EMAIL.sub(r"\1***@\2", text)
    return PHONE.sub(lambda m: m.group(0)[:2] + HIDDEN + m.group(0)[-2:], text)


def redact_secrets(text: str) -> str:
    """`text` with link signatures, tokens and session ids replaced by `***`, so a logged
    link or request line cannot be replayed."""
    text = SECRET_QUERY.sub(lambda m: f"{m.group(1)}={HIDDEN}", text)
    text = ICS_TOKEN.sub(f"/appointments/{HIDDEN}.ics", text)
    text = SIGN_IN_TOKEN.sub(f"/console/sign-in/{HIDDEN}", text)
    text = BEARER.sub(lambda m: f"{m.group(1)} {HIDDEN}", text)
    return API_TOKEN.sub(f"nst_{HIDDEN}", text)


def redact(text: str) -> str:
    """Both: no secret and no phone number or e-mail in full."""
    return mask(redact_secrets(text))


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log `name key=value ...`; values are masked so no phone or e-mail leaks into logs."""
    pairs = " ".join(f"{key}={mask(str(value))!s}" for key, value in fields.items())
    logger.log(level, "%s %s", name, pairs)
