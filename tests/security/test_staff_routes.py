"""The staff routes' findings, replayed against the real app: no credential, no action;
staff messages keep the consent and the no-one-may-send rules; every action is audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import (
    api_tokens,
    appointments,
    audit,
    conversations,
    customers,
    dealerships,
    jobs,
    messages,
    staff,
    vehicles,
)
from crm_store.db import Store
from crm_store.types import AppointmentStatus, Author, Channel, Consent, VehicleStatus
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.runtime import Runtime
from nightshift.settings import Settings
from tests.demo import SLUG
from tests.tokens import api_token, bearer

SHOPPER = "+15557770301"
OTHER_SHOPPER = "+15557770302"


@dataclass
class Staffed:
    client: TestClient
    store: Store
    runtime: Runtime
    public_id: str
    conversation_id: int
    customer_id: int
    appointment_id: int

    def text(self, body: str, sid: str, sender: str = SHOPPER) -> None:
        inbound = InboundMessage(SLUG, "sms", sender, body, sid)
        self.runtime.pipeline.handle_inbound(inbound)

    def sent(self) -> list[str]:
        with self.store.reading() as uow:
            found = messages.list_messages(uow, conversation_id=self.conversation_id)
        return [m.body for m in found if m.author is Author.STAFF]

    def audit(self) -> list[audit.AuditRecord]:
        with self.store.reading() as uow:
            dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
            return audit.entries(uow, dealership_id=dealer_id)


@pytest.fixture
def staffed(quiet_demo: Settings, models_dir: Path, clock: FrozenClock) -> Iterator[Staffed]:
    store = Store(quiet_demo.database_url, clock=clock)
    app = create_app(quiet_demo, clock=clock, models_dir=models_dir)
    with TestClient(app) as client:
        runtime = services_of(app).runtime()
        runtime.pipeline.handle_inbound(InboundMessage(SLUG, "sms", SHOPPER, "hi", "SMs1"))
        runtime.pipeline.handle_inbound(InboundMessage(SLUG, "sms", OTHER_SHOPPER, "hey", "SMo1"))
        with store.unit_of_work() as uow:
            dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
            shopper = customers.find_by_phone(uow, dealership_id=dealer_id, phone=SHOPPER)
            assert shopper is not None
            convo, _ = conversations.open_conversation(
                uow, dealership_id=dealer_id, customer_id=shopper.id, channel=Channel.SMS
            )
            car = vehicles.list_vehicles(
                uow, dealership_id=dealer_id, statuses=[VehicleStatus.AVAILABLE]
            )[0]
            maria = staff.find_staff(uow, dealership_id=dealer_id, handle="maria")
            starts = datetime(2026, 3, 9, 11, tzinfo=ZoneInfo("America/Los_Angeles"))
            booked = appointments.create_appointment(
                uow,
                dealership_id=dealer_id,
                vehicle_id=car.id,
                customer_id=shopper.id,
                staff_id=maria.id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                source="test",
            )
        yield Staffed(client, store, runtime, convo.public_id, convo.id, shopper.id, booked.id)
    store.dispose()


def _post(s: Staffed, text: str, headers: dict[str, str] | None = None) -> int:
    url = f"/api/conversations/{s.public_id}/staff-messages"
    return s.client.post(url, json={"text": text}, headers=headers or {}).status_code


def test_a_staff_message_needs_a_token_of_this_dealership(staffed: Staffed) -> None:
    forged = {"staff": "maria", "text": "$1 deal, today only"}
    url = f"/api/conversations/{staffed.public_id}/staff-messages"
    anonymous = staffed.client.post(url, json=forged)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    jake = bearer(api_token(staffed.store, SLUG, staff_handle="jake"))
    assert staffed.client.post(url, json=forged, headers=jake).status_code == 403  # not jake's
    assert staffed.sent() == []

    maria = bearer(api_token(staffed.store, SLUG, staff_handle="maria"))
    answer = staffed.client.post(url, json={"text": "Hi, Maria here."}, headers=maria)
    assert answer.status_code == 201 and answer.json()["author"] == "Maria Lopez"
    assert staffed.sent() == ["Hi, Maria here."]
    [entry] = staffed.audit()
    assert (entry.action, entry.via, entry.target) == (
        "staff_message",
        "token",
        f"conversation:{staffed.public_id}",
    )
    assert "Maria Lopez (maria)" in entry.actor and "Hi, Maria" not in str(entry.detail)


def test_a_revoked_token_is_refused_at_once(staffed: Staffed) -> None:
    token = api_token(staffed.store, SLUG, staff_handle="maria")
    assert _post(staffed, "first", bearer(token)) == 201
    with staffed.store.unit_of_work() as uow:
        record = api_tokens.authenticate(uow, token=token)
        assert record is not None
        api_tokens.revoke(uow, dealership_id=record.dealership_id, token_id=record.id)
    assert _post(staffed, "second", bearer(token)) == 401
    assert staffed.sent() == ["first"]


def test_no_one_texts_a_shopper_who_opted_out(staffed: Staffed) -> None:
    staffed.text("STOP", "SMs2")
    with staffed.store.reading() as uow:
        assert customers.get_customer(uow, customer_id=staffed.customer_id).sms_consent is (
            Consent.REVOKED
        )
    maria = bearer(api_token(staffed.store, SLUG, staff_handle="maria"))
    url = f"/api/conversations/{staffed.public_id}/staff-messages"
    answer = staffed.client.post(url, json={"text": "still interested?"}, headers=maria)
    assert answer.status_code == 409 and "opted out" in answer.json()["detail"]
    assert staffed.sent() == [] and staffed.audit() == []


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Call our other buyer at (555) 777-0302, he has one", "other_customer_contact"),
        ("use this: nst_" + "A" * 40, "api_token"),
        ("open /staff/handoffs/1/1?exp=99&sig=" + "ab" * 32, "signed_link"),
    ],
)
def test_no_one_sends_another_customers_contact_or_a_secret(
    staffed: Staffed, text: str, why: str
) -> None:
    maria = bearer(api_token(staffed.store, SLUG, staff_handle="maria"))
    url = f"/api/conversations/{staffed.public_id}/staff-messages"
    answer = staffed.client.post(url, json={"text": text}, headers=maria)
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["text"] and why in problem["msg"]
    assert staffed.sent() == []


def test_the_shoppers_own_number_and_the_stores_are_fine(staffed: Staffed) -> None:
    maria = bearer(api_token(staffed.store, SLUG, staff_handle="maria"))
    text = "I'll call you at (555) 777-0301, or reach me at (805) 555-0100"
    assert _post(staffed, text, maria) == 201
    assert staffed.sent() == [text]


def test_appointment_changes_and_show_rate_need_the_right_token(staffed: Staffed) -> None:
    url = f"/api/appointments/{staffed.appointment_id}/status"
    assert staffed.client.post(url, json={"status": "cancelled", "staff": "maria"}).status_code == (
        401
    )
    with staffed.store.reading() as uow:
        booking = appointments.get_appointment(uow, appointment_id=staffed.appointment_id)
        cancel_jobs = [j for j in jobs.pending(uow) if "cancel" in j.kind]
    assert booking.status is AppointmentStatus.BOOKED and cancel_jobs == []

    week = {"start": "2026-03-09", "end": "2026-03-16"}
    rate_url = f"/api/dealerships/{SLUG}/show-rate"
    anonymous = staffed.client.get(rate_url, params=week)
    assert anonymous.status_code == 401 and "Maria" not in anonymous.text
    sales = bearer(api_token(staffed.store, SLUG, staff_handle="maria"))
    assert staffed.client.get(rate_url, params=week, headers=sales).status_code == 403
    manager = bearer(api_token(staffed.store, SLUG, staff_handle="daniel"))
    rate = staffed.client.get(rate_url, params=week, headers=manager)
    assert rate.status_code == 200 and rate.json()["staff"][0]["handle"] == "maria"

    confirmed = staffed.client.post(url, json={"status": "confirmed"}, headers=sales)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    [entry] = staffed.audit()
    assert entry.action == "appointment_status" and entry.detail["to"] == "confirmed"
    assert entry.target == f"appointment:{staffed.appointment_id}"


def test_ids_past_the_database_range_are_422_not_500(staffed: Staffed) -> None:
    sales = bearer(api_token(staffed.store, SLUG, staff_handle="maria"))
    for huge in (2**63, 10**30):
        answer = staffed.client.post(
            f"/api/appointments/{huge}/status", json={"status": "cancelled"}, headers=sales
        )
        assert answer.status_code == 422 and "appointment_id" in answer.text
