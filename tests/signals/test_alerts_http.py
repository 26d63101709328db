"""Intent alerts from shopper events, end to end through `POST /api/events` (the real app,
a real integration token, the demo dealership) on SQLite and PostgreSQL: the 4th view of a
vehicle within 48 h writes one alert and one `alert` event on the customer's timeline with
its reason in words; the dedupe, the window's edge, a refused batch, unknown types, and the
rules a dealership's world file sets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from crm_store import alerts, customers, dealerships, timeline
from crm_store.alerts import AlertRecord
from crm_store.records import TimelineEventRecord
from crm_store.types import AlertStatus
from evals.pseudonyms import Pseudonyms
from evals.world_snapshot import world_block
from nightshift.world import apply_world, load_world_file
from signals.config import SignalsConfig
from tests.demo import DEMO
from tests.signals.test_events_api import Site

DANA = "+18055550142"  # a demo customer
MARCUS = "+18055550157"
CIVIC = "N26101"  # 2026 Honda Civic LX
LABEL = "2026 Civic LX (N26101)"


def view(site: Site, phone: str = DANA, stock: str = CIVIC, **more: Any) -> dict[str, Any]:
    """A view of the vehicle page by the customer, happening now."""
    event = {"type": "vdp_view", "at": site.at(0), "vehicle": {"stock": stock}}
    return {**event, "customer": {"phone": phone}, **more}


def views_after(site: Site, *gaps: timedelta, phone: str = DANA) -> list[int]:
    """One view after each gap on the clock, one request each: the alerts each wrote."""
    written = []
    for gap in gaps:
        site.clock.advance(gap)
        answer = site.post(view(site, phone))
        assert answer.status_code == 201, answer.text
        written.append(answer.json()["alerts"])
    return written


def customer_id(site: Site, phone: str) -> int:
    with site.store.reading() as uow:
        found = customers.find_by_phone(uow, dealership_id=site.dealer_id, phone=phone)
    assert found is not None
    return found.id


def alerts_of(site: Site, phone: str = DANA) -> list[AlertRecord]:
    with site.store.reading() as uow:
        return alerts.list_alerts(
            uow, dealership_id=site.dealer_id, customer_id=customer_id(site, phone)
        )


def on_timeline(site: Site, phone: str = DANA) -> list[TimelineEventRecord]:
    with site.store.reading() as uow:
        events = timeline.customer_timeline(uow, customer_id=customer_id(site, phone))
    return [e for e in events if e.kind == "alert"]


def hours(h: int, minutes: int = 0) -> timedelta:
    return timedelta(hours=h, minutes=minutes)


def test_the_fourth_view_in_48_hours_writes_one_alert_and_its_timeline_event(site: Site) -> None:
    assert views_after(site, hours(0), hours(12), hours(12), hours(11, 58)) == [0, 0, 0, 1]
    [alert] = alerts_of(site)
    reason = f"4th view of the {LABEL} in 35 h, last just now"
    assert alert.reason == reason and alert.rule == "repeat_views"
    assert alert.status is AlertStatus.NEW and alert.fired_at == site.clock.now()
    [event] = on_timeline(site)
    assert event.data == {
        "alert_id": alert.id,
        "rule": "repeat_views",
        "reason": reason,
        "stock": CIVIC,
        "urgent": False,
    }
    with site.store.reading() as uow:
        assert [s.action for s in alerts.steps(uow, alert_id=alert.id)] == ["fired"]
    # a fifth view the same day: no second alert
    assert views_after(site, hours(3)) == [0]
    assert len(alerts_of(site)) == 1 and len(on_timeline(site)) == 1
    # nor for Marcus, who has not viewed it four times
    assert views_after(site, hours(0), phone=MARCUS) == [0] and alerts_of(site, MARCUS) == []


@pytest.mark.parametrize(("last_gap", "alerted"), [(hours(16), 1), (hours(16, 1), 0)])
def test_the_first_of_four_views_counts_exactly_48_hours_back(
    site: Site, last_gap: timedelta, alerted: int
) -> None:
    assert views_after(site, hours(0), hours(16), hours(16), last_gap)[-1] == alerted
    assert len(alerts_of(site)) == len(on_timeline(site)) == alerted


def test_four_views_in_one_batch_alert_once_and_a_refused_batch_alerts_nobody(
    site: Site,
) -> None:
    batch = [view(site, at=site.at(40 - 10 * i), event_id=f"b-{i}") for i in range(5)]
    bad = [*batch[:3], {**batch[3], "customer": {"phone": "call me"}}, batch[4]]
    refused = site.post(bad)
    assert refused.status_code == 422
    assert [p["field"] for p in refused.json()["detail"]] == ["[3].customer.phone"]
    assert site.stored() == [] and alerts_of(site) == [] and on_timeline(site) == []
    taken = site.post(batch)
    assert taken.status_code == 201 and taken.json()["alerts"] == 1
    [alert] = alerts_of(site)
    assert alert.reason == f"4th view of the {LABEL} in 30 min, last 10 min ago"


def test_events_of_unknown_types_are_stored_and_alert_nobody(site: Site) -> None:
    answer = site.post([view(site, type="brochure_download", event_id=f"u-{i}") for i in range(6)])
    assert answer.status_code == 201 and answer.json()["accepted"] == 6
    assert answer.json()["alerts"] == 0 and alerts_of(site) == [] and on_timeline(site) == []


def test_a_world_file_sets_the_dealerships_rules(site: Site) -> None:
    three = SignalsConfig.model_validate({"repeat_views": {"count": 3}})
    apply_world(site.store, load_world_file(DEMO).model_copy(update={"signals": three}))
    assert views_after(site, hours(0), hours(1), hours(1)) == [0, 0, 1]
    assert alerts_of(site)[0].reason.startswith(f"3rd view of the {LABEL} in 2 h")
    # an exported scenario keeps the block, and only what differs from the defaults
    with site.store.reading() as uow:
        dana = customers.get_customer(uow, customer_id=customer_id(site, DANA))
        dealer_world = world_block(
            uow,
            dealerships.get_dealership_by_id(uow, dealership_id=site.dealer_id),
            Pseudonyms(),
            shopper=dana,
            known_before=True,
            began=site.clock.now(),
            conversation_id=0,
        )
    assert dealer_world["signals"] == {"repeat_views": {"count": 3}}
    # loading the world without the block again: the defaults (4 views) are back
    apply_world(site.store, load_world_file(DEMO))
    assert views_after(site, *[hours(0)] * 4, phone=MARCUS) == [0, 0, 0, 1]
