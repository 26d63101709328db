"""Service-to-sales end to end through the real app on SQLite and PostgreSQL: the owners
file and the book-value table imported over the API, then a `service_visit` event for
Dana (Maria's customer, leasing a CR-V worth $4,200 more than its residual) pages Maria at
once with the equity in the reason; a second visit the same day pages nobody, nor does the
visit of Robert, whose loan raises no flag. A bad file is a 422 naming line and column,
and writes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from crm_store import ownership, staff
from crm_store.models import Job
from handoff.pagers import STAFF_SMS_JOB
from tests.demo import SLUG
from tests.signals.test_alert_routing_http import alert_pages, eventually, live
from tests.signals.test_events_api import Site

__all__ = ["live"]  # the fixture: the app with its job runner on Tuesday 2 PM
DANA, ROBERT = "+18055550142", "+18055550178"  # demo customers, both Maria's
OWNERS = """\
name,phone,vin,year,make,model,trim,mileage,mileage_date,finance_kind,finance_start,term_months,apr,payoff,payoff_date,residual
""" + (
    'Dana Ruiz,(805) 555-0142,7FARW2H87ME012345,2021,Honda,CR-V,EX,"41,200",2026-03-01,'
    "lease,2024-06-10,24,,,,19000\n"
    "Robert Alvarez,805-555-0178,1HGCV1F34RA123456,2024,Honda,Accord,Sport,20000,2026-03-01,"
    'loan,2025-01-01,72,6.9,"30,000",2026-03-01,\n'
)
BOOK_VALUES = """\
year,make,model,trim,mileage_low,mileage_high,value
2021,Honda,CR-V,EX,30000,59999,23200
2024,Honda,Accord,,0,29999,25000
"""
REASON = (
    "Dana Ruiz is in service at 14:00; 2021 Honda CR-V EX, 41,200 mi; about $4,200 equity"
    " (18%) by book value table; lease ends in 3 months (Jun 10, 2026)"
)
CSV = {"Content-Type": "text/csv"}


def upload(site: Site, what: str, text: str) -> dict[str, object]:
    answer = site.client.post(
        f"/api/imports/{what}?dealership={SLUG}",
        content=text.encode(),
        headers={**site.headers, **CSV},
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def visit(site: Site, phone: str, event_id: str) -> int:
    event = {"type": "service_visit", "at": site.at(0), "event_id": event_id}
    answer = site.post({**event, "customer": {"phone": phone}})
    assert answer.status_code == 201, answer.text
    alerts: int = answer.json()["alerts"]
    return alerts


def test_a_flagged_customers_service_visit_pages_their_salesperson_with_the_equity(
    live: Site,
) -> None:
    assert upload(live, "owners", OWNERS) == {
        "vehicles": 2,
        "vehicles_created": 2,
        "vehicles_updated": 0,
        "customers_created": 0,  # both known by phone
        "consents_recorded": 0,
    }
    assert upload(live, "book-values", BOOK_VALUES) == {"rows": 2}

    assert visit(live, DANA, "svc-1") == 1
    # paged by the woken runner (it would otherwise look only in a minute)
    [(to, body)] = eventually(lambda: alert_pages(live.store))
    with live.store.reading() as uow:
        maria = staff.find_staff(uow, dealership_id=live.dealer_id, handle="maria")
        pages = uow.session.scalars(sa.select(Job).where(Job.key.like("alert:%:page:%"))).all()
    assert to == maria.phone
    assert body.startswith(f"Nightshift alert: {REASON} - Dana Ruiz.")
    assert "$4,200" in body
    assert sorted(j.kind for j in pages) == ["alert_email", STAFF_SMS_JOB]  # one page, two ways
    assert [j.created_at for j in pages] == [live.clock.now()] * 2  # queued with the event

    assert visit(live, DANA, "svc-2") == 0  # the same day: no second alert
    assert visit(live, ROBERT, "svc-3") == 0  # owns a car, but it raises no flag
    assert len(alert_pages(live.store)) == 1


def test_a_malformed_owners_file_names_line_and_column_and_writes_nothing(live: Site) -> None:
    bad = OWNERS.replace('"30,000"', '"30,0O0"').replace("7FARW2H87ME012345", "7FARW2H87ME01234")
    url = f"/api/imports/owners?dealership={SLUG}"
    answer = live.client.post(url, content=bad.encode(), headers={**live.headers, **CSV})
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {
            "line": 2,
            "column": "vin",
            "msg": "'7FARW2H87ME01234' is not a VIN; expected 17 letters and digits (no I, O or Q)",
        },
        {
            "line": 3,
            "column": "payoff",
            "msg": "'30,0O0' is not an amount; expected dollars like 12400.00",
        },
    ]
    as_json = live.client.post(url, json={"csv": OWNERS}, headers=live.headers)
    assert as_json.status_code == 415
    with live.store.reading() as uow:
        assert ownership.list_ownerships(uow, dealership_id=live.dealer_id) == []


def test_a_service_visits_file_over_the_api_pages_for_a_flagged_customer(live: Site) -> None:
    upload(live, "owners", OWNERS)
    upload(live, "book-values", BOOK_VALUES)
    visits = "ro_number,visit_at,phone,vin,mileage\nR-77,2026-03-10 14:00,805-555-0142,,\n"
    assert upload(live, "service-visits", visits) == {
        "visits": 1,
        "duplicates": 0,
        "customers_created": 0,
        "mileages_updated": 0,
        "alerts": 1,
    }
    [(_, body)] = eventually(lambda: alert_pages(live.store))
    assert body.startswith(f"Nightshift alert: {REASON} - Dana Ruiz.")
    assert upload(live, "service-visits", visits)["duplicates"] == 1
    late = visits.replace("2026-03-10 14:00", "2026-03-10 18:00")
    answer = live.client.post(
        f"/api/imports/service-visits?dealership={SLUG}",
        content=late.encode(),
        headers={**live.headers, **CSV},
    )
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert (problem["line"], problem["column"]) == (2, "visit_at")
    assert problem["msg"].startswith("'2026-03-10 18:00' is in the future;")
