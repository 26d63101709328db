"""CSV imports over HTTP: `POST /api/imports/owners?dealership=SLUG`, `/api/imports/book-values`
and `/api/imports/service-visits`, the same files and rules as `nightshift import ...
--dealership SLUG` (headers in `signals.owner_import` and `signals.service_import`), for a
dealer's systems with an integration API token, or a manager's, of that dealership (another
one's is a 403). The paths are fixed (the dealership is a query parameter) so the body cap
of these paths can be raised to a whole file's.

The body is the file itself (`Content-Type: text/csv`, at most `signals.csv_rows.MAX_BYTES`).
A good file is imported in one transaction: 200 with its counts. A bad one is a 422 listing
every problem (line, column, message; line 1 is the header, a problem of the whole file
has neither) and nothing is written. Logs hold counts only, never a cell of the file.
Service visits run the intent rules in that transaction; when they alert, the job runner is
woken so the pages go out at once, as for `POST /api/events`."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from crm_store import dealerships
from crm_store.records import DealershipRecord
from crm_store.uow import UnitOfWork
from nightshift.http import auth
from nightshift.http.auth import Principal
from nightshift.http.deps import ServicesDep
from nightshift.http.services import Services
from nightshift.infra import logs
from signals.csv_rows import MAX_BYTES, CsvProblems
from signals.owner_import import (
    import_book_values,
    import_owners,
    parse_book_values,
    parse_owners,
)
from signals.service_import import import_service_visits, parse_service_visits

log = logging.getLogger("nightshift.imports")
router = APIRouter(prefix="/api/imports", tags=["imports"])
WriterDep = Annotated[Principal, Depends(auth.requires(*auth.MANAGERS))]
SlugQuery = Annotated[str, Query(description="the dealership's slug (the credential's)")]
PATHS = ("/api/imports/owners", "/api/imports/book-values", "/api/imports/service-visits")
# the body cap of these paths (the app's general cap is far smaller): a whole file
LARGER = dict.fromkeys(PATHS, MAX_BYTES)
_PROBLEM = re.compile(r"line (\d+)(?:, column ([^:]+))?: (.*)", re.DOTALL)
REJECTED = {"description": "the file's problems (line, column, message); nothing written"}
T = TypeVar("T")


class OwnersOut(BaseModel):
    vehicles: int  # rows imported
    vehicles_created: int
    vehicles_updated: int  # VINs imported before
    customers_created: int
    consents_recorded: int  # sms_consent values that changed a customer's consent


class BookValuesOut(BaseModel):
    rows: int  # the book-value table now


class VisitsOut(BaseModel):
    visits: int  # stored now
    duplicates: int  # RO numbers imported before
    customers_created: int
    mileages_updated: int
    alerts: int


class Rejected(Exception):
    def __init__(self, response: JSONResponse) -> None:
        self.response = response


@router.post("/owners", response_model=OwnersOut, responses={422: REJECTED, 415: {}})
async def post_owners(
    request: Request, services: ServicesDep, who: WriterDep, dealership: SlugQuery
) -> OwnersOut | JSONResponse:
    """Import customers' vehicles with their loans or leases; a VIN seen before is updated."""

    def run(uow: UnitOfWork, dealer: DealershipRecord, data: bytes) -> OwnersOut:
        rows = _parsed(data, parse_owners)
        done = import_owners(uow, dealership_id=dealer.id, rows=rows)
        logs.event(log, "owners_imported", rows=len(rows), created=done.vehicles_created)
        return OwnersOut(
            vehicles=len(rows),
            vehicles_created=done.vehicles_created,
            vehicles_updated=done.vehicles_updated,
            customers_created=done.customers_created,
            consents_recorded=done.consents_recorded,
        )

    return await _imported(request, services, who, dealership, run)


@router.post("/book-values", response_model=BookValuesOut, responses={422: REJECTED, 415: {}})
async def post_book_values(
    request: Request, services: ServicesDep, who: WriterDep, dealership: SlugQuery
) -> BookValuesOut | JSONResponse:
    """Replace the dealership's book-value table with the file's rows."""

    def run(uow: UnitOfWork, dealer: DealershipRecord, data: bytes) -> BookValuesOut:
        rows = _parsed(data, parse_book_values)
        count = import_book_values(uow, dealership_id=dealer.id, rows=rows)
        logs.event(log, "book_values_imported", rows=count)
        return BookValuesOut(rows=count)

    return await _imported(request, services, who, dealership, run)


@router.post("/service-visits", response_model=VisitsOut, responses={422: REJECTED, 415: {}})
async def post_service_visits(
    request: Request, services: ServicesDep, who: WriterDep, dealership: SlugQuery
) -> VisitsOut | JSONResponse:
    """Import service visits as `service_visit` events (an RO number seen before is
    skipped); a flagged customer's visit today alerts their salesperson."""

    def run(uow: UnitOfWork, dealer: DealershipRecord, data: bytes) -> VisitsOut:
        zone = ZoneInfo(dealer.timezone)
        rows = _parsed(data, lambda d: parse_service_visits(d, zone=zone, now=uow.now()))
        done = import_service_visits(uow, dealership_id=dealer.id, rows=rows, zone=zone)
        logs.event(log, "service_visits_imported", visits=done.visits, alerts=done.alerts)
        return VisitsOut(
            visits=done.visits,
            duplicates=done.duplicates,
            customers_created=done.customers_created,
            mileages_updated=done.mileages_updated,
            alerts=done.alerts,
        )

    out = await _imported(request, services, who, dealership, run)
    if isinstance(out, VisitsOut) and out.alerts:
        services.wake_jobs()  # each alert's routing job is due now: page at once
    return out


async def _imported(
    request: Request,
    services: Services,
    who: Principal,
    slug: str,
    run: Callable[[UnitOfWork, DealershipRecord, bytes], T],
) -> T | JSONResponse:
    """`run` on the body in one unit of work of the dealership `slug`, which must be the
    credential's; a `Rejected` file answers its response and writes nothing."""
    dealer = await run_in_threadpool(_dealer, services, who, slug)

    def work() -> T:
        with services.store.unit_of_work() as uow:
            return run(uow, dealer, data)

    try:
        data = await _file(request)
        return await run_in_threadpool(work)
    except Rejected as exc:
        return exc.response


def _dealer(services: Services, who: Principal, slug: str) -> DealershipRecord:
    """The dealership `slug` (404 when none), which must be the credential's (403)."""
    with services.store.reading() as uow:
        dealer = dealerships.get_dealership(uow, slug=slug)
    who.require_dealership(dealer.id)
    return dealer


async def _file(request: Request) -> bytes:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("text/csv", "application/csv"):
        raise Rejected(
            JSONResponse(
                {"detail": f"Content-Type {kind or 'missing'}; expected text/csv"},
                status_code=415,
            )
        )
    return await request.body()


def _parsed(data: bytes, parse: Callable[[bytes], T]) -> T:
    try:
        return parse(data)
    except CsvProblems as exc:
        logs.event(log, "import_rejected", problems=exc.total)
        detail = [_problem(p) for p in exc.problems]
        raise Rejected(
            JSONResponse({"detail": detail, "total": exc.total}, status_code=422)
        ) from None


def _problem(text: str) -> dict[str, Any]:
    """ "line 3, column payoff: ..." as {"line": 3, "column": "payoff", "msg": "..."}."""
    found = _PROBLEM.fullmatch(text)
    if found is None:
        return {"line": None, "column": None, "msg": text}
    line, column, msg = found.groups()
    return {"line": int(line), "column": column, "msg": msg}
