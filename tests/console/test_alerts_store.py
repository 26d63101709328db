"""Intent alerts in the console, below HTTP (`console.alerts`, `crm_store.alerts.live_for`,
`crm_store.console_changes`): a salesperson sees the alerts they hold and not a colleague's,
a manager also those nobody holds; acknowledging and resolving write the alert's steps and
the console audit, only for the person it was paged to or a manager; and an alert newly
paged to a staff member is theirs to hear of on the live stream; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from console import alerts as console_alerts
from console.canned import NotAllowed
from contracts.clock import FrozenClock
from crm_store import alerts, audit, console_changes, staff, staff_sessions
from crm_store.alerts import NewAlert
from crm_store.db import Store
from crm_store.errors import NotFound
from crm_store.records import StaffRecord
from crm_store.staff_sessions import SessionRecord
from crm_store.types import AlertStatus, Role
from tests.factories import Lot, make_lot
from tests.store.test_inbox_state import _colleague

REASON = "4th view of the 2021 Civic EX (U2101) in 36 h, last 2 min ago"


def fire(store: Store, lot: Lot, *, reason: str = REASON, urgent: bool = False) -> int:
    """A new alert about the lot's shopper (Dana Ruiz), nobody paged yet."""
    with store.unit_of_work() as uow:
        return alerts.create_alert(
            uow,
            dealership_id=lot.dealer.id,
            alert=NewAlert(
                customer_id=lot.shopper.id,
                vehicle_id=lot.car.id,
                rule="repeat_views",
                reason=reason,
                dedupe_key=f"repeat_views:{lot.shopper.id}:{reason}",
                fired_at=uow.now(),
                urgent=urgent,
            ),
        ).id


def page(store: Store, alert_id: int, member: StaffRecord) -> None:
    with store.unit_of_work() as uow:
        alerts.page(uow, alert_id=alert_id, staff_id=member.id, rule="owner")


def acting(store: Store, member: StaffRecord) -> SessionRecord:
    """`member` signed in to the console (what the routes hand `console.alerts`)."""
    with store.unit_of_work() as uow:
        return staff_sessions.create_session(uow, staff_id=member.id, user_agent=None)[0]


def manager(store: Store, lot: Lot) -> StaffRecord:
    with store.unit_of_work() as uow:
        return staff.upsert_staff(
            uow,
            dealership_id=lot.dealer.id,
            handle="daniel",
            name="Daniel Brooks",
            role=Role.MANAGER,
            phone=None,
            email="daniel@harborpoint.example",
            shifts={0: (time(9), time(18))},
        )


def listed(store: Store, member: StaffRecord) -> list[console_alerts.AlertItem]:
    session = acting(store, member)
    with store.reading() as uow:
        return console_alerts.for_me(uow, session)


def test_a_salesperson_sees_her_alerts_newest_first_and_not_a_colleagues(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    tom = _colleague(store, lot)
    older = fire(store, lot, reason="used the trade-in calculator")
    clock.advance(timedelta(minutes=5))
    newer = fire(store, lot, urgent=True)
    theirs = fire(store, lot, reason="came back to the site")
    page(store, older, lot.rep)
    page(store, newer, lot.rep)
    page(store, theirs, tom)
    rows = listed(store, lot.rep)
    assert [r.id for r in rows] == [newer, older]
    first = rows[0]
    assert (first.customer, first.reason, first.urgent, first.status) == (
        "Dana Ruiz",
        REASON,
        True,
        AlertStatus.PAGED,
    )
    assert first.fired_at == "2026-03-06 21:45"  # the dealership's time (clock + 5 min)
    assert (first.mine, first.can_ack, first.can_resolve) == (True, True, True)
    assert [r.id for r in listed(store, tom)] == [theirs]
    with store.unit_of_work() as uow:  # resolved: off the list
        alerts.resolve(uow, alert_id=older, staff_id=lot.rep.id, via="page")
    assert [r.id for r in listed(store, lot.rep)] == [newer]


def test_a_manager_also_sees_what_nobody_holds(store: Store) -> None:
    lot = make_lot(store)
    boss = manager(store, lot)
    unrouted = fire(store, lot)
    marias = fire(store, lot, reason="came back to the site")
    page(store, marias, lot.rep)
    rows = listed(store, boss)
    assert [(r.id, r.mine, r.can_ack, r.can_resolve) for r in rows] == [
        (unrouted, False, False, True)
    ]
    assert [r.id for r in listed(store, lot.rep)] == [marias]  # not the unrouted one


def test_ack_then_resolve_write_the_steps_and_the_audit(store: Store) -> None:
    lot = make_lot(store)
    alert_id = fire(store, lot)
    page(store, alert_id, lot.rep)
    maria = acting(store, lot.rep)
    with store.unit_of_work() as uow:
        acked = console_alerts.ack(uow, maria, alert_id)
    assert (acked.status, acked.assigned_staff_id) == (AlertStatus.ACKED, lot.rep.id)
    assert [r.can_ack for r in listed(store, lot.rep)] == [False]
    with store.unit_of_work() as uow:
        done = console_alerts.resolve(uow, maria, alert_id)
    assert done.status is AlertStatus.RESOLVED and done.resolved_at is not None
    with store.reading() as uow:
        trail = alerts.steps(uow, alert_id=alert_id)
        logged = audit.entries(uow, dealership_id=lot.dealer.id)
    assert [(s.action, s.staff_id) for s in trail] == [
        ("fired", None),
        ("paged", lot.rep.id),
        ("acked", lot.rep.id),
        ("resolved", lot.rep.id),
    ]
    assert trail[2].detail == {"via": "console"}
    assert [(e.action, e.target, e.via, e.staff_id) for e in logged] == [  # newest first
        ("alert_resolve", f"alert:{alert_id}", "console", lot.rep.id),
        ("alert_ack", f"alert:{alert_id}", "console", lot.rep.id),
    ]


def test_only_the_paged_person_or_a_manager_may_act_and_never_across_dealerships(
    store: Store,
) -> None:
    lot, other = make_lot(store), make_lot(store, slug="other-motors")
    tom, boss = _colleague(store, lot), manager(store, lot)
    alert_id = fire(store, lot)
    page(store, alert_id, lot.rep)
    maria, toms, strangers = (acting(store, m) for m in (lot.rep, tom, other.rep))
    for change in (console_alerts.ack, console_alerts.resolve):
        with pytest.raises(NotAllowed), store.unit_of_work() as uow:
            change(uow, toms, alert_id)
        with pytest.raises(NotFound), store.unit_of_work() as uow:
            change(uow, strangers, alert_id)
        with pytest.raises(NotFound), store.unit_of_work() as uow:
            change(uow, maria, alert_id + 1000)
    with store.reading() as uow:
        untouched = alerts.get_alert(uow, alert_id=alert_id)
    assert (untouched.status, untouched.acked_at) == (AlertStatus.PAGED, None)
    daniel = acting(store, boss)
    with store.unit_of_work() as uow:  # the manager may close anything of the dealership
        done = console_alerts.resolve(uow, daniel, alert_id)
    assert done.status is AlertStatus.RESOLVED


def test_an_alert_paged_to_me_is_mine_to_hear_of_not_my_colleagues(store: Store) -> None:
    lot = make_lot(store)
    tom = _colleague(store, lot)
    with store.reading() as uow:
        before = console_changes.mark(uow, dealership_id=lot.dealer.id)
    alert_id = fire(store, lot)

    def heard(member: StaffRecord, since: console_changes.Mark) -> console_changes.Changes:
        with store.reading() as uow:
            return console_changes.changes(
                uow, dealership_id=lot.dealer.id, staff_id=member.id, since=since
            )

    fired = heard(lot.rep, before)
    assert fired.mark.alert_step_id > before.alert_step_id  # the lists moved (a manager's)
    assert fired.alerted == ()  # nobody paged yet
    page(store, alert_id, lot.rep)
    assert heard(lot.rep, before).alerted == (
        console_changes.Alerted(alert_id, lot.shopper.id, "Dana", REASON),
    )
    assert heard(tom, before).alerted == ()
    paged = heard(lot.rep, before).mark
    page(store, alert_id, tom)  # the ack timeout reroutes it to Tom
    assert [a.alert_id for a in heard(tom, paged).alerted] == [alert_id]
    assert heard(lot.rep, before).alerted == ()  # no longer hers
    with store.unit_of_work() as uow:
        alerts.ack(uow, alert_id=alert_id, staff_id=tom.id, via="sms")
    acked = heard(tom, paged)
    assert acked.alerted == () and acked.mark.alert_step_id > paged.alert_step_id
