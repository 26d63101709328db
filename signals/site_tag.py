"""What a public web page may send: the events of the dealer-site tag (`/signals.js`).

The tag posts without a credential (a site cannot keep an API token in its pages), so
anyone can post what it posts. It is therefore a narrow slice of the event contract
(`signals.events`):

- browsing only: `type` is one of `SITE_TYPES`; nothing that makes a lead or speaks for the
  store (a form, a service visit) comes from a page;
- no `customer`: a page must not be able to tie browsing, or anything else, to a phone
  number or an e-mail address; the visitor becomes a customer only by showing who they are
  (the web chat, a form sent by the site's backend with its token);
- `visitor_id` is required: an anonymous event without one would join nobody, ever;
- at most `MAX_SITE_EVENTS` events in a request;
- the time is the server's, when the request arrives: a browser's clock is neither trusted
  nor reliable (one a few minutes fast would have its views refused), and the tag sends
  each view as it happens;
- `event_id` is kept in its own namespace (`TAG_PREFIX`), so a public sender cannot take an
  id the dealership's integration will send to `POST /api/events` and have that event
  counted as a duplicate.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from signals.events import EventsRejected, Problem, ShopperEvent, parse_batch

SITE_TYPES = ("vdp_view", "srp_search")
MAX_SITE_EVENTS = 10
TAG_PREFIX = "tag:"
MAX_EVENT_ID = 100 - len(TAG_PREFIX)
CUSTOMER_REFUSED = (
    "not taken from a web page (anyone could tie browsing to a phone number or e-mail); "
    "expected no customer: the visitor_id joins the customer who shows who they are"
)


def parse_site_batch(document: Any, *, slug: str, now: datetime) -> list[ShopperEvent]:
    """The events of a site tag's request to dealership `slug` (one object or a list of 1 to
    `MAX_SITE_EVENTS`), or `EventsRejected` naming every field outside the slice (see the
    module docstring) or outside the contract."""
    if isinstance(document, list) and not 1 <= len(document) <= MAX_SITE_EVENTS:
        raise EventsRejected(
            [Problem((), f"{len(document)} events; expected 1 to {MAX_SITE_EVENTS} from a page")]
        )
    items = document if isinstance(document, list) else [document]
    problems = [
        problem
        for index, item in enumerate(items)
        if isinstance(item, dict)
        for problem in _outside_slice(item, (index,) if isinstance(document, list) else (), slug)
    ]
    if problems:
        raise EventsRejected(problems)
    stamped = [
        {**item, "at": now.isoformat()} if isinstance(item, dict) else item for item in items
    ]
    return [
        replace(e, event_id=None if e.event_id is None else TAG_PREFIX + e.event_id)
        for e in parse_batch(stamped if isinstance(document, list) else stamped[0], now=now)
    ]


def _outside_slice(item: dict[str, Any], where: tuple[int, ...], slug: str) -> list[Problem]:
    found: list[Problem] = []
    kind = item.get("type")
    if not isinstance(kind, str) or kind.strip().lower() not in SITE_TYPES:
        expected = " or ".join(SITE_TYPES)
        found.append(
            Problem((*where, "type"), f"{str(kind)[:60]!r}: expected {expected} from a page")
        )
    if "customer" in item:
        found.append(Problem((*where, "customer"), CUSTOMER_REFUSED))
    if not item.get("visitor_id"):
        found.append(Problem((*where, "visitor_id"), "required: the browser's visitor id"))
    event_id = item.get("event_id")
    if isinstance(event_id, str) and len(event_id) > MAX_EVENT_ID:
        found.append(Problem((*where, "event_id"), f"expected at most {MAX_EVENT_ID} characters"))
    if item.get("dealership", slug) != slug:
        found.append(Problem((*where, "dealership"), f"expected {slug!r}, the page's tag"))
    return found
