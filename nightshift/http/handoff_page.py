"""The handoff page's HTML (pages/handoff.html): one self-contained page, no framework and no
external files, that reads the signed API at the same address and offers ack, claim, reply
and hand back."""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path
from urllib.parse import quote

PAGE = Path(__file__).with_name("pages") / "handoff.html"


@cache
def _template() -> str:
    return PAGE.read_text(encoding="utf-8")


def handoff_page(dealership: str, handoff_id: int, public_id: str) -> str:
    return (
        _template()
        .replace("__ID__", str(handoff_id))
        .replace("__DEALER__", escape(dealership))
        .replace("__CONVERSATION__", quote(public_id, safe=""))
    )
