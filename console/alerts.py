"""Intent alerts in the staff console ("Alerts for me" on the inbox): what a signed-in staff
member holds (paged, queued or acked to them, not resolved) and, for a manager, what nobody
holds yet; and acknowledging and resolving one from the console.

The moves are the store's own (`crm_store.alerts.ack` / `resolve`, the same the signed
alert page runs), audited like every console action (`console.inbox.audit_action`). Who may
do what is decided here, once: a manager may acknowledge (take) or resolve any alert of the
dealership; anyone else only an alert that is theirs (paged, queued or acked to them),
else `NotAllowed`. Another dealership's alert is `NotFound`, like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from console.canned import NotAllowed
from console.inbox import VIA, audit_action
from crm_store import alerts, dealerships
from crm_store.alerts import AlertRecord, ListedAlert
from crm_store.errors import NotFound
from crm_store.inbox_items import display_name
from crm_store.staff_sessions import SessionRecord
from crm_store.types import AlertStatus, Role
from crm_store.uow import UnitOfWork

LIMIT = 50  # rows listed; the customer's timeline has the rest


@dataclass(frozen=True, slots=True)
class AlertItem:
    """One row of "Alerts for me"."""

    id: int
    customer_id: int
    customer: str  # display name: the name, else the masked phone
    reason: str
    fired_at: str  # dealership-local time, to the minute
    status: AlertStatus
    urgent: bool
    mine: bool  # held by the acting staff member (else: nobody holds it, a manager sees it)
    can_ack: bool  # paged to them and not acknowledged yet
    can_resolve: bool


def for_me(uow: UnitOfWork, acting: SessionRecord, *, limit: int = LIMIT) -> list[AlertItem]:
    """The acting staff member's live alerts, and a manager's unheld ones; newest first."""
    manager = _manager(acting)
    listed = alerts.live_for(
        uow,
        dealership_id=acting.dealership_id,
        staff_id=acting.staff_id,
        unheld=manager,
        limit=limit,
    )
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=acting.dealership_id)
    zone = ZoneInfo(dealer.timezone)
    return [_item(found, acting, manager, zone) for found in listed]


def ack(uow: UnitOfWork, acting: SessionRecord, alert_id: int) -> AlertRecord:
    """Take the alert: it stays with the acting staff member, no reroute follows."""
    _allowed(uow, acting, alert_id, "acknowledge")
    found = alerts.ack(uow, alert_id=alert_id, staff_id=acting.staff_id, via=VIA)
    audit_action(uow, acting, "alert_ack", f"alert:{alert_id}", {})
    return found


def resolve(uow: UnitOfWork, acting: SessionRecord, alert_id: int) -> AlertRecord:
    """Done with it (acknowledged first if nobody had)."""
    _allowed(uow, acting, alert_id, "resolve")
    found = alerts.resolve(uow, alert_id=alert_id, staff_id=acting.staff_id, via=VIA)
    audit_action(uow, acting, "alert_resolve", f"alert:{alert_id}", {})
    return found


def _allowed(uow: UnitOfWork, acting: SessionRecord, alert_id: int, what: str) -> AlertRecord:
    try:
        found = alerts.get_alert(uow, alert_id=alert_id)
    except NotFound:
        found = None
    if found is None or found.dealership_id != acting.dealership_id:
        raise NotFound("alert not found")
    if not _manager(acting) and found.assigned_staff_id != acting.staff_id:
        raise NotAllowed(f"only the person it was paged to, or a manager, may {what} it")
    return found


def _manager(acting: SessionRecord) -> bool:
    return acting.role == Role.MANAGER


def _item(listed: ListedAlert, acting: SessionRecord, manager: bool, zone: ZoneInfo) -> AlertItem:
    found = listed.alert
    mine = found.assigned_staff_id == acting.staff_id
    return AlertItem(
        id=found.id,
        customer_id=found.customer_id,
        customer=display_name(listed.customer_name, listed.customer_phone),
        reason=found.reason,
        fired_at=f"{found.fired_at.astimezone(zone):%Y-%m-%d %H:%M}",
        status=found.status,
        urgent=found.urgent,
        mine=mine,
        can_ack=mine and found.status is AlertStatus.PAGED and found.acked_at is None,
        can_resolve=mine or manager,
    )
