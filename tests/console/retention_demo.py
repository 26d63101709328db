"""Service-retention data in the demo dealership (tests/demo.py) beside the KPI week
(tests/console/kpi_demo.py), for the KPI page's HTTP and browser tests. As of the end of
Wed 4 Mar 2026 (the page's period), with Los Angeles times:

Ana Ruiz (Maria's, the week's c1)  bought here 10 May 2024, service visit 14 Feb 2026 -> back.
Luis Ortega (Jake's)                bought here 1 Aug 2025, no visit             -> lapsed.
Kim Park (nobody's)                 bought here 1 Jan 2022 (over 3 years), visit -> not counted.

So the dealership: 1 of 2 (50%); Maria 1 of 1; Jake 0 of 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from crm_store import customers, dealerships, ownership, shopper_events
from crm_store.db import Store
from crm_store.ownership import OwnedVehicleFacts
from crm_store.shopper_events import NewShopperEvent
from tests.console.kpi_demo import DemoWeek
from tests.demo import SLUG
from tests.kpi_world import local


@dataclass(frozen=True)
class DemoRetention:
    ana: int
    luis: int
    kim: int


def build_demo_retention(store: Store, week: DemoWeek) -> DemoRetention:
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)

        def owner(
            phone: str,
            name: str,
            staff_id: int | None,
            vin: str,
            sold: date,
            visit: datetime | None,
        ) -> int:
            who = customers.upsert_customer(
                uow, dealership_id=dealer_id, phone=phone, name=name, assigned_staff_id=staff_id
            )
            vehicle = OwnedVehicleFacts(
                vin=vin, year=2024, make="Honda", model="CR-V", purchased_on=sold, bought_here=True
            )
            ownership.save_owned_vehicle(
                uow, dealership_id=dealer_id, customer_id=who.id, vehicle=vehicle
            )
            if visit is not None:
                event = NewShopperEvent(type="service_visit", at=visit, customer_id=who.id)
                shopper_events.record_batch(uow, dealership_id=dealer_id, events=[event])
            return who.id

        ana = owner(
            "+18055550177", "Ana Ruiz", week.maria.id, "5J6RW2H80RL000001",
            date(2024, 5, 10), local("2026-02-14 09:30"),
        )  # fmt: skip
        luis = owner(
            "+18055550178", "Luis Ortega", week.jake.id, "5J6RW2H80RL000002",
            date(2025, 8, 1), None,
        )  # fmt: skip
        kim = owner(
            "+18055550179", "Kim Park", None, "5J6RW2H80RL000003",
            date(2022, 1, 1), local("2026-01-20 11:00"),
        )  # fmt: skip
    return DemoRetention(ana, luis, kim)
