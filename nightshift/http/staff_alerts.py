"""The intent alert's page and its API, reached only through the signed, expiring link in an
alert's page (`/staff/alerts/{id}/{staff_id}?exp=...&sig=...`, signed as the handoff link
is: `handoff.links`): the reason, the customer and their activity, the audit trail; acknowledge
(no reroute follows) and resolve. Every action is audited, naming the staff member and the
link."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from crm_store import alerts, dealerships, staff
from crm_store.alerts import AlertRecord
from crm_store.db import Store
from crm_store.records import StaffRecord
from crm_store.uow import UnitOfWork
from handoff.alerts import ALERT_PAGE, alert_page
from nightshift.http import auth
from nightshift.http.alert_page import AlertDetails, details
from nightshift.http.alert_page import alert_page as page_html
from nightshift.http.deps import ServicesDep, StoreDep
from nightshift.http.handoffs import Signature, by_link, verified
from nightshift.http.params import DbId, UnixTime

page_router = APIRouter(prefix=ALERT_PAGE, tags=["alerts"])
router = APIRouter(prefix="/api" + ALERT_PAGE.removeprefix("/staff"), tags=["alerts"])


class Signed(BaseModel):
    alert_id: int
    staff_id: int
    expires_at: datetime


@auth.rule("signed link: this alert, this staff member, until it expires")
def signed(
    alert_id: DbId,
    staff_id: DbId,
    services: ServicesDep,
    exp: UnixTime,
    sig: Signature,
) -> Signed:
    """403 unless the link was signed by this instance for this alert and staff member and
    has not expired."""
    expires_at = verified(services, alert_page(alert_id, staff_id), exp, sig)
    return Signed(alert_id=alert_id, staff_id=staff_id, expires_at=expires_at)


SignedDep = Annotated[Signed, Depends(signed)]


class Change(Protocol):
    def __call__(
        self, uow: UnitOfWork, *, alert_id: int, staff_id: int, via: str
    ) -> AlertRecord: ...


@page_router.get("", response_class=HTMLResponse)
def page(link: SignedDep, store: StoreDep) -> HTMLResponse:
    """The alert page a paged salesperson opens from the SMS or e-mail."""
    with store.reading() as uow:
        found = alerts.get_alert(uow, alert_id=link.alert_id)
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=found.dealership_id)
    return HTMLResponse(page_html(dealer.name, found.id))


@router.get("", response_model=AlertDetails)
def read(link: SignedDep, store: StoreDep) -> AlertDetails:
    """Everything the page shows: the alert, the customer, their activity, the trail."""
    with store.reading() as uow:
        return details(uow, link.alert_id, _member(uow, link))


@router.post("/ack", response_model=AlertDetails)
def ack(link: SignedDep, store: StoreDep) -> AlertDetails:
    """Take the alert: it stays with you, no reroute follows."""
    return _act(link, store, alerts.ack, "alert_ack")


@router.post("/resolve", response_model=AlertDetails)
def resolve(link: SignedDep, store: StoreDep) -> AlertDetails:
    """Done with it (acknowledges it first if nobody had)."""
    return _act(link, store, alerts.resolve, "alert_resolve")


def _act(link: Signed, store: Store, change: Change, action: str) -> AlertDetails:
    """`change` the alert as the link's staff member, audited as `action`; the page's data."""
    with store.unit_of_work() as uow:
        member = _member(uow, link)
        change(uow, alert_id=link.alert_id, staff_id=member.id, via="page")
        by_link(member).audit(uow, action, f"alert:{link.alert_id}")
    return read(link, store)


def _member(uow: UnitOfWork, link: Signed) -> StaffRecord:
    member = staff.get_staff(uow, staff_id=link.staff_id)
    found = alerts.get_alert(uow, alert_id=link.alert_id)
    if member.dealership_id != found.dealership_id:
        raise HTTPException(status_code=403, detail="this link is not valid")
    return member
