"""Intent alerts in the staff console: the "Alerts for me" section (`console.alerts` says
what it lists and who may do what), on its own page `/console/alerts` and on the inbox
(`section` is what the inbox page hands its template), and its two actions, acknowledge
and resolve, the same store moves the signed alert page makes.

Every action is a form POST carrying the session's CSRF token (checked by the page rule),
answered with a redirect back to the inbox, or to the alerts page when the form came from
there (post/redirect/get), and wakes the dealership's live streams. Another dealership's
alert, or one that does not exist, is a 404 page; someone else's alert a 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from console import alerts
from console.alerts import AlertItem
from console.canned import NotAllowed
from crm_store.errors import NotFound
from crm_store.staff_sessions import SessionRecord
from crm_store.uow import UnitOfWork
from nightshift.http import console_live
from nightshift.http.auth import STAFF, Principal, page_requires
from nightshift.http.console_pages import message, redirect, render
from nightshift.http.deps import ServicesDep
from nightshift.http.forms import FormDep
from nightshift.http.services import Services

router = APIRouter(prefix="/console/alerts", tags=["console"])
SignedInStaff = Annotated[Principal, Depends(page_requires(*STAFF))]
BACK = {"alerts": router.prefix, "inbox": "/console/inbox"}  # where a form may return to


def section(services: Services, session: SessionRecord) -> list[AlertItem]:
    """The rows of "Alerts for me" for the signed-in staff member."""
    with services.store.reading() as uow:
        return alerts.for_me(uow, session)


@router.get("", response_class=HTMLResponse)
def alerts_page(who: SignedInStaff, services: ServicesDep) -> Response:
    """The alerts section on a page of its own, refreshed live like the inbox."""
    session = _session(who)
    since = console_live.since(services, session.dealership_id)  # before what it shows
    return render(
        "alerts.html",
        headers={"Content-Security-Policy": console_live.PAGE_CSP},
        since=since,
        title="Alerts",
        who=session,
        alerts=section(services, session),
        back="alerts",
    )


@router.post("/{alert_id}/ack", response_class=HTMLResponse)
def ack(alert_id: str, who: SignedInStaff, services: ServicesDep, form: FormDep) -> Response:
    """Take the alert: it stays with you, no reroute follows."""
    return _act(services, who, alert_id, form.get("back", ""), alerts.ack)


@router.post("/{alert_id}/resolve", response_class=HTMLResponse)
def resolve(alert_id: str, who: SignedInStaff, services: ServicesDep, form: FormDep) -> Response:
    """Done with it (acknowledged first if nobody had)."""
    return _act(services, who, alert_id, form.get("back", ""), alerts.resolve)


def _act(
    services: Services,
    who: Principal,
    alert_id: str,
    back: str,
    change: Callable[[UnitOfWork, SessionRecord, int], object],
) -> Response:
    session = _session(who)
    if not alert_id.isdigit() or len(alert_id) > 18:
        return message("Not found", "alert not found", status=404)
    try:
        with services.store.unit_of_work() as uow:
            change(uow, session, int(alert_id))
    except NotFound as exc:
        return message("Not found", str(exc), status=404)
    except NotAllowed as exc:
        return message("Not allowed", str(exc), status=403)
    console_live.wake(services, session.dealership_id)
    return redirect(BACK.get(back, BACK["inbox"]) + "#alerts")


def _session(who: Principal) -> SessionRecord:
    assert who.session is not None  # a page rule authenticates by session only
    return who.session
