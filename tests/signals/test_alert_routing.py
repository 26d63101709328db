"""Intent alerts on the handoff's ladder, through the real runtime and its jobs on SQLite and
PostgreSQL, with the frozen clock moved by hand: the owner on shift is paged (SMS with a
signed link to the alert's page, e-mail), an owner off shift or busy is passed over for fair
rotation (where alerts waiting for an ack count as load), after hours the alert waits for the
next shift, an unanswered page moves up the ladder, an urgent one reaches the on-call
manager, and a staff member's "1" acks whichever of their pages came last.

Demo shifts (Los Angeles): Tuesday - maria 9-18, jake 11-20, daniel (manager) 9-18, priya
off; Thursday - jake 11-20, priya 9-18, daniel 11-20, maria off; Saturday - maria 9-17. The
fixture clock is Friday 2026-03-06 21:40, after every shift.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from contracts.clock import FrozenClock
from crm_store import alerts, customers, handoffs, migrate, staff
from crm_store.alerts import ROUTE_JOB, AlertRecord, NewAlert
from crm_store.types import AlertStatus, StaffStatus
from handoff import links
from handoff.alerts import ACK_TIMEOUT_JOB
from nightshift.runtime import Runtime, open_runtime
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, demo_settings
from tests.handoff.test_ladder_flow import (
    ACK_MINUTES,
    SATURDAY_9AM,
    THURSDAY_2PM,
    TUESDAY_2PM,
    dealer_id,
    escalate,
    mails,
    member,
    pages_to,
    pending,
    set_status,
    text_from,
    texts_to_staff,
    wait,
)

REASON = "4th view of the 2026 Civic LX (N26101) in 36 h, last 2 min ago"
ALERT_LINK = re.compile(r"/staff/alerts/(\d+)/(\d+)\?exp=(\d+)&sig=([0-9a-f]{64})")

Step = tuple[str, str | None, str | None]  # (action, staff handle, rule)


@pytest.fixture
def rt(db_url: str, tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Runtime]:
    """The real runtime (jobs run by hand) over the demo dealership, on each backend."""
    migrate.upgrade(db_url)
    with open_runtime(demo_settings(tmp_path, db_url), clock=clock, models_dir=models_dir) as rt:
        apply_world(rt.store, load_world_file(DEMO))
        yield rt


def fire(
    rt: Runtime, *, owner: str = "maria", phone: str = "+18055550190", urgent: bool = False
) -> AlertRecord:
    """An intent alert for Jane Ortiz, `owner`'s customer, written as the rules write one."""
    dealer = dealer_id(rt)
    with rt.store.unit_of_work() as uow:
        jane = customers.upsert_customer(
            uow,
            dealership_id=dealer,
            phone=phone,
            name="Jane Ortiz",
            assigned_staff_id=member(rt, owner).id,
        )
        return alerts.create_alert(
            uow,
            dealership_id=dealer,
            alert=NewAlert(
                customer_id=jane.id,
                vehicle_id=None,
                rule="repeat_views",
                reason=REASON,
                dedupe_key=f"repeat_views:{jane.id}:N26101",
                fired_at=uow.now(),
                urgent=urgent,
            ),
        )


def fired(rt: Runtime, clock: FrozenClock, at: datetime) -> AlertRecord:
    clock.set(at)
    alert = fire(rt)
    rt.jobs.run_due()
    return alert


def current(rt: Runtime, alert_id: int) -> AlertRecord:
    with rt.store.reading() as uow:
        return alerts.get_alert(uow, alert_id=alert_id)


def trail(rt: Runtime, alert_id: int) -> list[Step]:
    with rt.store.reading() as uow:
        team = {m.id: m.handle for m in staff.list_staff(uow, dealership_id=dealer_id(rt))}
        return [
            (s.action, team.get(s.staff_id) if s.staff_id else None, s.rule)
            for s in alerts.steps(uow, alert_id=alert_id)
        ]


def test_the_owner_on_shift_is_paged_by_sms_and_email_with_a_signed_link(
    rt: Runtime, clock: FrozenClock
) -> None:
    alert = fired(rt, clock, TUESDAY_2PM)

    maria = member(rt, "maria")
    assert trail(rt, alert.id) == [("fired", None, "repeat_views"), ("paged", "maria", "owner")]
    after = current(rt, alert.id)
    assert after.status is AlertStatus.PAGED and after.assigned_staff_id == maria.id
    [(to, body)] = texts_to_staff(rt)
    assert to == maria.phone
    assert body.startswith(f"Nightshift alert: {REASON} - Jane Ortiz. Reply 1 to take it. http")
    match = ALERT_LINK.search(body)
    assert match is not None, body
    alert_id, staff_id, expires, sig = match.groups()
    assert (int(alert_id), int(staff_id)) == (alert.id, maria.id)
    path = f"/staff/alerts/{alert.id}/{maria.id}"
    assert links.check(rt.handoffs.key, path, int(expires), sig, clock.now()) is None
    as_handoff = path.replace("alerts", "handoffs")  # the signature is for this page only
    assert links.check(rt.handoffs.key, as_handoff, int(expires), sig, clock.now())
    assert mails(rt) == [("maria.lopez@harborpointhonda.example", f"Alert #{alert.id}: {REASON}")]
    assert pending(rt, ACK_TIMEOUT_JOB) == [TUESDAY_2PM + ACK_MINUTES]


def test_an_owner_off_shift_or_busy_goes_to_rotation_where_waiting_alerts_count(
    rt: Runtime, clock: FrozenClock
) -> None:
    first = fired(rt, clock, THURSDAY_2PM)  # maria is off on Thursdays
    [(action, first_rep, rule)] = trail(rt, first.id)[1:]
    assert (action, rule) == ("paged", "rotation") and first_rep in ("jake", "priya")
    # the rep still holds an unacknowledged alert: the next one goes to the other rep
    clock.advance(timedelta(minutes=1))
    second = fire(rt, phone="+18055550191")
    rt.jobs.run_due()
    other = ({"jake", "priya"} - {first_rep}).pop()
    assert trail(rt, second.id)[-1] == ("paged", other, "rotation")
    assert pages_to(rt, "maria") == []

    clock.set(TUESDAY_2PM)  # maria is on shift, but busy
    set_status(rt, "maria", StaffStatus.BUSY)
    third = fire(rt, phone="+18055550192")
    rt.jobs.run_due()
    assert trail(rt, third.id)[-1] == ("paged", "jake", "rotation")


def test_nobody_on_shift_queues_it_for_the_next_shift_then_pages(
    rt: Runtime, clock: FrozenClock
) -> None:
    alert = fire(rt)  # Friday 21:40
    rt.jobs.run_due()

    assert trail(rt, alert.id) == [
        ("fired", None, "repeat_views"),
        ("queued", "maria", "queued_until_open"),
    ]
    assert current(rt, alert.id).status is AlertStatus.QUEUED
    with rt.store.reading() as uow:
        queued = alerts.steps(uow, alert_id=alert.id)[-1]
    assert datetime.fromisoformat(queued.detail["until"]) == SATURDAY_9AM
    assert pending(rt, ROUTE_JOB) == [SATURDAY_9AM]
    assert texts_to_staff(rt) == [] and mails(rt) == []

    clock.set(SATURDAY_9AM)
    rt.jobs.run_due()
    assert trail(rt, alert.id)[-1] == ("paged", "maria", "owner")
    assert current(rt, alert.id).status is AlertStatus.PAGED
    assert len(pages_to(rt, "maria")) == 1


def test_an_urgent_alert_after_hours_pages_the_on_call_manager(
    rt: Runtime, clock: FrozenClock
) -> None:
    alert = fire(rt, urgent=True)
    rt.jobs.run_due()
    assert trail(rt, alert.id)[-1] == ("paged", "daniel", "after_hours_on_call")
    assert len(pages_to(rt, "daniel")) == 1


def test_an_unanswered_page_moves_up_the_ladder(rt: Runtime, clock: FrozenClock) -> None:
    alert = fired(rt, clock, TUESDAY_2PM)

    wait(rt, clock, ACK_MINUTES)
    assert trail(rt, alert.id)[-2:] == [("no_ack", "maria", None), ("rerouted", "jake", "rotation")]
    assert current(rt, alert.id).assigned_staff_id == member(rt, "jake").id
    [page] = pages_to(rt, "jake")
    assert f"/staff/alerts/{alert.id}/{member(rt, 'jake').id}?" in page

    wait(rt, clock, ACK_MINUTES)
    assert trail(rt, alert.id)[-2:] == [
        ("no_ack", "jake", None),
        ("rerouted", "daniel", "manager_on_duty"),
    ]
    assert [to.split(".")[0] for to, _ in mails(rt)] == ["maria", "jake", "daniel"]


def test_an_sms_1_acks_the_alert_and_no_reroute_follows(rt: Runtime, clock: FrozenClock) -> None:
    alert = fired(rt, clock, TUESDAY_2PM)
    clock.advance(timedelta(minutes=2))
    text_from(rt, "maria", "1", "SMalert000000000000000000000000001")
    wait(rt, clock, timedelta(minutes=10))

    assert trail(rt, alert.id)[1:] == [("paged", "maria", "owner"), ("acked", "maria", None)]
    after = current(rt, alert.id)
    assert after.status is AlertStatus.ACKED
    assert after.acked_at == TUESDAY_2PM + timedelta(minutes=2)
    with rt.store.reading() as uow:
        assert alerts.steps(uow, alert_id=alert.id)[-1].detail == {"via": "sms"}
    page, thanks = pages_to(rt, "maria")
    assert page.startswith("Nightshift alert:")
    assert thanks.startswith("Thanks Maria, it's yours: http")
    assert f"/staff/alerts/{alert.id}/{member(rt, 'maria').id}?" in thanks
    assert pages_to(rt, "jake") == [] and pending(rt, ACK_TIMEOUT_JOB) == []


def test_a_1_acks_the_page_that_came_last_handoff_or_alert(rt: Runtime, clock: FrozenClock) -> None:
    clock.set(TUESDAY_2PM)
    handoff = escalate(rt)
    rt.jobs.run_due()
    clock.advance(timedelta(minutes=1))
    alert = fire(rt, phone="+18055550193")
    rt.jobs.run_due()

    text_from(rt, "maria", "1", "SMalert000000000000000000000000002")
    assert current(rt, alert.id).acked_at is not None
    with rt.store.reading() as uow:
        assert handoffs.get_handoff(uow, handoff_id=handoff.id).acked_at is None
    text_from(rt, "maria", "ok", "SMalert000000000000000000000000003")
    with rt.store.reading() as uow:
        assert handoffs.get_handoff(uow, handoff_id=handoff.id).acked_at is not None
    text_from(rt, "maria", "1", "SMalert000000000000000000000000004")
    *_, first, second, nothing = pages_to(rt, "maria")
    assert "/staff/alerts/" in first and "/staff/handoffs/" in second
    assert nothing == "Nightshift: no handoff or alert is waiting for you right now."
