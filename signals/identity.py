"""Identity stitching: which customer an event belongs to.

In order: the customer with the event's phone (E.164), else with its e-mail, else the
customer its visitor id is tied to (a visitor link made by an earlier event with a phone or
e-mail, else the web chat session of that id, whose customer the chat created). A
`form_submission` is the shopper telling the store who they are: with a phone or e-mail of
nobody known it creates the customer (a new lead; no SMS consent is implied, it stays
unknown), and its contacts are recorded on the customer found by the visitor id.

An event that names its customer by phone or e-mail ties its visitor id to that customer,
and the visitor's earlier anonymous events join the customer then (`link_visitors`). A web
chat that opens a customer for its session does the same for the events sent before the
chat (`crm_store.customers.get_or_create_by_identity`), so the customer's events are one
indexed query later, whatever the order in which the shopper showed who they are.

`identify` is the pure decision; `stitch` applies it to a batch in order, so an event later
in a batch sees the customers and links made by the ones before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from crm_store import customers, shopper_events
from crm_store.uow import UnitOfWork
from signals.events import FORM_SUBMISSION, ShopperEvent

LEAD_SOURCE = "website_form"
How = Literal["phone", "email", "visitor", "new_lead", "anonymous"]


@dataclass(frozen=True, slots=True)
class Match:
    customer_id: int | None
    how: How


@dataclass(frozen=True, slots=True)
class Directory:
    """Who is known so far, by E.164 phone, lower-cased e-mail and visitor id."""

    by_phone: dict[str, int]
    by_email: dict[str, int]
    by_visitor: dict[str, int]


@dataclass(frozen=True, slots=True)
class Stitching:
    customer_ids: list[int | None]  # per event, in order
    created: int  # new leads
    links: dict[str, int]  # visitor id -> the customer an event named by phone or e-mail


def identify(event: ShopperEvent, known: Directory) -> Match:
    """The customer of `event` by what is known (pure): see the module docstring."""
    if event.phone and event.phone in known.by_phone:
        return Match(known.by_phone[event.phone], "phone")
    if event.email and event.email.lower() in known.by_email:
        return Match(known.by_email[event.email.lower()], "email")
    if event.visitor_id and event.visitor_id in known.by_visitor:
        return Match(known.by_visitor[event.visitor_id], "visitor")
    if event.type == FORM_SUBMISSION and (event.phone or event.email):
        return Match(None, "new_lead")
    return Match(None, "anonymous")


def stitch(uow: UnitOfWork, *, dealership_id: int, events: Sequence[ShopperEvent]) -> Stitching:
    """The customer of each event, creating new leads and recording a form's contacts."""
    people = shopper_events.known_people(
        uow,
        dealership_id=dealership_id,
        phones={e.phone for e in events if e.phone},
        emails={e.email for e in events if e.email},
        visitors={e.visitor_id for e in events if e.visitor_id},
    )
    known = Directory(dict(people.by_phone), dict(people.by_email), dict(people.by_visitor))
    ids: list[int | None] = []
    created = 0
    links: dict[str, int] = {}
    for event in events:
        match = identify(event, known)
        customer_id = match.customer_id
        if match.how == "new_lead":
            customer_id = _new_lead(uow, dealership_id, event)
            created += 1
            _remember(known, customer_id, event)
        elif customer_id is not None and event.type == FORM_SUBMISSION:
            _learn_contacts(uow, customer_id, event, known)
            _remember(known, customer_id, event)
        if customer_id is not None and event.visitor_id and match.how != "visitor":
            links[event.visitor_id] = customer_id
            known.by_visitor[event.visitor_id] = customer_id
        ids.append(customer_id)
    return Stitching(customer_ids=ids, created=created, links=links)


def _new_lead(uow: UnitOfWork, dealership_id: int, event: ShopperEvent) -> int:
    if event.phone:
        record, _ = customers.get_or_create_by_phone(
            uow, dealership_id=dealership_id, phone=event.phone, source=LEAD_SOURCE
        )
    else:
        record = customers.create_customer(uow, dealership_id=dealership_id, source=LEAD_SOURCE)
    if event.email:
        customers.update_contact(uow, customer_id=record.id, email=event.email)
    return record.id


def _learn_contacts(
    uow: UnitOfWork, customer_id: int, event: ShopperEvent, known: Directory
) -> None:
    """A form's phone or e-mail not yet known goes on the customer it belongs to (filling an
    empty field, else kept as an extra contact: never replacing a verified one)."""
    phone = event.phone if event.phone and event.phone not in known.by_phone else None
    email = event.email if event.email and event.email.lower() not in known.by_email else None
    if phone or email:
        customers.update_contact(uow, customer_id=customer_id, phone=phone, email=email)


def _remember(known: Directory, customer_id: int, event: ShopperEvent) -> None:
    if event.phone:
        known.by_phone.setdefault(event.phone, customer_id)
    if event.email:
        known.by_email.setdefault(event.email.lower(), customer_id)
