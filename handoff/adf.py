"""ADF 1.0 ("adfxml") export of a handoff: the lead dealership CRMs (VinSolutions, DealerSocket,
eLead, CDK...) ingest, usually by e-mail. Every handoff produces one, so `adf_lead` never
refuses a summary: where the DTD requires a field the summary lacks, it writes a documented
stand-in (see `adf_lead`). The document is built with lxml (never by string concatenation) and
checked by `validate_adf` against the ADF 1.0 DTD kept next to this module (`adf.dtd`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from importlib.resources import files
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from handoff.summary import Summary, VehicleInterest

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
"""Written by hand: lxml's own declaration uses single quotes, which some CRM parsers reject."""

SOURCE = "Nightshift"
SERVICE = "AI assistant handoff"
UNKNOWN_NAME = "Unknown"
"""The customer's name when the shopper never gave one (the DTD requires a contact name)."""

ACTIVE_APPOINTMENT = frozenset({"booked", "confirmed"})
"""Appointment statuses that make the vehicle's interest a test drive (still to happen)."""

REASON_LABELS = {
    "human_requested": "asked for a person",
    "negotiation": "price negotiation",
    "financing": "financing",
    "trade_in": "trade-in",
    "complaint": "complaint",
    "purchase_intent": "ready to buy",
    "unanswered": "question the assistant could not answer",
    "other": "other",
}

CHANNEL_LABELS = {"sms": "SMS", "web": "web chat"}

# Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates,
# U+FFFE/U+FFFF): lxml refuses them, and an SMS may contain one.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Element = Any  # lxml.etree._Element; lxml ships no type information here


def adf_lead(summary: Summary, *, provider_url: str | None = None) -> bytes:
    """The handoff as one ADF 1.0 lead: UTF-8 bytes, valid against `adf.dtd`.

    Mapping: prospect id = handoff id (source "Nightshift"); requestdate = `created_at` in
    the dealership's time zone with its offset; one vehicle per vehicle of interest
    (interest "test-drive" for the one with a booked or confirmed appointment, else "buy";
    certified counts as used); the customer's contact (phone type "cellphone" on SMS, else
    "voice") and a plain-text comments block for the salesperson (ADF 1.0 has no element
    for a lead score: it is the comments' second line, "Lead score: 72: booked test drive
    (+30), ..."); the dealership as vendor;
    Nightshift as provider (with `provider_url` when given).

    Stand-ins where ADF 1.0 requires what the summary may lack: no vehicle discussed -> one
    vehicle with empty year/make/model (the usual "general inquiry" lead); no name ->
    "Unknown"; neither phone nor e-mail (an anonymous web chat) -> an empty `<email/>`, and
    the comments say to answer through the chat transcript.
    """
    adf = etree.Element("adf")
    adf.addprevious(etree.ProcessingInstruction("adf", 'version="1.0"'))
    prospect = _sub(adf, "prospect", status="new")
    _sub(prospect, "id", str(summary["handoff_id"]), sequence="1", source=SOURCE)
    _sub(prospect, "requestdate", _request_date(summary))

    appointment = summary["appointment"]
    test_drive = (
        appointment["stock"]
        if appointment is not None and appointment["status"] in ACTIVE_APPOINTMENT
        else None
    )
    for vehicle in summary["vehicles"]:
        _vehicle(prospect, vehicle, test_drive=vehicle["stock"] == test_drive)
    if not summary["vehicles"]:
        _no_vehicle(prospect, test_drive_stock=test_drive)

    customer = _sub(prospect, "customer")
    person = summary["customer"]
    _contact(
        _sub(customer, "contact", primarycontact="1"),
        name=person["name"] or UNKNOWN_NAME,
        kind="individual",
        email=person["email"],
        phone=person["phone"],
        phone_type="cellphone" if summary["channel"] == "sms" else "voice",
    )
    _sub(customer, "comments", customer_comments(summary))

    dealer = summary["dealership"]
    vendor = _sub(prospect, "vendor")
    _sub(vendor, "vendorname", dealer["name"])
    _contact(
        _sub(vendor, "contact"),
        name=dealer["name"],
        kind="business",
        email=None,
        phone=dealer["phone"],
        phone_type="voice",
        street=dealer["address"],
    )

    provider = _sub(prospect, "provider")
    _sub(provider, "name", SOURCE, part="full", type="business")
    _sub(provider, "service", SERVICE)
    if provider_url:
        _sub(provider, "url", provider_url)

    body: bytes = etree.tostring(adf.getroottree(), encoding="UTF-8", pretty_print=True)
    return XML_DECLARATION + body


def validate_adf(xml: bytes) -> list[str]:
    """Why `xml` is not a valid ADF 1.0 document, one message per problem; empty when valid.

    Checks well-formedness, that the root is `<adf>` (a DTD alone would accept any declared
    element as root), then the DTD. Entities are not expanded and nothing is fetched.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    errors = []
    if root.tag != "adf":
        errors.append(f"root element is <{root.tag}>, expected <adf>")
    dtd = etree.DTD(BytesIO(files("handoff").joinpath("adf.dtd").read_bytes()))
    if not dtd.validate(root):
        errors.extend(f"line {error.line}: {error.message}" for error in dtd.error_log)
    return errors


def customer_comments(summary: Summary) -> str:
    """The plain-text note a salesperson reads in the CRM: why, what was asked, what is set."""
    channel = CHANNEL_LABELS.get(summary["channel"], summary["channel"])
    reasons = ", ".join(REASON_LABELS.get(r, r.replace("_", " ")) for r in summary["reasons"])
    lines = [
        f"Nightshift handoff #{summary['handoff_id']} ({channel}). Why: {reasons}.",
        f"Customer's last message: {summary['last_question']}",
    ]
    score = summary.get("lead_score")  # absent from summaries stored before the score
    if score:
        lines.insert(1, f"Lead score: {score['text']}")
    appointment = summary["appointment"]
    if appointment is not None:
        titles = {v["stock"]: _title(v) for v in summary["vehicles"]}
        what = titles.get(appointment["stock"], f"stock {appointment['stock']}")
        who = f", with {appointment['staff']}" if appointment["staff"] else ""
        when = appointment["starts_at"].replace("T", " ")
        lines.append(
            f"Test drive: {when} (dealership time), {what}{who} ({appointment['status']})."
        )
    for label, value in (
        ("Budget", summary["budget"]),
        ("Trade-in", summary["trade_in"]),
        ("Financing", summary["financing"]),
    ):
        if value:
            lines.append(f"{label}: {value}")
    lines.append(f"Sentiment: {summary['sentiment']}")
    lines.append(f"Next step: {summary['next_step']}")
    person = summary["customer"]
    if not person["name"]:
        lines.append("The customer has not given a name.")
    if not person["phone"] and not person["email"]:
        lines.append("No phone or e-mail given: reply through the conversation (transcript).")
    if person.get("other_contacts"):
        lines.append("Also gave: " + ", ".join(person["other_contacts"]))
    lines.append(f"Transcript: {summary['transcript_url']}")
    return "\n".join(lines)


def _vehicle(parent: Element, vehicle: VehicleInterest, *, test_drive: bool) -> None:
    status = "new" if vehicle["condition"] == "new" else "used"
    node = _sub(parent, "vehicle", interest="test-drive" if test_drive else "buy", status=status)
    _sub(node, "year", str(vehicle["year"]))
    _sub(node, "make", vehicle["make"])
    _sub(node, "model", vehicle["model"])
    _sub(node, "vin", vehicle["vin"])
    _sub(node, "stock", vehicle["stock"])
    if vehicle["trim"]:
        _sub(node, "trim", vehicle["trim"])
    _sub(node, "odometer", str(vehicle["mileage"]), units="mi")
    if vehicle["color"]:
        colors = _sub(node, "colorcombination")
        _sub(colors, "exteriorcolor", vehicle["color"])
        _sub(colors, "preference", "1")
    _sub(node, "price", vehicle["price"], type="asking", currency="USD")
    notes = []
    if vehicle["condition"] == "certified":
        notes.append("Certified pre-owned.")
    if vehicle["status"] != "available":
        notes.append(f"Inventory status: {vehicle['status']}.")
    if notes:
        _sub(node, "comments", " ".join(notes))


def _no_vehicle(parent: Element, *, test_drive_stock: str | None) -> None:
    """ADF requires a vehicle: an empty one marks a general inquiry."""
    node = _sub(parent, "vehicle", interest="test-drive" if test_drive_stock else "buy")
    for tag in ("year", "make", "model"):
        _sub(node, tag, "")
    if test_drive_stock:
        _sub(node, "stock", test_drive_stock)
    _sub(node, "comments", "No specific vehicle discussed yet.")


def _contact(
    node: Element,
    *,
    name: str,
    kind: str,
    email: str | None,
    phone: str | None,
    phone_type: str,
    street: str | None = None,
) -> None:
    _sub(node, "name", name, part="full", type=kind)
    if email or not phone:  # the DTD wants an e-mail or a phone: an empty e-mail at worst
        _sub(node, "email", email or "")
    if phone:
        _sub(node, "phone", phone, type=phone_type)
    if street:
        _sub(_sub(node, "address"), "street", street, line="1")


def _request_date(summary: Summary) -> str:
    at = datetime.fromisoformat(summary["created_at"])
    if at.tzinfo is None:  # stored as UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(_zone(summary["dealership"]["timezone"])).isoformat(timespec="seconds")


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _title(vehicle: VehicleInterest) -> str:
    parts = (vehicle["year"], vehicle["make"], vehicle["model"], vehicle["trim"])
    return " ".join(str(p) for p in parts if p) + f", stock {vehicle['stock']}"


def _sub(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    node = etree.SubElement(parent, tag, {k: _xml_text(v) for k, v in attrs.items()})
    if text is not None:
        node.text = _xml_text(text)
    return node


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)
