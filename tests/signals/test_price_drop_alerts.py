"""Price-drop alerts from inventory changes, through the real app on SQLite and PostgreSQL:
`PATCH /api/inventory/{stock}` (an integration token, audited) and a world file loaded
again with a new price. Only the customers who viewed the vehicle, watched its price or
asked about it in a conversation are alerted, once a day; a rise alerts nobody."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crm_store import alerts, audit, customers, vehicle_interest
from nightshift.world import apply_world, load_world_file
from nightshift.world.schema import WorldSpec
from tests.demo import DEMO
from tests.signals.test_events_api import Site

CIVIC, SPORT = "N26101", "N26102"  # the 2026 Civic LX at $25,895, the Civic Sport
DAY = 24 * 60  # minutes
PEOPLE = {
    "dana": "+18055550142",  # viewed the LX two days ago
    "marcus": "+18055550157",  # watches its price since three days ago
    "emily": "+18055550163",  # asked about it by text today
    "sam": "+18055550199",  # a new lead who looked at the Sport only
}


def interest(site: Site) -> dict[str, int]:
    """The demo's shoppers' interest in the Civic LX (and one's in the Sport only); their
    customer ids by name."""

    def event(kind: str, who: str, stock: str, days_ago: float) -> dict[str, Any]:
        when = site.at(days_ago * DAY)
        return {
            "type": kind,
            "at": when,
            "customer": {"phone": PEOPLE[who]},
            "vehicle": {"stock": stock},
        }

    sent = site.post(
        [
            event("vdp_view", "dana", CIVIC, 2),
            event("price_watch", "marcus", CIVIC, 3),
            event("form_submission", "sam", SPORT, 1),
            event("vdp_view", "sam", SPORT, 1),
            {
                "type": "vdp_view",
                "at": site.at(5),
                "visitor_id": "v-anon",
                "vehicle": {"stock": CIVIC},
            },
        ]
    )
    assert sent.status_code == 201 and sent.json()["alerts"] == 0, sent.text
    with site.store.unit_of_work() as uow:
        ids = {
            name: customers.find_by_phone(uow, dealership_id=site.dealer_id, phone=phone)
            for name, phone in PEOPLE.items()
        }
        emily = ids["emily"]
        assert emily is not None
        vehicle_interest.record_asked(
            uow, dealership_id=site.dealer_id, customer_id=emily.id, stocks=[CIVIC], channel="sms"
        )
    return {name: found.id for name, found in ids.items() if found is not None}


def reasons(site: Site, ids: dict[str, int]) -> dict[str, list[str]]:
    """Each shopper's alert reasons, oldest first."""
    with site.store.reading() as uow:
        written = alerts.list_alerts(uow, dealership_id=site.dealer_id)
    return {
        name: [a.reason for a in written if a.customer_id == customer_id]
        for name, customer_id in ids.items()
    }


def expected(new_price: str) -> dict[str, list[str]]:
    """The reasons of a $1,000 drop of the Civic LX to `new_price`, by shopper."""
    headline = f"Price of the 2026 Civic LX (N26101) dropped $1,000 to {new_price}"
    return {
        "dana": [f"{headline}; viewed once, on Mar 4"],
        "marcus": [f"{headline}; watching its price since Mar 3"],
        "emily": [f"{headline}; asked about it by text on Mar 6"],
        "sam": [],
    }


def patch(site: Site, stock: str, body: dict[str, Any]) -> Any:
    return site.client.patch(f"/api/inventory/{stock}", json=body, headers=site.headers)


def test_a_lower_price_by_the_inventory_api_alerts_who_was_interested(site: Site) -> None:
    ids = interest(site)
    dropped = patch(site, CIVIC, {"price": 24895})
    assert dropped.status_code == 200, dropped.text
    assert dropped.json() == {"stock": CIVIC, "price": 24895.0, "status": "available", "alerts": 3}
    assert reasons(site, ids) == expected("$24,895")
    # a rise alerts nobody, nor does a second drop the same day
    assert patch(site, CIVIC, {"price": 26500}).json()["alerts"] == 0
    assert patch(site, CIVIC, {"price": 23995, "status": "pending"}).json()["alerts"] == 0
    assert reasons(site, ids) == expected("$24,895")
    with site.store.reading() as uow:
        trail = [
            e
            for e in audit.entries(uow, dealership_id=site.dealer_id)
            if e.action == "inventory_update"
        ]
    assert {e.target for e in trail} == {f"vehicle:{CIVIC}"}
    assert sorted(e.detail["price"][1] for e in trail) == ["23995", "24895", "26500"]


def test_the_inventory_api_names_what_it_refuses(site: Site) -> None:
    missing = patch(site, "NOPE1", {"price": 1000})
    assert missing.status_code == 404 and "'NOPE1'" in missing.json()["detail"]
    for body, field in (
        ({"price": -5}, "price"),
        ({"price": "cheap"}, "price"),
        ({"status": "gone"}, "status"),
        ({"colour": "red"}, "colour"),
    ):
        answer = patch(site, CIVIC, body)
        assert answer.status_code == 422, body
        assert [p["loc"] for p in answer.json()["detail"]] == [["body", field]], body
    empty = patch(site, CIVIC, {})
    assert empty.status_code == 422 and "nothing to change" in empty.text


def world_with_price(price: int) -> WorldSpec:
    world = load_world_file(DEMO)
    cars = [
        c.model_copy(update={"price": Decimal(price)}) if c.stock == CIVIC else c
        for c in world.inventory
    ]
    return world.model_copy(update={"inventory": cars})


def test_a_world_file_loaded_with_a_lower_price_alerts_who_was_interested(site: Site) -> None:
    ids = interest(site)
    assert apply_world(site.store, world_with_price(25895)).alerts == 0  # unchanged
    assert apply_world(site.store, world_with_price(26895)).alerts == 0  # a rise
    dropped = apply_world(site.store, world_with_price(25895))
    assert dropped.alerts == 3 and "3 price-drop alerts" in str(dropped)
    assert reasons(site, ids) == expected("$25,895")
