"""Who a campaign is for, on both backends: a no-show follow-up reaches the customers whose
appointment in the lookback was marked no-show (not those who showed, not an old no-show);
a lease-end campaign the owners whose lease ends within the lifecycle flag's months."""

from __future__ import annotations

from datetime import timedelta

from contracts.clock import FrozenClock
from crm_store import appointments, customers, outreach
from crm_store.db import Store
from crm_store.outreach import CampaignKind
from crm_store.types import AppointmentStatus, Consent
from signals.outreach_campaign import start_campaign
from signals.outreach_config import OutreachConfig
from signals.owner_import import import_owners, parse_owners
from tests.factories import Lot, make_lot
from tests.lifecycle.owners_csv import OWNERS
from tests.outreach.world import local


def _appointment(
    store: Store, clock: FrozenClock, lot: Lot, phone: str, status: AppointmentStatus
) -> int:
    """A customer with consent whose appointment (starting in an hour) ends up `status`."""
    lot_dealer, car = lot.dealer.id, lot.car.id
    with store.unit_of_work() as uow:
        person = customers.upsert_customer(uow, dealership_id=lot_dealer, phone=phone)
        if person.sms_consent is not Consent.GRANTED:
            customers.record_consent(
                uow, customer_id=person.id, state=Consent.GRANTED, source="form"
            )
        appt = appointments.create_appointment(
            uow,
            dealership_id=lot_dealer,
            vehicle_id=car,
            starts_at=clock.now() + timedelta(hours=1),
            ends_at=clock.now() + timedelta(hours=2),
            source="test",
            customer_id=person.id,
        )
    clock.advance(timedelta(hours=1))
    with store.unit_of_work() as uow:
        appointments.set_status(uow, appointment_id=appt.id, status=status)
    return person.id


def test_a_no_show_campaign_is_for_recent_no_shows(store: Store, clock: FrozenClock) -> None:
    clock.set(local(10, 0) - timedelta(days=30))
    lot = make_lot(store)
    old = _appointment(store, clock, lot, "+18052000001", AppointmentStatus.NO_SHOW)
    clock.set(local(10, 0) - timedelta(days=3))
    recent = _appointment(store, clock, lot, "+18052000002", AppointmentStatus.NO_SHOW)
    clock.advance(timedelta(hours=2))
    showed = _appointment(store, clock, lot, "+18052000003", AppointmentStatus.SHOWED)
    clock.set(local(10, 0))
    with store.unit_of_work() as uow:
        started = start_campaign(
            uow,
            dealer=lot.dealer,
            kind=CampaignKind.NO_SHOW,
            created_by="manager",
            config=OutreachConfig(lookback_days=14),
        )
        attempts = outreach.list_attempts(uow, campaign_id=started.campaign.id)
    assert [a.customer_id for a in attempts] == [recent]
    assert old != recent != showed
    assert started.campaign.template.startswith("{dealership} here: we missed you")
    assert [a.vehicle_id for a in attempts] == [lot.car.id]  # the missed appointment's car


def test_a_lease_end_campaign_is_for_owners_whose_lease_ends_soon(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(10, 0, day=7).replace(month=12))  # Dana's lease ends in March 2027
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        import_owners(uow, dealership_id=lot.dealer.id, rows=parse_owners(OWNERS.encode()))
        customers.record_consent(
            uow, customer_id=lot.shopper.id, state=Consent.GRANTED, source="form"
        )
        started = start_campaign(
            uow,
            dealer=lot.dealer,
            kind=CampaignKind.LEASE_END,
            created_by="manager",
            config=OutreachConfig(),
        )
        attempts = outreach.list_attempts(uow, campaign_id=started.campaign.id)
    # Dana Ruiz (the lot's shopper) leases; Jane Ortiz has a loan
    assert [(a.customer_id, a.status.value) for a in attempts] == [(lot.shopper.id, "queued")]
