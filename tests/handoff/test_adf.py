"""`handoff.adf`: the ADF 1.0 lead of a handoff, checked against the DTD kept in the repo.

Summaries are built with the real `build_summary` from plain records, as nightshift does.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from crm_store.records import (
    AppointmentRecord,
    CustomerRecord,
    DealershipRecord,
)
from crm_store.types import (
    AppointmentStatus,
    Condition,
    Consent,
    VehicleStatus,
)
from handoff.adf import adf_lead, validate_adf
from handoff.summary import LeadReason, LeadScore, Summary, build_summary
from tests import records

NOW = datetime(2026, 2, 20, 16, 5, 30, 123456, tzinfo=UTC)
HOURS = {day: (time(9), time(18)) for day in range(6)}
QUESTION = 'Is the "EX" <really> $23,995 & no fees?? Tom\'s quote said less 🚗🔥'
TRANSCRIPT = "https://harborpoint.example/console/conversations/c-77?tab=transcript&x=1"

DEALER = records.dealership(
    name="Harbor Point Honda & Sons", address="1200 Harbor Blvd, Ventura, CA 93001", hours=HOURS
)
REP = records.salesperson(status_changed_at=NOW, shifts=HOURS)
CIVIC = records.vehicle(condition=Condition.CERTIFIED)
CRV = records.vehicle(
    id=4,
    stock="N3302",
    vin="7FARS4H71SE000123",
    year=2025,
    model="CR-V",
    trim=None,
    condition=Condition.NEW,
    body="suv",
    color=None,
    mileage=12,
    price=Decimal("34150.50"),
    status=VehicleStatus.PENDING,
)
DANA = records.customer(name="Dana O'Brien", sms_consent_at=NOW, created_at=NOW)


def booking(status: AppointmentStatus = AppointmentStatus.BOOKED) -> AppointmentRecord:
    return AppointmentRecord(
        id=42,
        dealership_id=1,
        customer_id=DANA.id,
        vehicle_id=CRV.id,
        staff_id=REP.id,
        conversation_id=5,
        starts_at=datetime(2026, 2, 21, 18, 0, tzinfo=UTC),  # 10:00 in Ventura
        ends_at=datetime(2026, 2, 21, 18, 30, tzinfo=UTC),
        status=status,
        token="tok",
        sequence=1,
        source="assistant",
    )


def full_summary(**overrides: Any) -> Summary:
    arguments: dict[str, Any] = {
        "handoff_id": 314,
        "created_at": NOW,
        "dealership": DEALER,
        "customer": DANA,
        "channel": "sms",
        "reasons": ["negotiation", "trade_in"],
        "confidence": 0.874,
        "facts": {
            "budget": 30000,
            "trade_in": {"vehicle": "2014 Toyota Corolla", "mileage": "98,000 miles"},
            "financing": "pre-approved at her credit union",
        },
        "vehicles": [CIVIC, CRV],
        "appointment": booking(),
        "appointment_vehicle": CRV,
        "appointment_staff": REP,
        "last_question": QUESTION,
        "sentiment": "neutral",
        "transcript_url": TRANSCRIPT,
    }
    arguments.update(overrides)
    return build_summary(**arguments)


def minimal_summary(**customer: str | None) -> Summary:
    shopper = CustomerRecord(
        id=12,
        dealership_id=1,
        name=None,
        phone=customer.get("phone", "+18055550123"),
        email=customer.get("email"),
        assigned_staff_id=None,
        sms_consent=Consent.UNKNOWN,
        sms_consent_at=None,
        sms_consent_source=None,
        created_at=NOW,
    )
    bare = DealershipRecord(
        id=2,
        slug="bare",
        name="Bare Motors",
        timezone="America/Chicago",
        phone=None,
        address=None,
        test_drive_minutes=30,
        hours={},
    )
    return build_summary(
        handoff_id=9,
        created_at=NOW,
        dealership=bare,
        customer=shopper,
        channel="web",
        reasons=[],
        confidence=0.5,
        facts={},
        vehicles=[],
        appointment=None,
        appointment_vehicle=None,
        appointment_staff=None,
        last_question="hello?",
        sentiment="neutral",
        transcript_url="https://bare.example/t/9",
    )


def one(root: Any, path: str) -> Any:
    found = root.xpath(path)
    assert len(found) == 1, f"{path}: {found!r}"
    return found[0]


def text(root: Any, path: str) -> str:
    value = one(root, path)
    return value if isinstance(value, str) else str(value.text or "")


def test_full_lead_is_valid_adf_with_declaration_and_processing_instruction() -> None:
    xml = adf_lead(full_summary(), provider_url="https://nightshift.example")

    assert validate_adf(xml) == []
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<?adf version="1.0"?>\n<adf>')
    root = etree.fromstring(xml)
    assert root.getprevious().target == "adf"
    assert root.getprevious().text == 'version="1.0"'


def test_full_lead_fields() -> None:
    root = etree.fromstring(adf_lead(full_summary(), provider_url="https://nightshift.example"))

    assert text(root, "/adf/prospect/@status") == "new"
    assert text(root, "/adf/prospect/id") == "314"
    assert text(root, "/adf/prospect/id/@sequence") == "1"
    assert text(root, "/adf/prospect/id/@source") == "Nightshift"
    # created 16:05:30 UTC = 08:05:30 in Ventura (PST), with its offset, whole seconds
    assert text(root, "/adf/prospect/requestdate") == "2026-02-20T08:05:30-08:00"

    civic, crv = root.xpath("/adf/prospect/vehicle")
    assert civic.get("interest") == "buy"
    assert civic.get("status") == "used"  # certified pre-owned is used in ADF
    assert [c.tag for c in civic] == [
        "year",
        "make",
        "model",
        "vin",
        "stock",
        "trim",
        "odometer",
        "colorcombination",
        "price",
        "comments",
    ]
    assert text(civic, "year") == "2021"
    assert text(civic, "make") == "Honda"
    assert text(civic, "model") == "Civic"
    assert text(civic, "vin") == "2HGFE2F59MH512345"
    assert text(civic, "stock") == "U2101"
    assert text(civic, "trim") == "EX"
    assert text(civic, "odometer") == "28450"
    assert text(civic, "odometer/@units") == "mi"
    assert text(civic, "colorcombination/exteriorcolor") == "Sonic Gray Pearl"
    assert text(civic, "price") == "23995.00"
    assert text(civic, "price/@type") == "asking"
    assert text(civic, "price/@currency") == "USD"
    assert "Certified pre-owned" in text(civic, "comments")

    assert crv.get("interest") == "test-drive"  # the booked one, though listed second
    assert crv.get("status") == "new"
    assert text(crv, "model") == "CR-V"
    assert text(crv, "stock") == "N3302"
    assert text(crv, "price") == "34150.50"
    assert crv.xpath("trim | colorcombination") == []
    assert "Inventory status: pending" in text(crv, "comments")

    contact = one(root, "/adf/prospect/customer/contact")
    assert contact.get("primarycontact") == "1"
    assert text(contact, "name") == "Dana O'Brien"
    assert text(contact, "name/@part") == "full"
    assert text(contact, "email") == "dana@example.com"
    assert text(contact, "phone") == "+18055550199"
    assert text(contact, "phone/@type") == "cellphone"

    vendor = one(root, "/adf/prospect/vendor")
    assert text(vendor, "vendorname") == "Harbor Point Honda & Sons"
    assert text(vendor, "contact/name") == "Harbor Point Honda & Sons"
    assert text(vendor, "contact/name/@type") == "business"
    assert text(vendor, "contact/phone") == "+18055550100"
    assert text(vendor, "contact/address/street") == "1200 Harbor Blvd, Ventura, CA 93001"

    provider = one(root, "/adf/prospect/provider")
    assert text(provider, "name") == "Nightshift"
    assert text(provider, "name/@part") == "full"
    assert text(provider, "service") == "AI assistant handoff"
    assert text(provider, "url") == "https://nightshift.example"


def test_customer_comments_carry_the_whole_summary_and_the_question_verbatim() -> None:
    xml = adf_lead(full_summary())
    comments = text(etree.fromstring(xml), "/adf/prospect/customer/comments")

    assert QUESTION in comments
    assert "Why: price negotiation, trade-in." in comments
    assert "Test drive: 2026-02-21 10:00 (dealership time), 2025 Honda CR-V, stock N3302" in (
        comments
    )
    assert "with Maria Lopez (booked)" in comments
    assert "Budget: up to $30,000" in comments
    assert "Trade-in: vehicle: 2014 Toyota Corolla, mileage: 98,000 miles" in comments
    assert "Financing: pre-approved at her credit union" in comments
    assert "Sentiment: neutral" in comments
    assert "Next step: Call with pricing" in comments
    assert f"Transcript: {TRANSCRIPT}" in comments
    # escaped on the wire, not smuggled through as markup; the emoji stays UTF-8
    assert b"&lt;really&gt;" in xml
    assert b"&amp; no fees" in xml
    assert "🚗🔥".encode() in xml
    assert b"<really>" not in xml


def test_the_lead_score_is_the_comments_second_line() -> None:
    score = LeadScore(
        value=72,
        text="72: booked test drive (+30), 4 views of N3302 this week (+18), financing asked (+10)",
        reasons=[LeadReason(code="test_drive_booked", words="booked test drive", points=30)],
    )
    xml = adf_lead(full_summary(lead_score=score))
    lines = text(etree.fromstring(xml), "/adf/prospect/customer/comments").splitlines()

    assert validate_adf(xml) == []
    assert lines[0].startswith("Nightshift handoff #314")
    assert lines[1] == (
        "Lead score: 72: booked test drive (+30), 4 views of N3302 this week (+18),"
        " financing asked (+10)"
    )
    # a summary stored before the score (or with no scorer wired) has no such line
    unscored: Any = dict(full_summary())
    del unscored["lead_score"]
    for summary in (full_summary(), unscored):
        comments = text(etree.fromstring(adf_lead(summary)), "/adf/prospect/customer/comments")
        assert "Lead score" not in comments


def test_no_provider_url_means_no_url_element() -> None:
    root = etree.fromstring(adf_lead(full_summary()))

    assert root.xpath("/adf/prospect/provider/url") == []


def test_web_chat_phone_is_voice() -> None:
    root = etree.fromstring(adf_lead(full_summary(channel="web")))

    assert text(root, "/adf/prospect/customer/contact/phone/@type") == "voice"


@pytest.mark.parametrize("status", [AppointmentStatus.CANCELLED, AppointmentStatus.SHOWED])
def test_a_test_drive_no_longer_ahead_is_not_the_interest(status: AppointmentStatus) -> None:
    xml = adf_lead(full_summary(appointment=booking(status)))
    root = etree.fromstring(xml)

    assert validate_adf(xml) == []
    assert root.xpath("/adf/prospect/vehicle/@interest") == ["buy", "buy"]


def test_minimal_lead_with_only_a_phone_and_no_vehicle_is_valid() -> None:
    xml = adf_lead(minimal_summary())
    root = etree.fromstring(xml)

    assert validate_adf(xml) == []
    vehicle = one(root, "/adf/prospect/vehicle")
    assert [(c.tag, c.text) for c in vehicle][:3] == [
        ("year", None),
        ("make", None),
        ("model", None),
    ]
    assert "No specific vehicle" in text(vehicle, "comments")
    contact = one(root, "/adf/prospect/customer/contact")
    assert text(contact, "name") == "Unknown"  # ADF requires a name
    assert text(contact, "phone") == "+18055550123"
    assert contact.xpath("email") == []
    comments = text(root, "/adf/prospect/customer/comments")
    assert "has not given a name" in comments
    assert "Why: other." in comments
    assert "Test drive" not in comments and "Budget" not in comments
    # a dealership without phone or address is still a valid vendor contact
    assert text(root, "/adf/prospect/vendor/vendorname") == "Bare Motors"
    assert root.xpath("/adf/prospect/vendor/contact/address") == []
    assert text(root, "/adf/prospect/requestdate") == "2026-02-20T10:05:30-06:00"


def test_anonymous_web_chat_is_still_valid_and_says_where_to_reply() -> None:
    xml = adf_lead(minimal_summary(phone=None))
    root = etree.fromstring(xml)

    assert validate_adf(xml) == []
    assert text(root, "/adf/prospect/customer/contact/email") == ""
    assert "No phone or e-mail given" in text(root, "/adf/prospect/customer/comments")


def test_email_only_customer() -> None:
    xml = adf_lead(minimal_summary(phone=None, email="pat@example.com"))
    root = etree.fromstring(xml)

    assert validate_adf(xml) == []
    assert text(root, "/adf/prospect/customer/contact/email") == "pat@example.com"
    assert root.xpath("/adf/prospect/customer/contact/phone") == []


def test_characters_xml_cannot_carry_are_dropped_not_fatal() -> None:
    xml = adf_lead(full_summary(last_question="bell\x07 and nul\x00 here\ttab"))

    assert validate_adf(xml) == []
    comments = text(etree.fromstring(xml), "/adf/prospect/customer/comments")
    assert "bell and nul here\ttab" in comments


def _broken(change: str) -> bytes:
    root = etree.fromstring(adf_lead(full_summary()))
    prospect = one(root, "/adf/prospect")
    if change == "no requestdate":
        prospect.remove(one(prospect, "requestdate"))
    elif change == "bad interest":
        one(prospect, "vehicle[1]").set("interest", "maybe")
    elif change == "no vehicle":
        for vehicle in prospect.xpath("vehicle"):
            prospect.remove(vehicle)
    elif change == "contact without phone or email":
        contact = one(prospect, "customer/contact")
        for node in contact.xpath("email | phone"):
            contact.remove(node)
    elif change == "undeclared element":
        etree.SubElement(one(prospect, "customer"), "favouritecolor").text = "red"
    elif change == "vehicle out of order":
        vehicle = one(prospect, "vehicle[1]")
        vehicle.insert(0, one(vehicle, "model"))
    elif change == "wrong root":
        return bytes(etree.tostring(one(prospect, "vehicle[1]")))
    return bytes(etree.tostring(root))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("no requestdate", "prospect"),
        ("bad interest", "interest"),
        ("no vehicle", "prospect"),
        ("contact without phone or email", "contact"),
        ("undeclared element", "favouritecolor"),
        ("vehicle out of order", "vehicle"),
        ("wrong root", "expected <adf>"),
    ],
)
def test_validator_rejects_broken_documents(change: str, expected: str) -> None:
    errors = validate_adf(_broken(change))

    assert errors, change
    assert any(expected in error for error in errors), errors


def test_validator_rejects_malformed_xml() -> None:
    errors = validate_adf(b"<adf><prospect></adf>")

    assert len(errors) == 1
    assert errors[0].startswith("not well-formed XML")
