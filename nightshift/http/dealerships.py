"""HTTP routes of the foundation: health, the demo landing page, dealership and inventory reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from channels.web.page import demo_page
from crm_store import dealerships, migrate, vehicles
from crm_store.records import DealershipRecord
from crm_store.types import Condition, VehicleStatus
from nightshift.http import auth
from nightshift.http.deps import SettingsDep, StoreDep, UowDep

router = APIRouter()
# What a dealer's own website shows anyone: name, hours, address, the cars for sale.
PublicListing = Depends(auth.public("the dealership's public listing and inventory"))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


class DealershipOut(BaseModel):
    slug: str
    name: str
    timezone: str
    phone: str | None
    address: str | None
    test_drive_minutes: int
    hours: dict[str, str]


class VehicleOut(BaseModel):
    stock: str
    vin: str
    year: int
    make: str
    model: str
    trim: str | None
    condition: Condition
    body: str | None
    color: str | None
    mileage: int
    price: Decimal
    status: VehicleStatus
    features: list[str]


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
    "/api/dealerships",
    response_model=list[DealershipOut],
    tags=["dealerships"],
    dependencies=[PublicListing],
)
def list_dealerships(uow: UowDep) -> list[DealershipOut]:
    return [_dealership_out(d) for d in dealerships.list_dealerships(uow)]


@router.get(
    "/api/dealerships/{slug}",
    response_model=DealershipOut,
    tags=["dealerships"],
    dependencies=[PublicListing],
)
def get_dealership(slug: str, uow: UowDep) -> DealershipOut:
    return _dealership_out(dealerships.get_dealership(uow, slug=slug))


@router.get(
    "/api/dealerships/{slug}/inventory",
    response_model=list[VehicleOut],
    tags=["dealerships"],
    dependencies=[PublicListing],
)
def inventory(
    slug: str,
    uow: UowDep,
    status: Annotated[list[VehicleStatus], Query()] = [VehicleStatus.AVAILABLE],  # noqa: B006
) -> list[VehicleOut]:
    """The dealership's vehicles; by default only those available to sell or test-drive."""
    dealer = dealerships.get_dealership(uow, slug=slug)
    rows = vehicles.list_vehicles(uow, dealership_id=dealer.id, statuses=status)
    return [
        VehicleOut(
            stock=v.stock,
            vin=v.vin,
            year=v.year,
            make=v.make,
            model=v.model,
            trim=v.trim,
            condition=v.condition,
            body=v.body,
            color=v.color,
            mileage=v.mileage,
            price=v.price,
            status=v.status,
            features=list(v.features),
        )
        for v in rows
    ]


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


def _hours(dealer: DealershipRecord) -> dict[str, str]:
    return {
        WEEKDAYS[day]: f"{start:%H:%M}-{end:%H:%M}"
        for day, (start, end) in sorted(dealer.hours.items())
    }


def _dealership_out(dealer: DealershipRecord) -> DealershipOut:
    return DealershipOut(
        slug=dealer.slug,
        name=dealer.name,
        timezone=dealer.timezone,
        phone=dealer.phone,
        address=dealer.address,
        test_drive_minutes=dealer.test_drive_minutes,
        hours=_hours(dealer),
    )
