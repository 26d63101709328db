"""The signed staff pages' HTML (pages/): the handoff's (pages/handoff.html) and the alert's
(`alert_page`), each one self-contained page, no framework and no external files, that reads
its signed API at the same address; both extend pages/staff_base.html (head, look, status
line, audit trail, the script's plumbing). The handoff's offers ack, claim, reply and hand
back."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

PAGES = Path(__file__).with_name("pages")


@cache
def _pages() -> Environment:
    return Environment(
        loader=FileSystemLoader(PAGES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def staff_page(template: str, **context: Any) -> str:
    """The page `template` of pages/ with `context` (escaped)."""
    return _pages().get_template(template).render(**context)


def handoff_page(dealership: str, handoff_id: int, public_id: str) -> str:
    return staff_page(
        "handoff.html",
        id=handoff_id,
        dealer=dealership,
        conversation=quote(public_id, safe=""),
    )
