"""The console's KPI page `/console/kpis` (numbers, tables and charts over a period) and its
click-throughs `/console/kpis/conversations` (the conversations behind one figure) and
`/console/kpis/customers` (a service-retention list, as of the period's end), plus the
files the page loads (its script and stylesheet, the vendored Chart.js: no CDN, works
offline).

Who sees what: a manager sees the dealership's KPIs and may narrow them to one salesperson;
anyone else on the staff sees their own (`staff_id` is always theirs, whatever the URL says).
The click-through names a figure and the period, never ids: the list page recomputes the
report with the same rule, so a URL cannot show conversations its reader may not see.

The KPI page is the one console page with scripts: its Content-Security-Policy adds
`script-src 'self'` (files from this site only; the chart data sits in a
`<script type="application/json">` block, which is never executed).
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from console import kpi_view
from console.kpi_view import Period
from console.kpis import KpiReport, dealership_kpis, retention_window
from crm_store import dealerships, kpi_conversations, retention, staff
from crm_store.errors import InvalidValue
from crm_store.records import StaffRecord
from crm_store.types import Role
from crm_store.uow import UnitOfWork
from nightshift.http.auth import STAFF, Principal, page_requires
from nightshift.http.console_pages import HEADERS, message, render
from nightshift.http.deps import ServicesDep
from nightshift.http.services import Services

router = APIRouter(prefix="/console/kpis", tags=["console"])
SignedInStaff = Annotated[Principal, Depends(page_requires(*STAFF))]
From = Annotated[str | None, Query(alias="from", description="first day, YYYY-MM-DD")]
To = Annotated[str | None, Query(alias="to", description="last day (included), YYYY-MM-DD")]
StaffFilter = Annotated[
    str | None, Query(alias="staff", description="a salesperson's id (managers only)")
]
PAGE_CSP = HEADERS["Content-Security-Policy"] + "; script-src 'self'"
MAX_LISTED = 500
MAX_CUSTOMERS = 200
RetentionList = Annotated[str, Query(alias="list", description="sold, returned or lapsed")]


@router.get("", response_class=HTMLResponse)
def kpi_page(
    who: SignedInStaff,
    services: ServicesDep,
    start: From = None,
    last: To = None,
    staff_filter: StaffFilter = None,
) -> Response:
    """The KPIs over the period: each number links to the conversations behind it."""
    try:
        with services.store.reading() as uow:
            shown, staff_id, team, report = _report(uow, services, who, start, last, staff_filter)
    except InvalidValue as exc:
        return message("Not a valid period or salesperson", str(exc), status=422)
    names = {member.id: member.name for member in team}
    return render(
        "kpis.html",
        headers={"Content-Security-Policy": PAGE_CSP},
        title="KPIs",
        who=who.session,
        report=report,
        period=shown,
        staff_id=staff_id,
        team=team,
        names=names,
        manager=_is_manager(who),
        link=lambda figure: kpi_view.link(figure, shown, staff_id),
        customers_link=lambda which: kpi_view.customers_link(which, shown, staff_id),
        view=kpi_view,
        tz=ZoneInfo(report.timezone),
        chart=kpi_view.chart_data(report, shown, staff_id),
    )


@router.get("/conversations", response_class=HTMLResponse)
def figure_conversations(
    who: SignedInStaff,
    services: ServicesDep,
    figure: Annotated[str, Query(description="a figure's name (console.kpi_view)")],
    start: From = None,
    last: To = None,
    staff_filter: StaffFilter = None,
) -> Response:
    """The conversations behind one figure of the KPI page, each linking to its transcript."""
    try:
        with services.store.reading() as uow:
            shown, staff_id, team, report = _report(uow, services, who, start, last, staff_filter)
            names = {member.id: member.name for member in team}
            found = kpi_view.figures(report, names).get(figure)
            if found is None:
                raise InvalidValue("figure", figure, "the name of a figure of the KPI page")
            ids = found.tally.conversations
            listed = kpi_conversations.conversations_by_public_id(
                uow, dealership_id=who.dealership_id, public_ids=ids[:MAX_LISTED]
            )
    except InvalidValue as exc:
        return message("Not a valid figure", str(exc), status=422)
    return render(
        "kpis_conversations.html",
        title=found.label,
        who=who.session,
        figure=found,
        period=shown,
        staff=next((m.name for m in team if m.id == staff_id), None),
        conversations=listed,
        total=len(ids),
        back=_page_url(shown, staff_id),
        timezone=ZoneInfo(report.timezone),
    )


@router.get("/customers", response_class=HTMLResponse)
def retention_list(
    who: SignedInStaff,
    services: ServicesDep,
    which: RetentionList,
    start: From = None,
    last: To = None,
    staff_filter: StaffFilter = None,
) -> Response:
    """The customers behind the service-retention figure as of the period's end (the first
    `MAX_CUSTOMERS`, latest sale first), each linking to their page."""
    try:
        with services.store.reading() as uow:
            chosen = next((w for w in kpi_view.RETENTION_LISTS if w == which), None)
            if chosen is None:
                raise InvalidValue("list", which, " or ".join(kpi_view.RETENTION_LISTS))
            shown, staff_id, team, zone = _scope(uow, who, start, last, staff_filter)
            window = retention_window(shown.end, zone)
            counts = retention.service_retention(
                uow, dealership_id=who.dealership_id, window=window, staff_id=staff_id
            )
            listed = retention.retention_customers(
                uow,
                dealership_id=who.dealership_id,
                window=window,
                which=chosen,
                staff_id=staff_id,
                limit=MAX_CUSTOMERS,
            )
    except InvalidValue as exc:
        return message("Not a valid list", str(exc), status=422)
    total = {"sold": counts.sold, "returned": counts.returned}.get(
        chosen, counts.sold - counts.returned
    )
    return render(
        "kpis_customers.html",
        title=kpi_view.RETENTION_LISTS[chosen],
        who=who.session,
        window=window,
        period=shown,
        staff=next((m.name for m in team if m.id == staff_id), None),
        customers=listed,
        total=total,
        back=_page_url(shown, staff_id),
        timezone=zone,
    )


def _is_manager(who: Principal) -> bool:
    return who.role == Role.MANAGER.value


def _report(
    uow: UnitOfWork,
    services: Services,
    who: Principal,
    start: str | None,
    last: str | None,
    staff_filter: str | None,
) -> tuple[Period, int | None, list[StaffRecord], KpiReport]:
    """The period, whose figures (see the module docstring), the team a manager may filter
    by, and the report."""
    shown, staff_id, team, _ = _scope(uow, who, start, last, staff_filter)
    report = dealership_kpis(
        uow,
        who.dealership_id,
        shown.start,
        shown.end,
        staff_id=staff_id,
        ack_minutes=services.settings.handoff_ack_minutes,
    )
    return shown, staff_id, team, report


def _scope(
    uow: UnitOfWork, who: Principal, start: str | None, last: str | None, staff_filter: str | None
) -> tuple[Period, int | None, list[StaffRecord], ZoneInfo]:
    """The period, whose figures, the team a manager may filter by, the dealership's zone."""
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=who.dealership_id)
    zone = ZoneInfo(dealer.timezone)
    shown = kpi_view.period(uow.now().astimezone(zone).date(), start, last)
    team: list[StaffRecord] = []
    staff_id = who.staff_id
    if _is_manager(who):
        team = staff.list_staff(uow, dealership_id=who.dealership_id)
        staff_id = _member(team, staff_filter)
    return shown, staff_id, team, zone


def _member(team: list[StaffRecord], staff_filter: str | None) -> int | None:
    if not staff_filter:
        return None
    chosen = next((m.id for m in team if str(m.id) == staff_filter.strip()), None)
    if chosen is None:
        raise InvalidValue("staff", staff_filter, "the id of one of the dealership's staff")
    return chosen


def _page_url(shown: Period, staff_id: int | None) -> str:
    url = f"/console/kpis?from={shown.start.isoformat()}&to={shown.last.isoformat()}"
    return url + (f"&staff={staff_id}" if staff_id is not None else "")
