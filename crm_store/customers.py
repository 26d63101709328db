"""Customers (one CRM record per phone number per dealership) and their SMS consent."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm_store import shopper_events
from crm_store.models import ChannelIdentity, ConsentRecord, Customer, TimelineEvent
from crm_store.phones import normalise_phone
from crm_store.records import ConsentChange, CustomerRecord, from_row
from crm_store.timeline import add_event, new_event
from crm_store.types import Channel, Consent
from crm_store.uow import UnitOfWork


def get_or_create_by_phone(
    uow: UnitOfWork, *, dealership_id: int, phone: str, source: str
) -> tuple[CustomerRecord, bool]:
    """The customer with this phone, created on first contact; safe under concurrency.

    Returns the record and whether it was created now. Two first messages from the same new
    number at once create one customer: the loser of the UNIQUE race reads the winner's row.
    """
    e164 = normalise_phone(phone)
    row = _by_phone(uow, dealership_id, e164)
    if row is not None:
        return _record(row), False
    now = uow.now()
    row = Customer(
        dealership_id=dealership_id,
        phone=e164,
        sms_consent=Consent.UNKNOWN,
        created_at=now,
        updated_at=now,
    )
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        existing = _by_phone(uow, dealership_id, e164)
        if existing is None:
            raise
        return _record(existing), False
    add_event(
        uow,
        dealership_id=dealership_id,
        customer_id=row.id,
        kind="customer_created",
        data={"source": source},
    )
    return _record(row), True


def get_or_create_by_identity(
    uow: UnitOfWork, *, dealership_id: int, channel: Channel, external_id: str
) -> tuple[CustomerRecord, bool]:
    """The customer a channel knows by `external_id` (a web chat session), created if new.

    A new web chat customer gets the website events its session id sent anonymously before
    (the widget's session id is the visitor id of `crm_store.shopper_events`)."""
    query = sa.select(ChannelIdentity).where(
        ChannelIdentity.dealership_id == dealership_id,
        ChannelIdentity.channel == channel,
        ChannelIdentity.external_id == external_id,
    )
    identity = uow.session.scalar(query)
    if identity is not None:
        return get_customer(uow, customer_id=identity.customer_id), False
    try:
        with uow.session.begin_nested():
            record = create_customer(uow, dealership_id=dealership_id, source=channel.value)
            uow.session.add(
                ChannelIdentity(
                    dealership_id=dealership_id,
                    channel=channel,
                    external_id=external_id,
                    customer_id=record.id,
                    created_at=uow.now(),
                )
            )
    except IntegrityError:
        identity = uow.session.scalar(query)
        if identity is None:
            raise
        return get_customer(uow, customer_id=identity.customer_id), False
    if channel is Channel.WEB:  # the chat's session id is the website's visitor id
        shopper_events.claim_visitor_events(
            uow, dealership_id=dealership_id, visitor_id=external_id, customer_id=record.id
        )
    return record, True


def find_by_identity(
    uow: UnitOfWork, *, dealership_id: int, channel: Channel, external_id: str
) -> CustomerRecord | None:
    identity = uow.session.scalar(
        sa.select(ChannelIdentity).where(
            ChannelIdentity.dealership_id == dealership_id,
            ChannelIdentity.channel == channel,
            ChannelIdentity.external_id == external_id,
        )
    )
    return None if identity is None else get_customer(uow, customer_id=identity.customer_id)


def create_customer(
    uow: UnitOfWork, *, dealership_id: int, source: str, name: str | None = None
) -> CustomerRecord:
    """A customer known only by a channel session (e.g. the web widget), without a phone."""
    now = uow.now()
    row = Customer(
        dealership_id=dealership_id,
        name=name,
        sms_consent=Consent.UNKNOWN,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.flush()
    add_event(
        uow,
        dealership_id=dealership_id,
        customer_id=row.id,
        kind="customer_created",
        data={"source": source},
    )
    return _record(row)


def upsert_customer(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    phone: str,
    name: str | None = None,
    email: str | None = None,
    assigned_staff_id: int | None = None,
) -> CustomerRecord:
    """Create or update the customer with this phone; fields given as None are left as stored."""
    record, _created = get_or_create_by_phone(
        uow, dealership_id=dealership_id, phone=phone, source="import"
    )
    row = _get(uow, record.id)
    if name is not None:
        row.name = name
    if email is not None:
        row.email = email
    if assigned_staff_id is not None:
        row.assigned_staff_id = assigned_staff_id
    row.updated_at = uow.now()
    uow.flush()
    return _record(row)


def update_contact(
    uow: UnitOfWork,
    *,
    customer_id: int,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> CustomerRecord:
    """Record contact details a shopper gave; each change goes on the timeline.

    A typed phone or e-mail fills an empty field; it never replaces one already known (an
    SMS shopper's phone is the channel's verified address, and the conversation is found by
    it): a different value is kept as an extra contact instead.
    """
    row = _get(uow, customer_id)
    changed = _merge_contact(
        uow,
        row,
        name=name,
        email=email,
        e164=normalise_phone(phone) if phone else None,
        phone_taken=lambda e164: _by_phone(uow, row.dealership_id, e164) is not None,
    )
    if changed:
        uow.flush()
        add_event(
            uow,
            dealership_id=row.dealership_id,
            customer_id=row.id,
            kind="contact_updated",
            data={"fields": changed},
        )
    return _record(row)


def _merge_contact(
    uow: UnitOfWork,
    row: Customer,
    *,
    name: str | None,
    email: str | None,
    e164: str | None,
    phone_taken: Callable[[str], bool],
) -> list[str]:
    """Fill in `row` as `update_contact` says (not flushed); the fields it changed, sorted.
    `phone_taken(e164)`: whether another customer of the dealership has that phone."""
    changed: dict[str, str] = {}
    if name and (merged := _merged_name(row.name, name.strip())) != row.name:
        row.name = changed["name"] = merged
    if email:
        email = email.strip()
        if row.email is None:
            row.email = changed["email"] = email
        elif email.lower() != row.email.lower() and _add_extra(uow, row, "email", email):
            changed["extra_email"] = email
    if e164:
        if row.phone is None and not phone_taken(e164):
            row.phone = changed["phone"] = e164
        elif e164 != row.phone and _add_extra(uow, row, "phone", e164):
            changed["extra_phone"] = e164
    if changed:
        row.updated_at = uow.now()
    return sorted(changed)


@dataclass(frozen=True, slots=True)
class ContactGiven:
    """A customer as a file names them: by phone (E.164) and/or e-mail, with a name."""

    name: str | None
    phone: str | None
    email: str | None


def find_or_create_by_contacts(
    uow: UnitOfWork, *, dealership_id: int, contacts: Sequence[ContactGiven], source: str
) -> list[tuple[int, bool]]:
    """For each contact in order, the customer by phone, else by e-mail (the lowest id with
    it), else a new one (True when new, with a `customer_created` event from `source`); each
    filled in as `update_contact` does, never erasing what is known. The same as one lookup
    after another (a row may find the customer an earlier row created or filled in), in a
    number of queries that does not grow with the rows (an import of thousands)."""
    e164s = {p: normalise_phone(p) for p in {c.phone for c in contacts if c.phone}}
    emails = {c.email.lower() for c in contacts if c.email}
    rank: dict[int, int] = {}  # id() of a row -> its place among the e-mail's owners
    by_phone: dict[str, Customer] = {}
    by_email: dict[str, Customer] = {}

    def known(row: Customer, place: int) -> None:
        rank[id(row)] = place
        if row.phone:
            by_phone.setdefault(row.phone, row)
        if row.email:
            email = row.email.lower()
            if email not in by_email or rank[id(by_email[email])] > place:
                by_email[email] = row

    for stored in _by_contacts(uow, dealership_id, set(e164s.values()), emails):
        known(stored, stored.id)
    now, created, found = uow.now(), list[Customer](), list[tuple[Customer, bool, list[str]]]()
    for contact in contacts:
        e164 = e164s[contact.phone] if contact.phone else None
        row: Customer | None = by_phone.get(e164) if e164 else None
        if row is None and contact.email:
            row = by_email.get(contact.email.lower())
        new = row is None
        if row is None:
            row = Customer(
                dealership_id=dealership_id,
                phone=e164,
                name=None if e164 else contact.name,
                sms_consent=Consent.UNKNOWN,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(row)
            created.append(row)
        changed = _merge_contact(
            uow,
            row,
            name=contact.name,
            email=contact.email,
            e164=e164,
            phone_taken=by_phone.__contains__,  # asked only when `row` has no phone
        )
        known(row, rank.get(id(row), _NEW + len(created)))
        found.append((row, new, changed))
    uow.flush()
    events = []
    for row, new, changed in found:
        if new:
            events.append(_event(uow, row, "customer_created", {"source": source}))
        if changed:
            events.append(_event(uow, row, "contact_updated", {"fields": changed}))
    uow.session.add_all(events)
    uow.flush()
    return [(row.id, new) for row, new, _ in found]


_NEW = 1 << 62  # the place of a customer created now: after every stored one, in order
_CHUNK = 2_000  # values in one IN (...), well under SQLite's and PostgreSQL's limits


def _by_contacts(
    uow: UnitOfWork, dealership_id: int, phones: Collection[str], emails: Collection[str]
) -> list[Customer]:
    """The dealership's customers with one of these phones (E.164) or e-mails (lower case),
    by id."""
    found: dict[int, Customer] = {}
    for column, values in ((Customer.phone, phones), (sa.func.lower(Customer.email), emails)):
        ordered = sorted(values)
        for start in range(0, len(ordered), _CHUNK):
            query = sa.select(Customer).where(
                Customer.dealership_id == dealership_id,
                column.in_(ordered[start : start + _CHUNK]),
            )
            found.update((row.id, row) for row in uow.session.scalars(query))
    return [found[i] for i in sorted(found)]


def _event(uow: UnitOfWork, row: Customer, kind: str, data: dict[str, Any]) -> TimelineEvent:
    """A timeline event of the customer, to add with others at once."""
    return new_event(uow, dealership_id=row.dealership_id, customer_id=row.id, kind=kind, data=data)


def _merged_name(saved: str | None, given: str) -> str:
    """The name to keep when a shopper gives `given` and `saved` is on file: never less than
    is known ("Brooke" or "brooke tan" to "Brooke Tan" keeps it), more when it adds to it
    ("Omar K" -> "Omar Khan", "Carla" -> "Carla Mendes"), and a correction of one part
    ("Kate Moss" and "Katie" -> "Katie Moss", "Brooke Tan" -> "Brooke Tanner"). A lone first
    name on file is replaced; a wholly different full name ("Sam Lee" to "Dana Whit", a
    relative on the same phone) or first name ("Mark" to "Tanya Brooks") is not."""
    if not saved or not given:
        return given or saved or ""
    old, new = saved.split(), given.split()
    if len(new) <= len(old) and _covers(new, old):
        return saved
    if _covers(old, new) or len(old) == 1:
        return given
    similar = old[0][0].lower() == new[0][0].lower()
    if len(new) == 1:  # a first name: a spelling fix keeps the surname
        return " ".join([given, *old[1:]]) if similar else saved
    if new[0].lower() == old[0].lower() or (similar and new[-1].lower() == old[-1].lower()):
        return given
    return saved


def _covers(short: list[str], long: list[str]) -> bool:
    """Each word of `short` is the word of `long` at its place, or its initial ("K.")."""
    if len(short) > len(long):
        return False
    for part, full in zip(short, long, strict=False):
        bare = part.rstrip(".").lower()
        if bare != full.lower() and not (len(bare) == 1 and full.lower().startswith(bare)):
            return False
    return True


def _add_extra(uow: UnitOfWork, row: Customer, kind: str, value: str) -> bool:
    """Keep `value` among the customer's extra contacts; False when it is there already."""
    known = list(row.extra_contacts or [])
    if any(c.get("value", "").lower() == value.lower() for c in known):
        return False
    row.extra_contacts = [*known, {"kind": kind, "value": value, "at": uow.now().isoformat()}]
    return True


def record_consent(
    uow: UnitOfWork, *, customer_id: int, state: Consent, source: str, detail: str | None = None
) -> CustomerRecord:
    """Set the customer's SMS consent and keep the change, with time and source, forever."""
    row = _get(uow, customer_id)
    now = uow.now()
    uow.session.add(
        ConsentRecord(customer_id=row.id, state=state, source=source, detail=detail, at=now)
    )
    row.sms_consent = state
    row.sms_consent_at = now
    row.sms_consent_source = source
    row.updated_at = now
    uow.flush()
    add_event(
        uow,
        dealership_id=row.dealership_id,
        customer_id=row.id,
        kind="consent_changed",
        data={"state": state.value, "source": source},
    )
    return _record(row)


def consent_history(uow: UnitOfWork, *, customer_id: int) -> list[ConsentChange]:
    rows = uow.session.scalars(
        sa.select(ConsentRecord)
        .where(ConsentRecord.customer_id == customer_id)
        .order_by(ConsentRecord.at, ConsentRecord.id)
    )
    return [from_row(ConsentChange, row) for row in rows]


def get_customer(uow: UnitOfWork, *, customer_id: int) -> CustomerRecord:
    return _record(_get(uow, customer_id))


def find_by_phone(uow: UnitOfWork, *, dealership_id: int, phone: str) -> CustomerRecord | None:
    row = _by_phone(uow, dealership_id, normalise_phone(phone))
    return None if row is None else _record(row)


def owners_of_contacts(
    uow: UnitOfWork, *, dealership_id: int, phones: Iterable[str], emails: Iterable[str]
) -> set[int]:
    """Ids of the dealership's customers whose phone or e-mail is among those given."""
    phones, emails = list(phones), [e.lower() for e in emails]
    if not phones and not emails:
        return set()
    match = []
    if phones:
        match.append(Customer.phone.in_(phones))
    if emails:
        match.append(sa.func.lower(Customer.email).in_(emails))
    query = sa.select(Customer.id).where(Customer.dealership_id == dealership_id, sa.or_(*match))
    return set(uow.session.scalars(query))


def list_customers(uow: UnitOfWork, *, dealership_id: int) -> list[CustomerRecord]:
    rows = uow.session.scalars(
        sa.select(Customer).where(Customer.dealership_id == dealership_id).order_by(Customer.id)
    )
    return [_record(row) for row in rows]


def _by_phone(uow: UnitOfWork, dealership_id: int, e164: str) -> Customer | None:
    return uow.session.scalar(
        sa.select(Customer).where(Customer.dealership_id == dealership_id, Customer.phone == e164)
    )


def _get(uow: UnitOfWork, customer_id: int) -> Customer:
    return uow.get(Customer, customer_id, "customer")


def _record(row: Customer) -> CustomerRecord:
    extra = tuple(str(c.get("value")) for c in row.extra_contacts or [] if c.get("value"))
    return from_row(CustomerRecord, row, extra_contacts=extra)


def consent_stated(
    uow: UnitOfWork,
    *,
    customer_id: int,
    phone: str,
    state: Consent,
    at: datetime | None,
    source: str,
    detail: str | None = None,
) -> bool:
    """Consent to texts (granted or revoked) the shopper stated at `at` for `phone`, outside a
    text conversation (a website form's box, the dealership's own records): recorded unless
    `phone` is not the customer's number (consent is for a number), `state` is already
    theirs, or their consent changed at or after `at` (a STOP sent after the form wins).
    Undated (`at` None), a grant is recorded only for a customer with no consent on record,
    while a revocation always is: when unsure, do not text. Whether it was recorded."""
    row = _get(uow, customer_id)
    if row.phone != phone or row.sms_consent is state:
        return False
    if at is None:
        if state is Consent.GRANTED and row.sms_consent is not Consent.UNKNOWN:
            return False
    elif row.sms_consent_at is not None and row.sms_consent_at >= at:
        return False
    record_consent(uow, customer_id=customer_id, state=state, source=source, detail=detail)
    return True
