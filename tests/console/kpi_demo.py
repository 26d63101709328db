"""A small hand-checked KPI data set in the demo dealership (tests/demo.py), for the KPI
page's HTTP and browser tests, and signing a demo staff member in by a one-time link.

Times in Los Angeles (the demo's sales hours are in examples/demo-dealership.yaml):

Mon 2 Mar  c1 (Ana Ruiz, Maria's customer): shopper 08:30 (after hours), assistant
           08:30:20; financing handoff 08:31, paged to Maria 09:00, acked 09:03, Maria writes
           09:10; test drive booked by the assistant Tue 10:00 with Maria -> showed.
           c2: shopper 10:00, assistant 10:01; human_requested + negotiation handoff 10:02,
           paged to Maria, rerouted to Daniel (manager) 10:07, acked 10:09; test drive booked
           by the assistant Tue 16:00 with Daniel, not marked.
Tue 3 Mar  c3 (web): shopper 20:30 (after hours), assistant 20:30:05; financing handoff
           20:32, paged to Jake, never acked; test drive booked by staff Tue 17:00 with Jake
           -> no show.
The clock ends on Thu 5 Mar 12:00.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.clock import FrozenClock
from crm_store import customers, dealerships, staff, vehicles
from crm_store.db import Store
from crm_store.records import ConversationRecord, StaffRecord
from crm_store.types import Author, Channel
from nightshift.http.services import Services
from tests.demo import SLUG
from tests.factories import Lot
from tests.kpi_world import NO_SHOW, SHOWED, Scene


@dataclass(frozen=True)
class DemoWeek:
    c1: ConversationRecord
    c2: ConversationRecord
    c3: ConversationRecord
    maria: StaffRecord
    jake: StaffRecord
    daniel: StaffRecord


def build_demo_week(store: Store, clock: FrozenClock) -> DemoWeek:
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        maria, jake, daniel = (
            staff.find_staff(uow, dealership_id=dealer.id, handle=h)
            for h in ("maria", "jake", "daniel")
        )
        car = vehicles.list_vehicles(uow, dealership_id=dealer.id)[0]
        shopper = customers.upsert_customer(
            uow,
            dealership_id=dealer.id,
            phone="+18055550177",
            name="Ana Ruiz",
            assigned_staff_id=maria.id,
        )
    s = Scene(store, clock, Lot(dealer, maria, car, shopper))

    c1 = s.at("2026-03-02 08:30").conversation(mine=True)
    s.say(c1, Author.SHOPPER)
    s.at("2026-03-02 08:30:20").say(c1, Author.ASSISTANT)
    h1 = s.at("2026-03-02 08:31").handoff(c1, "financing")
    a1 = s.book(c1, "2026-03-03 10:00", source="assistant", staff_id=maria.id)
    s.at("2026-03-02 09:00").page(h1, maria.id)
    s.at("2026-03-02 09:03").ack(h1, maria.id)
    s.at("2026-03-02 09:10").say(c1, Author.STAFF, staff_id=maria.id)

    c2 = s.at("2026-03-02 10:00").conversation()
    s.say(c2, Author.SHOPPER)
    s.at("2026-03-02 10:01").say(c2, Author.ASSISTANT)
    h2 = s.at("2026-03-02 10:02").handoff(c2, "human_requested", "negotiation")
    s.page(h2, maria.id)
    s.book(c2, "2026-03-03 16:00", source="assistant", staff_id=daniel.id)
    s.at("2026-03-02 10:07").page(h2, daniel.id)
    s.at("2026-03-02 10:09").ack(h2, daniel.id)

    c3 = s.at("2026-03-03 20:30").conversation(channel=Channel.WEB)
    s.say(c3, Author.SHOPPER)
    s.at("2026-03-03 20:30:05").say(c3, Author.ASSISTANT)
    h3 = s.at("2026-03-03 20:32").handoff(c3, "financing")
    s.page(h3, jake.id)
    a3 = s.book(c3, "2026-03-03 17:00", source="staff", staff_id=jake.id)

    s.at("2026-03-05 12:00")
    s.mark(a1, SHOWED)
    s.mark(a3, NO_SHOW)
    return DemoWeek(c1, c2, c3, maria, jake, daniel)


def login_link(services: Services, email: str) -> str:
    """A fresh one-time sign-in link (full URL) for the demo staff member with `email`."""
    with services.store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
    asked = services.accounts.request_link(dealership_id=dealer_id, email=email)
    assert asked.link is not None, asked.refused
    return asked.link.url
