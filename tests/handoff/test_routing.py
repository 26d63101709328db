"""`handoff.routing.route`: who gets the page, as a pure function of the team, the clock and
who was already paged. The ladder: owner -> rotation -> manager on duty -> after hours, the
on-call manager for urgent reasons, else wait for the owner's next shift.

The week used: Mon 2026-03-02 .. Sun 2026-03-08 in Los Angeles; the clocks spring forward on
Sunday 2026-03-08 at 02:00 (PST, UTC-8, becomes PDT, UTC-7).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from crm_store.records import StaffRecord, Weekly
from crm_store.types import Role, StaffStatus
from handoff.routing import Decision, route

TZ = "America/Los_Angeles"
LA = ZoneInfo(TZ)
MON_FRI_9_TO_6: Weekly = {day: (time(9), time(18)) for day in range(5)}
EVERY_DAY_9_TO_6: Weekly = {day: (time(9), time(18)) for day in range(7)}
TUESDAY_2PM = datetime(2026, 3, 3, 14, 0, tzinfo=LA)
FRIDAY_NIGHT = datetime(2026, 3, 6, 21, 40, tzinfo=LA)
SATURDAY_NIGHT = datetime(2026, 3, 7, 22, 0, tzinfo=LA)


def member(
    staff_id: int,
    *,
    role: Role = Role.SALES,
    status: StaffStatus = StaffStatus.AVAILABLE,
    shifts: Weekly | None = None,
    active: bool = True,
    handle: str | None = None,
) -> StaffRecord:
    handle = handle or f"{role.value}{staff_id}"
    return StaffRecord(
        id=staff_id,
        dealership_id=1,
        handle=handle,
        name=handle.title(),
        role=role,
        phone=f"+1805555{staff_id:04d}",
        email=f"{handle}@dealer.example",
        status=status,
        status_changed_at=datetime(2026, 3, 1, tzinfo=UTC),
        shifts=MON_FRI_9_TO_6 if shifts is None else shifts,
        active=active,
    )


def decide(
    team: Sequence[StaffRecord],
    now: datetime,
    *,
    owner: int | None = None,
    paged: Sequence[int] = (),
    urgent: bool = False,
    load: Mapping[int, int] | None = None,
    last_paged: Mapping[int, datetime] | None = None,
    on_call: str | None = None,
) -> Decision:
    return route(
        staff=team,
        now=now,
        timezone=TZ,
        owner_id=owner,
        paged=paged,
        urgent=urgent,
        load=load,
        last_paged=last_paged,
        on_call=on_call,
    )


def pages(staff_id: int, rule: str) -> Decision:
    return Decision(staff_id, rule)


def waits_for(staff_id: int | None, local: datetime, rule: str = "queued_until_open") -> Decision:
    return Decision(staff_id, rule, local)


# -- during the day: owner, rotation, manager on duty ---------------------------------------


def test_the_available_owner_on_shift_gets_the_page() -> None:
    team = [member(1), member(2), member(3, role=Role.MANAGER)]
    decision = decide(team, TUESDAY_2PM, owner=2, load={2: 5})
    assert decision == pages(2, "owner")
    assert decision.pages_now


@pytest.mark.parametrize("status", [StaffStatus.BUSY, StaffStatus.OFF])
def test_a_busy_or_off_owner_goes_to_rotation(status: StaffStatus) -> None:
    team = [member(1, status=status), member(2), member(3)]
    assert decide(team, TUESDAY_2PM, owner=1) == pages(2, "rotation")


def test_an_owner_not_on_shift_goes_to_rotation() -> None:
    weekends_only: Weekly = {5: (time(9), time(18)), 6: (time(9), time(18))}
    team = [member(1, shifts=weekends_only), member(2)]
    assert decide(team, TUESDAY_2PM, owner=1) == pages(2, "rotation")


def test_shift_start_is_inclusive_and_shift_end_exclusive() -> None:
    team = [member(1), member(2, shifts=EVERY_DAY_9_TO_6)]
    nine = datetime(2026, 3, 3, 9, 0, tzinfo=LA)
    six = datetime(2026, 3, 3, 18, 0, tzinfo=LA)
    assert decide(team, nine, owner=1) == pages(1, "owner")
    assert decide(team, six - timedelta(minutes=1), owner=1) == pages(1, "owner")
    assert decide(team, six, owner=1).rule == "queued_until_open"


def test_rotation_pages_the_least_loaded_available_rep_on_shift() -> None:
    team = [
        member(1, status=StaffStatus.BUSY),  # the owner
        member(2),
        member(3),
        member(4),
        member(5, status=StaffStatus.BUSY),  # no live handoffs, but busy
        member(6, shifts={}),  # no live handoffs, but never on shift
    ]
    decision = decide(team, TUESDAY_2PM, owner=1, load={2: 2, 3: 1, 4: 3})
    assert decision == pages(3, "rotation")


def test_with_equal_load_rotation_pages_whoever_was_paged_least_recently() -> None:
    team = [member(1), member(2), member(3)]
    earlier = TUESDAY_2PM - timedelta(hours=3)
    paged_at = {1: earlier + timedelta(hours=1), 2: earlier, 3: earlier + timedelta(hours=2)}
    assert decide(team, TUESDAY_2PM, last_paged=paged_at) == pages(2, "rotation")
    # someone never paged at all waited longest
    assert decide(team, TUESDAY_2PM, last_paged={1: earlier, 2: earlier}) == pages(3, "rotation")
    # fewer live handoffs still comes first
    assert decide(team, TUESDAY_2PM, load={2: 1}, last_paged=paged_at) == pages(1, "rotation")


def test_only_sales_reps_are_in_the_rotation() -> None:
    team = [
        member(1, role=Role.BDC),
        member(2, role=Role.FINANCE),
        member(3, role=Role.SERVICE),
        member(4, role=Role.SALES, status=StaffStatus.BUSY),
        member(5, role=Role.MANAGER),
    ]
    assert decide(team, TUESDAY_2PM, owner=4) == pages(5, "manager_on_duty")


def test_everyone_paged_in_this_round_is_skipped() -> None:
    team = [member(1), member(2), member(3)]
    assert decide(team, TUESDAY_2PM, owner=1, paged=[1]) == pages(2, "rotation")
    assert decide(team, TUESDAY_2PM, owner=1, paged=[1, 2]) == pages(3, "rotation")


def test_when_every_rep_was_paged_the_manager_on_duty_gets_it() -> None:
    team = [
        member(1),
        member(2),
        member(3, role=Role.MANAGER, shifts={}),  # not on shift today
        member(4, role=Role.MANAGER, status=StaffStatus.BUSY),  # busy still takes escalations
        member(5, role=Role.MANAGER),
    ]
    assert decide(team, TUESDAY_2PM, owner=1, paged=[1, 2]) == pages(4, "manager_on_duty")
    assert decide(team, TUESDAY_2PM, owner=1, paged=[1, 2, 4]) == pages(5, "manager_on_duty")


def test_a_manager_who_is_off_is_not_on_duty() -> None:
    team = [
        member(1, status=StaffStatus.BUSY),
        member(2, role=Role.MANAGER, status=StaffStatus.OFF),
    ]
    assert decide(team, TUESDAY_2PM, owner=1).rule == "queued_until_open"


def test_an_urgent_handoff_during_the_day_still_follows_the_ladder() -> None:
    team = [member(1), member(2), member(3, role=Role.MANAGER)]
    assert decide(team, TUESDAY_2PM, owner=1, urgent=True) == pages(1, "owner")
    assert decide(team, TUESDAY_2PM, owner=1, paged=[1, 2], urgent=True) == pages(
        3, "manager_on_duty"
    )


# -- nobody to page now: wait for the next shift -------------------------------------------


def test_routine_after_hours_waits_for_the_owners_next_shift() -> None:
    saturday_and_monday: Weekly = {0: (time(9), time(18)), 5: (time(10), time(17))}
    team = [member(1), member(2, shifts=saturday_and_monday), member(3, role=Role.MANAGER)]
    decision = decide(team, FRIDAY_NIGHT, owner=2)
    assert decision == waits_for(2, datetime(2026, 3, 7, 10, 0, tzinfo=LA))
    assert not decision.pages_now


def test_the_wait_crosses_the_weekend_and_the_spring_forward() -> None:
    team = [member(1), member(2, role=Role.MANAGER, shifts=EVERY_DAY_9_TO_6)]
    decision = decide(team, SATURDAY_NIGHT, owner=1)
    # Monday 09:00 is PDT now: 16:00 UTC, not the 17:00 UTC a fixed -8 h offset would give
    assert decision == waits_for(1, datetime(2026, 3, 9, 9, 0, tzinfo=LA))
    assert decision.at is not None
    assert decision.at.astimezone(UTC) == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    assert decision.at.astimezone(LA).hour == 9


def test_a_shift_on_the_morning_of_the_spring_forward_starts_at_its_wall_time() -> None:
    sunday_10_to_6: Weekly = {6: (time(10), time(18))}
    team = [member(1, shifts=sunday_10_to_6)]
    decision = decide(team, SATURDAY_NIGHT, owner=1)
    assert decision.at is not None
    assert decision.at.astimezone(UTC) == datetime(2026, 3, 8, 17, 0, tzinfo=UTC)  # 10:00 PDT


def test_the_wait_is_for_the_next_shift_even_later_the_same_day() -> None:
    tuesday_evening: Weekly = {1: (time(19), time(21))}
    team = [member(1, shifts=tuesday_evening), member(2, status=StaffStatus.BUSY)]
    decision = decide(team, TUESDAY_2PM, owner=1)
    assert decision == waits_for(1, datetime(2026, 3, 3, 19, 0, tzinfo=LA))


def test_without_an_owner_it_waits_for_the_first_sales_rep_on_shift() -> None:
    team = [
        member(1, shifts={5: (time(11), time(18))}),
        member(2, shifts={5: (time(9), time(18))}),
        member(3, shifts={5: (time(8), time(18))}, status=StaffStatus.OFF),  # off: not waited for
        member(4, role=Role.BDC, shifts={5: (time(7), time(18))}),
    ]
    assert decide(team, FRIDAY_NIGHT) == waits_for(2, datetime(2026, 3, 7, 9, 0, tzinfo=LA))


def test_with_no_sales_shift_it_waits_for_anyone_with_a_shift() -> None:
    team = [member(1, role=Role.BDC, shifts={5: (time(8), time(16))})]
    assert decide(team, FRIDAY_NIGHT) == waits_for(1, datetime(2026, 3, 7, 8, 0, tzinfo=LA))


def test_nobody_with_any_shift_at_all() -> None:
    team = [member(1, shifts={}), member(2, role=Role.MANAGER, shifts={})]
    decision = decide(team, TUESDAY_2PM, owner=1)
    assert decision == Decision(None, "nobody_on_shift", TUESDAY_2PM + timedelta(days=1))
    assert not decision.pages_now
    assert decide([], TUESDAY_2PM).rule == "nobody_on_shift"


# -- urgent after hours: the on-call manager ---------------------------------------------------


def test_after_hours_only_urgent_handoffs_page_the_on_call_manager() -> None:
    team = [member(1), member(2, role=Role.MANAGER)]
    assert decide(team, FRIDAY_NIGHT, owner=1, urgent=True) == pages(2, "after_hours_on_call")
    routine = decide(team, FRIDAY_NIGHT, owner=1, urgent=False)
    assert routine == waits_for(1, datetime(2026, 3, 9, 9, 0, tzinfo=LA))


def test_the_configured_on_call_manager_is_paged_else_the_first_manager() -> None:
    team = [
        member(1),
        member(2, role=Role.MANAGER, handle="daniel"),
        member(3, role=Role.MANAGER, handle="sofia"),
    ]
    night = FRIDAY_NIGHT
    assert decide(team, night, owner=1, urgent=True, on_call="sofia") == pages(
        3, "after_hours_on_call"
    )
    assert decide(team, night, owner=1, urgent=True) == pages(2, "after_hours_on_call")
    assert decide(team, night, owner=1, urgent=True, on_call="nobody") == pages(
        2, "after_hours_on_call"
    )


def test_an_on_call_manager_who_did_not_answer_leaves_it_queued() -> None:
    team = [member(1), member(2, role=Role.MANAGER, handle="daniel")]
    decision = decide(team, FRIDAY_NIGHT, owner=1, urgent=True, paged=[2], on_call="daniel")
    assert decision == waits_for(1, datetime(2026, 3, 9, 9, 0, tzinfo=LA))


def test_urgent_with_no_manager_at_all_is_queued() -> None:
    team = [member(1)]
    decision = decide(team, FRIDAY_NIGHT, owner=1, urgent=True)
    assert decision == waits_for(1, datetime(2026, 3, 9, 9, 0, tzinfo=LA))


# -- inactive staff -------------------------------------------------------------------------


def test_inactive_staff_are_never_chosen() -> None:
    team = [
        member(1, active=False),  # the owner, who left
        member(2, active=False),  # no load, would win the rotation
        member(3),
        member(4, role=Role.MANAGER, handle="daniel", active=False),
        member(5, role=Role.MANAGER, handle="sofia"),
    ]
    assert decide(team, TUESDAY_2PM, owner=1, load={3: 4}) == pages(3, "rotation")
    assert decide(team, TUESDAY_2PM, owner=1, paged=[3]) == pages(5, "manager_on_duty")
    on_call = decide(team, FRIDAY_NIGHT, owner=1, urgent=True, on_call="daniel")
    assert on_call == pages(5, "after_hours_on_call")


def test_an_inactive_owners_shift_is_not_waited_for() -> None:
    team = [
        member(1, shifts={5: (time(8), time(12))}, active=False),
        member(2, shifts={5: (time(11), time(18))}),
    ]
    decision = decide(team, FRIDAY_NIGHT, owner=1)
    assert decision == waits_for(2, datetime(2026, 3, 7, 11, 0, tzinfo=LA))
