"""The KPI page's retention section over HTTP, through the real app over the demo dealership
with the hand-checked week and retention data (tests/console/retention_demo.py): the show rate
by source and service retention as computed, linked; each customer list holds exactly the
customers behind its number, a salesperson only their own whatever the URL says; a bad list
gets a page naming the field; visitors must sign in."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from console import kpi_view
from contracts.clock import FrozenClock
from tests.console.conftest import app_services
from tests.console.kpi_demo import DemoWeek, build_demo_week
from tests.console.retention_demo import DemoRetention, build_demo_retention
from tests.console.test_kpis_http import DANIEL, MARIA, PERIOD, WEEK, number, sign_in


@pytest.fixture
def demo(client: TestClient, clock: FrozenClock) -> tuple[TestClient, DemoWeek, DemoRetention]:
    store = app_services(client).store
    week = build_demo_week(store, clock)
    return client, week, build_demo_retention(store, week)


def customers(client: TestClient, which: str, **extra: str) -> list[int]:
    """The customer ids a retention list links to, in order."""
    answer = client.get("/console/kpis/customers", params={"list": which, **PERIOD, **extra})
    assert answer.status_code == 200, answer.text
    return [int(i) for i in re.findall(r'href="/console/customers/(\d+)"', answer.text)]


def retention_number(page: str, which: str, staff_id: int | None = None) -> int:
    href = html.escape(kpi_view.customers_link(which, WEEK, staff_id))
    found = re.search(re.escape(f'href="{href}">') + r"(\d+)</a>", page)
    assert found is not None, f"no linked number for {which}"
    return int(found.group(1))


def test_a_manager_sees_retention_and_the_show_rate_by_source(
    demo: tuple[TestClient, DemoWeek, DemoRetention],
) -> None:
    client, _, _ = demo
    sign_in(client, DANIEL)
    page = client.get("/console/kpis", params=PERIOD).text
    assert "<h2>Retention</h2>" in page and "<h2>Show rate by source</h2>" in page
    assert "<h2>Outreach</h2>" in page and number(page, "outreach_sent") == 0
    assert (retention_number(page, "returned"), retention_number(page, "sold")) == (1, 2)
    assert retention_number(page, "lapsed") == 1
    assert "<td>50% (" in page  # 1 of 2 back for service
    assert "Customers sold a vehicle from 2023-03-05 to 2026-03-04" in page
    assert "service visit since 2025-03-05" in page
    # c1 and c2 by the assistant over SMS (c1 showed); c3 by staff in a web chat (no show)
    assert number(page, "source:sms:drives") == 2 and number(page, "source:sms:showed") == 1
    assert number(page, "source:web:drives") == 0
    assert number(page, "source:staff:no_show") == 1
    assert '<th scope="row">Assistant, by text</th>' in page


def test_each_retention_list_holds_exactly_its_customers(
    demo: tuple[TestClient, DemoWeek, DemoRetention],
) -> None:
    client, week, people = demo
    sign_in(client, DANIEL)
    assert customers(client, "sold") == [people.luis, people.ana]  # latest sale first
    assert customers(client, "returned") == [people.ana]
    assert customers(client, "lapsed") == [people.luis]
    assert customers(client, "sold", staff=str(week.jake.id)) == [people.luis]
    page = client.get("/console/kpis/customers", params={"list": "returned", **PERIOD}).text
    assert "Ana Ruiz" in page and "<td>2024-05-10</td>" in page and "2026-02-14" in page
    assert "Kim Park" not in page


def test_a_salesperson_sees_only_their_own_customers_whatever_the_url_says(
    demo: tuple[TestClient, DemoWeek, DemoRetention],
) -> None:
    client, week, people = demo
    sign_in(client, MARIA)
    page = client.get("/console/kpis", params=PERIOD).text
    assert retention_number(page, "sold", week.maria.id) == 1
    assert retention_number(page, "returned", week.maria.id) == 1
    assert customers(client, "sold", staff=str(week.jake.id)) == [people.ana]
    assert customers(client, "lapsed") == []


def test_an_unknown_list_gets_a_page_naming_it(
    demo: tuple[TestClient, DemoWeek, DemoRetention],
) -> None:
    client, _, _ = demo
    sign_in(client, DANIEL)
    answer = client.get("/console/kpis/customers", params={"list": "everyone"})
    assert answer.status_code == 422
    assert "list: " in html.unescape(answer.text) and "sold or returned or lapsed" in answer.text


def test_visitors_are_sent_to_sign_in(demo: tuple[TestClient, DemoWeek, DemoRetention]) -> None:
    client, _, _ = demo
    answer = client.get("/console/kpis/customers", params={"list": "sold"})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/console/sign-in?next=")
