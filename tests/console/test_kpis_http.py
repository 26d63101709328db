"""The KPI page and its click-through over HTTP, through the real app over the demo
dealership with a hand-checked week (tests/console/kpi_demo.py): who sees what, the numbers
shown are `dealership_kpis`'s, each list holds exactly the conversations behind its figure,
bad periods and figures get a page naming the field, and the page's files are served."""

from __future__ import annotations

import html
import json
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from console import kpi_view
from console.kpi_view import Period
from console.kpis import KpiReport, dealership_kpis
from contracts.clock import FrozenClock
from crm_store import dealerships
from tests.console.conftest import app_services
from tests.console.kpi_demo import DemoWeek, build_demo_week, login_link
from tests.console.test_sign_in_http import redeem
from tests.demo import SLUG

MARIA = "maria.lopez@harborpointhonda.example"
DANIEL = "daniel.brooks@harborpointhonda.example"
WEEK = Period(date(2026, 3, 2), date(2026, 3, 4))
PERIOD = {"from": "2026-03-02", "to": "2026-03-04"}


@pytest.fixture
def app_week(client: TestClient, clock: FrozenClock) -> tuple[TestClient, DemoWeek]:
    return client, build_demo_week(app_services(client).store, clock)


def sign_in(client: TestClient, email: str) -> None:
    path = "/console/sign-in/" + login_link(app_services(client), email).rsplit("/", 1)[1]
    assert redeem(client, path, next="/console").status_code == 303


def report(client: TestClient, staff_id: int | None = None) -> KpiReport:
    services = app_services(client)
    with services.store.reading() as uow:
        return dealership_kpis(
            uow,
            dealerships.id_for_slug(uow, slug=SLUG),
            WEEK.start,
            WEEK.end,
            staff_id=staff_id,
            ack_minutes=services.settings.handoff_ack_minutes,
        )


def listed(client: TestClient, figure: str, **extra: str) -> list[str]:
    """The conversation ids the click-through page of `figure` links to, in order."""
    answer = client.get("/console/kpis/conversations", params={"figure": figure, **PERIOD, **extra})
    assert answer.status_code == 200, answer.text
    return re.findall(r'href="/console/conversations/([^"]+)"', answer.text)


def number(page: str, figure: str, period: Period = WEEK, staff_id: int | None = None) -> int:
    """The number the page shows for `figure`, read from the link to its conversations."""
    href = html.escape(kpi_view.link(figure, period, staff_id))
    found = re.search(re.escape(f'href="{href}">') + r"(\d+)</a>", page)
    assert found is not None, f"no linked number for {figure}"
    return int(found.group(1))


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back_after(
    app_week: tuple[TestClient, DemoWeek],
) -> None:
    client, _ = app_week
    page = client.get("/console/kpis", params=PERIOD)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/console/sign-in?next=/console/kpis%3Ffrom")
    listing = client.get("/console/kpis/conversations", params={"figure": "conversations"})
    assert listing.status_code == 303
    assert listing.headers["location"].startswith("/console/sign-in?next=")


def test_a_manager_sees_the_dealerships_numbers_as_computed_and_linked(
    app_week: tuple[TestClient, DemoWeek],
) -> None:
    client, _ = app_week
    sign_in(client, DANIEL)
    home = client.get("/console")
    assert 'href="/console/kpis"' in home.text
    answer = client.get("/console/kpis", params=PERIOD)
    assert answer.status_code == 200
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["cache-control"] == "no-store"
    page = answer.text
    expected = report(client)
    for name, figure in kpi_view.figures(expected).items():  # per staff member too
        assert number(page, name) == figure.tally.count, name
    # the hand-checked week, independently of the report
    assert number(page, "reason:financing") == 2
    assert number(page, "reason:negotiation") == 1
    assert number(page, "assistant_drives") == 2 and number(page, "staff_no_show") == 1
    assert number(page, "acked_within_timeout") == 1 and number(page, "acked_known") == 3
    # assistant first replies of 20 s, 60 s and 5 s: p50 20 s, p90 1 min
    assert "<td>20 s</td><td>1 min</td>" in page
    # acks: 3 min (Maria) and 7 min (Daniel, after the reroute)
    assert "<td>3 min</td><td>7 min</td>" in page
    assert "Daniel Brooks" in page and 'id="staff"' in page  # the salesperson filter
    data = re.search(r'<script type="application/json" id="kpi-data">(.*?)</script>', page, re.S)
    assert data is not None and '"labels": ["financing"' in data.group(1).replace("\\", "")
    # reasons in words, in the table and on the chart's axis, never as codes
    assert '<th scope="row">asked for a person</th>' in page
    labels = json.loads(data.group(1))["reasons"]["labels"]
    assert "asked for a person" in labels and "human_requested" not in labels


def test_each_click_through_lists_exactly_the_conversations_behind_the_figure(
    app_week: tuple[TestClient, DemoWeek],
) -> None:
    client, week = app_week
    sign_in(client, DANIEL)
    c1, c2, c3 = week.c1.public_id, week.c2.public_id, week.c3.public_id
    assert listed(client, "reason:financing") == [c1, c3]
    assert listed(client, "after_hours") == [c1, c3]
    assert listed(client, "conversations") == [c1, c2, c3]
    assert listed(client, "staff_no_show") == [c3]
    assert listed(client, "acked_within_timeout") == [c1]
    assert listed(client, "day:2026-03-03:handoffs") == [c3]
    assert listed(client, "day:2026-03-04:conversations") == []
    for name, figure in kpi_view.figures(report(client)).items():
        assert listed(client, name) == list(figure.tally.conversations), name
    page = client.get(
        "/console/kpis/conversations", params={"figure": "conversations", **PERIOD}
    ).text
    assert "Ana Ruiz" in page  # c1's customer
    assert page.count("test drive showed") == 1 and page.count("test drive no show") == 1


def test_a_salesperson_sees_only_their_own_whatever_the_url_says(
    app_week: tuple[TestClient, DemoWeek],
) -> None:
    client, week = app_week
    sign_in(client, MARIA)
    own = report(client, staff_id=week.maria.id)
    assert own.conversations_to_booking.whole.conversations == (week.c1.public_id,)
    page = client.get("/console/kpis", params=PERIOD).text
    assert 'id="staff"' not in page and "Your conversations" in page
    assert number(page, "conversations", staff_id=week.maria.id) == 1
    asked_for_daniel = {"staff": str(week.daniel.id)}
    assert listed(client, "conversations", **asked_for_daniel) == [week.c1.public_id]
    assert listed(client, "reason:financing") == [week.c1.public_id]


def test_a_manager_narrows_to_one_salesperson(app_week: tuple[TestClient, DemoWeek]) -> None:
    client, week = app_week
    sign_in(client, DANIEL)
    page = client.get("/console/kpis", params={**PERIOD, "staff": str(week.jake.id)}).text
    assert number(page, "conversations", staff_id=week.jake.id) == 1
    assert listed(client, "conversations", staff=str(week.jake.id)) == [week.c3.public_id]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-05", "to": "2026-03-02"}, "to"),
        ({"from": "2025-01-01", "to": "2026-03-02"}, "to"),
        ({"from": "March 2"}, "from"),
        ({**PERIOD, "staff": "99999"}, "staff"),
    ],
)
def test_a_bad_period_or_filter_gets_a_page_naming_the_field(
    app_week: tuple[TestClient, DemoWeek], params: dict[str, str], field: str
) -> None:
    client, _ = app_week
    sign_in(client, DANIEL)
    answer = client.get("/console/kpis", params=params)
    assert answer.status_code == 422
    assert f"{field}:" in html.unescape(answer.text)


def test_an_unknown_figure_gets_a_page_naming_it(app_week: tuple[TestClient, DemoWeek]) -> None:
    client, _ = app_week
    sign_in(client, DANIEL)
    answer = client.get("/console/kpis/conversations", params={"figure": "everything"})
    assert answer.status_code == 422 and "figure:" in html.unescape(answer.text)


def test_the_default_period_is_the_last_30_days(app_week: tuple[TestClient, DemoWeek]) -> None:
    client, _ = app_week
    sign_in(client, DANIEL)
    page = client.get("/console/kpis").text  # the clock says Thu 5 Mar 2026
    assert 'value="2026-02-04"' in page and 'value="2026-03-05"' in page


def test_the_page_files_are_served_from_the_app(app_week: tuple[TestClient, DemoWeek]) -> None:
    client, _ = app_week
    chart = client.get("/console/static/chart.umd.min.js")
    assert chart.status_code == 200 and "Chart.js v4" in chart.text[:200]
    assert chart.headers["content-type"].startswith("text/javascript")
    assert "kpi-data" in client.get("/console/static/kpis.js").text
    assert client.get("/console/static/kpis.css").headers["content-type"].startswith("text/css")
    assert client.get("/console/static/..%2Fconsole.css").status_code == 404
