"""The site tag's door: `POST /channels/web/{slug}/signals`, where `/signals.js` on a dealer's
website sends a shopper's vehicle views (served by `channels.web.router`).

Public on purpose: a site cannot keep an API token in its pages. So it takes a narrow slice
of the events API (`signals.site_tag`: browsing only, never a `customer`, a visitor id
required, at most 10 events), a body of at most `MAX_BYTES`, and it is limited per client IP
by the app's rate limit (its path is under `/channels/web/`, see
`nightshift.infra.rate_limits.LIMITED_PATHS`).

CORS: the dealer's site is another origin. The tag posts `Content-Type: text/plain` (a
simple request: no preflight) without credentials; a JSON post is preflighted and the
preflight is answered here. Every answer allows any origin and never credentials: nothing
here reads a cookie. Logs hold counts only.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from crm_store import dealerships
from crm_store.db import Store
from crm_store.errors import NotFound
from nightshift.http import auth
from nightshift.http.deps import ServicesDep
from nightshift.http.input_guard import find_unstorable
from nightshift.infra import logs
from signals.events import EventsRejected, Problem, ShopperEvent
from signals.ingest import IngestResult, ingest
from signals.site_tag import parse_site_batch

log = logging.getLogger("nightshift.site_signals")
MAX_BYTES = 4096
MEDIA_TYPES = ("text/plain", "application/json")
CORS = {"Access-Control-Allow-Origin": "*"}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
}
router = APIRouter(
    prefix="/channels/web/{slug}/signals",
    tags=["signals"],
    dependencies=[
        Depends(
            auth.public(
                "the dealer-site tag: browsing events of anonymous visitors only, never a "
                "customer; 4 KB, 10 events, limited per IP"
            )
        )
    ],
)


class SiteEventsOut(BaseModel):
    accepted: int  # events stored now
    duplicates: int  # sent before (same event_id): not stored again


@router.options("", include_in_schema=False)
def preflight(slug: str) -> Response:
    """The CORS preflight of a JSON post from the dealer's site (any origin, no credentials)."""
    return Response(status_code=204, headers=PREFLIGHT)


@router.post(
    "",
    response_model=SiteEventsOut,
    status_code=202,
    responses={
        404: {"description": "no such dealership"},
        413: {"description": f"a body over {MAX_BYTES} bytes"},
        415: {"description": "a body that is not text/plain or JSON"},
        422: {"description": "events outside the site tag's slice, named by field"},
    },
)
async def post_site_events(slug: str, request: Request, services: ServicesDep) -> JSONResponse:
    """Store a page's browsing events (`vdp_view`, `srp_search`) for the dealership, one or
    up to 10, as JSON sent as `text/plain` or `application/json` (see the README, 'The site
    tag'); idempotent on `event_id`."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in MEDIA_TYPES:
        return _answer(415, f"content-type: {media or 'none'}; expected text/plain or JSON")
    body = await request.body()
    if len(body) > MAX_BYTES:
        return _answer(413, f"body: {len(body)} bytes; expected at most {MAX_BYTES}")
    store = services.store
    try:
        events = parse_site_batch(_document(body), slug=slug, now=store.clock.now())
    except EventsRejected as exc:
        logs.event(log, "site_events_rejected", problems=len(exc.problems))
        detail = [{"loc": ["body", *p.loc], "field": p.path, "msg": p.msg} for p in exc.problems]
        return _answer(422, detail)
    try:
        result = await run_in_threadpool(_store, store, slug, events)
    except NotFound:
        return _answer(404, "dealership: not found; expected the slug of a dealership")
    logs.event(
        log,
        "site_events_ingested",
        dealership=slug,
        received=len(events),
        accepted=result.accepted,
        duplicates=result.duplicates,
        alerts=result.alerts,
    )
    out = SiteEventsOut(accepted=result.accepted, duplicates=result.duplicates)
    return JSONResponse(out.model_dump(), status_code=202, headers=CORS)


def _document(body: bytes) -> Any:
    """The parsed JSON body, or `EventsRejected` when it is not JSON or holds text no
    database can store (a text/plain body does not pass `InputGuard`)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise EventsRejected([Problem((), "not JSON; expected an event or a list")]) from None
    found = find_unstorable(document)
    if found is not None:
        loc, message = found
        raise EventsRejected([Problem(tuple(loc), message)])
    return document


def _store(store: Store, slug: str, events: list[ShopperEvent]) -> IngestResult:
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=slug)
        return ingest(uow, dealership_id=dealer_id, events=events)


def _answer(status: int, detail: Any) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=CORS)
