"""The routes at the root of the site: health for load balancers and the demo landing page."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from channels.web.page import demo_page
from crm_store import dealerships, migrate, vehicles
from crm_store.types import VehicleStatus
from nightshift.http import auth
from nightshift.http.deps import SettingsDep, StoreDep, UowDep

router = APIRouter()


class DatabaseHealth(BaseModel):
    ok: bool
    backend: str
    revision: str | None = None
    head: str | None = None
    error: str | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: DatabaseHealth
    engine: str


@router.get(
    "/healthz",
    response_model=Health,
    tags=["ops"],
    dependencies=[Depends(auth.public("liveness for load balancers; no customer data"))],
)
def healthz(store: StoreDep, settings: SettingsDep) -> JSONResponse:
    """Liveness and database status: 200 when the database answers and is fully migrated."""
    head = migrate.head_revision()
    db = DatabaseHealth(ok=False, backend=store.backend, head=head)
    try:
        store.ping()
        db.revision = migrate.current_revision(store.engine)
        db.ok = db.revision == head
        if not db.ok:
            db.error = (
                f"database is at revision {db.revision}, expected {head}: run nightshift db upgrade"
            )
    except Exception as exc:  # the point of a health check is to report, not to raise
        db.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    health = Health(status="ok" if db.ok else "degraded", database=db, engine=settings.engine)
    return JSONResponse(health.model_dump(), status_code=200 if db.ok else 503)


@router.get(
    "/",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(auth.public("the demo dealership's page with the chat widget"))],
)
def home(uow: UowDep, settings: SettingsDep) -> HTMLResponse:
    """The demo dealership's page, with the chat widget on it."""
    known = dealerships.list_dealerships(uow)
    chosen = [d for d in known if d.slug == settings.dealership] or known[:1]
    if not chosen:
        return HTMLResponse(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Nightshift</title></head><body><p>No dealership is loaded yet. Run "
            "<code>nightshift load-world FILE.yaml</code>.</p></body></html>"
        )
    dealer = chosen[0]
    available = vehicles.list_vehicles(
        uow, dealership_id=dealer.id, statuses=[VehicleStatus.AVAILABLE]
    )
    newest = sorted(available, key=lambda v: (-v.year, v.stock))[:3]
    featured = [
        (
            v.title,
            ", ".join(p for p in (v.condition.value.title(), v.body or "", v.color or "") if p),
            f"${v.price:,.0f}",
        )
        for v in newest
    ]
    return HTMLResponse(demo_page(dealer.name, dealer.slug, featured))
