"""Shopper events in: `POST /api/events`, one event or a list of up to 500 (the contract is
`signals.events`), from a dealer website's backend with an integration API token, or a
manager's. The events are the token's dealership's; a `dealership` given in an event must be
its slug. A batch is stored whole or not at all: any bad event is a 422 naming its field
(`[3].at`) and nothing of the request is stored. Logs hold counts only, never a phone,
e-mail, visitor id or event id. The new events of known customers run the intent rules in
the same transaction; the answer counts the alerts they wrote, whose routing jobs (queued in
that transaction) the job runner is woken for."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from crm_store import dealerships
from nightshift.http import auth
from nightshift.http.auth import Forbidden, Principal
from nightshift.http.deps import ServicesDep
from nightshift.infra import logs
from signals.events import MAX_BATCH, EventsRejected, parse_batch
from signals.ingest import ingest

log = logging.getLogger("nightshift.events")
router = APIRouter(prefix="/api/events", tags=["signals"])
WriterDep = Annotated[Principal, Depends(auth.requires(*auth.MANAGERS))]
# A full batch of events with properties is larger than the app's general body cap.
EVENTS_MAX_BYTES = 4 * 1024 * 1024
EXAMPLE = {
    "type": "vdp_view",
    "at": "2026-05-12T21:04:00-06:00",
    "event_id": "site-81723",
    "visitor_id": "v-123",
    "customer": {"phone": "+17205550100"},
    "vehicle": {"stock": "S6012"},
    "properties": {"page": "/used/2026-subaru-outback-S6012"},
}


class EventsOut(BaseModel):
    accepted: int  # events stored now
    duplicates: int  # already stored (same event_id) or repeated in the request: not stored
    customers_linked: int  # distinct customers the accepted events belong to
    customers_created: int  # new leads made by form submissions
    joined: int  # earlier anonymous events of these visitors that joined a customer now
    alerts: int  # intent alerts the new events fired (on the customers' timelines)


@router.post(
    "",
    response_model=EventsOut,
    status_code=201,
    responses={422: {"description": "bad events, named by path (`[3].at`); nothing stored"}},
)
def post_events(
    services: ServicesDep,
    who: WriterDep,
    body: Annotated[
        Any,
        Body(
            description=f"One shopper event, or a list of 1 to {MAX_BATCH} "
            "(see the README, 'Shopper signals').",
            examples=[EXAMPLE, [EXAMPLE]],
        ),
    ],
) -> EventsOut | JSONResponse:
    """Store shopper events (website views, calculators, forms, service visits) and tie them
    to customers by phone, e-mail or visitor id; idempotent on `event_id`."""
    store = services.store
    try:
        events = parse_batch(body, now=store.clock.now())
    except EventsRejected as exc:
        logs.event(log, "events_rejected", problems=len(exc.problems))
        detail = [{"loc": ["body", *p.loc], "field": p.path, "msg": p.msg} for p in exc.problems]
        return JSONResponse({"detail": detail}, status_code=422)
    with store.unit_of_work() as uow:
        slug = dealerships.get_dealership_by_id(uow, dealership_id=who.dealership_id).slug
        if any(e.dealership not in (None, slug) for e in events):
            raise Forbidden("these events name another dealership than this credential's")
        result = ingest(uow, dealership_id=who.dealership_id, events=events)
    if result.alerts:
        services.wake_jobs()  # each alert's routing job is due now: page at once
    logs.event(
        log,
        "events_ingested",
        dealership=slug,
        received=len(events),
        accepted=result.accepted,
        duplicates=result.duplicates,
        customers=result.customers_linked,
        created=result.customers_created,
        joined=result.joined,
        alerts=result.alerts,
    )
    return EventsOut(
        accepted=result.accepted,
        duplicates=result.duplicates,
        customers_linked=result.customers_linked,
        customers_created=result.customers_created,
        joined=result.joined,
        alerts=result.alerts,
    )
