"""The dealership as it is now, written as a scenario's `world` block (../shared/EVAL_FORMAT.md),
for a conversation saved as a QA scenario.

Everything the world block holds is written: the dealership (hours, departments), the active
staff with their shifts and any status other than available, the whole inventory with spec
sheets, the knowledge texts; and, about the conversation, the shopper's CRM record when it
existed before the conversation began and the appointments that stood when it began (other
shoppers' without their customer). Other customers are left out: the scenario needs only
the shopper. The intent rules' settings (`signals:`) are written where they differ from the
defaults. Staff and shopper phones and e-mails are stand-ins (`Pseudonyms`); the
dealership's and its departments' published lines are kept as they are (business contacts
that its knowledge texts quote, not personal data).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from crm_store import exports, knowledge_docs, staff, vehicles
from crm_store.records import (
    CustomerRecord,
    DealershipRecord,
    KnowledgeDocRecord,
    VehicleRecord,
    Weekly,
)
from crm_store.types import StaffStatus
from crm_store.uow import UnitOfWork
from evals.pseudonyms import Pseudonyms
from nightshift.world.schema import WEEKDAYS
from signals import alerting


def world_block(
    uow: UnitOfWork,
    dealer: DealershipRecord,
    names: Pseudonyms,
    *,
    shopper: CustomerRecord,
    known_before: bool,
    began: datetime,
    conversation_id: int,
) -> dict[str, Any]:
    """The `world` mapping; `known_before`: the shopper's record predates the conversation."""
    # in the store's order (by id), which the replay's world keeps: where two salespeople
    # are equally free, booking and paging pick the earlier one, so it must stay the same
    team = staff.list_staff(uow, dealership_id=dealer.id)
    handles = {m.id: m.handle for m in team}
    cars = sorted(vehicles.list_vehicles(uow, dealership_id=dealer.id), key=lambda v: v.stock)
    stocks = {v.id: v.stock for v in cars}
    zone = ZoneInfo(dealer.timezone)
    world: dict[str, Any] = {"dealership": _dealership(dealer)}
    world["staff"] = [
        _present(
            handle=m.handle,
            name=m.name,
            role=m.role.value,
            phone=names.phone(m.phone) if m.phone else None,
            email=names.email(m.email, local=m.handle) if m.email else None,
            shifts=weekly(m.shifts),
        )
        for m in team
    ]
    world["inventory"] = [_vehicle(v) for v in cars]
    docs = knowledge_docs.list_docs(uow, dealership_id=dealer.id)
    world["knowledge"] = [{"title": d.title, "text": d.text} for d in sorted(docs, key=_title)]
    if known_before and shopper.phone:
        world["customers"] = [
            _present(
                name=shopper.name,
                phone=names.phone(shopper.phone),
                email=names.email(shopper.email, local="shopper") if shopper.email else None,
                assigned_to=handles.get(shopper.assigned_staff_id or 0),
            )
        ]
    standing = exports.appointments_standing_at(uow, dealership_id=dealer.id, at=began)
    world["appointments"] = [
        _present(
            stock=stocks[a.vehicle_id],
            staff=handles.get(a.staff_id or 0),
            starts_at=f"{a.starts_at.astimezone(zone):%Y-%m-%dT%H:%M}",
            customer=(
                names.phone(shopper.phone)
                if a.customer_id == shopper.id and shopper.phone
                else None
            ),
        )
        for a in standing
        if a.conversation_id != conversation_id and a.vehicle_id in stocks
    ]
    world["staff_status"] = {
        m.handle: m.status.value for m in team if m.status is not StaffStatus.AVAILABLE
    }
    rules = alerting.chosen(alerting.load(uow, dealership_id=dealer.id).config)
    if rules:  # the intent rules, where the dealership chose other than the defaults
        world["signals"] = rules
    return world


def weekly(hours: Weekly) -> dict[str, str]:
    """Weekday -> "HH:MM-HH:MM", Monday first."""
    return {
        WEEKDAYS[day]: f"{start:%H:%M}-{end:%H:%M}" for day, (start, end) in sorted(hours.items())
    }


def _dealership(dealer: DealershipRecord) -> dict[str, Any]:
    departments: dict[str, Any] = {}
    for department in dealer.departments:
        departments[department.name] = _present(
            phone=department.phone,
            email=department.email,
            # the sales line's hours are the dealership's `hours`, never its own
            hours=weekly(department.hours) if department.name != "sales" else None,
        )
    return _present(
        name=dealer.name,
        timezone=dealer.timezone,
        phone=dealer.phone,
        address=dealer.address,
        hours=weekly(dealer.hours),
        test_drive_minutes=dealer.test_drive_minutes,
        departments=departments or None,
    )


def _vehicle(car: VehicleRecord) -> dict[str, Any]:
    return _present(
        stock=car.stock,
        vin=car.vin,
        year=car.year,
        make=car.make,
        model=car.model,
        trim=car.trim,
        condition=car.condition.value,
        body=car.body,
        color=car.color,
        mileage=car.mileage,
        price=_amount(car.price),
        status=car.status.value,
        features=list(car.features),
        specs=car.specs.stated() or None,
    )


def _amount(price: Decimal) -> int | float:
    return int(price) if price == price.to_integral_value() else float(price)


def _title(doc: KnowledgeDocRecord) -> tuple[str, int]:
    return (doc.title, doc.id)


def _present(**values: Any) -> dict[str, Any]:
    """The keys that have a value (None and empty mappings are left out), in the given order."""
    return {k: v for k, v in values.items() if v is not None and v != {}}
