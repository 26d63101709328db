"""The test-drive tools: open slots, booking, moving and cancelling the shopper's drive, and
reading their own drives. Part of `agent.tools.Toolbox` (one turn's tools), kept apart so each
file stays readable; availability and the no-double-booking rule are the store's
(`crm_store.availability`).

Booking and rescheduling take only a time the shopper named or picked (`agent.consent`),
and act on the shopper's own soonest upcoming drive only, never another customer's."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from agent import tool_args as A  # noqa: N812 (the schemas read as A.BookTestDrive)
from agent.consent import booking_refusal
from agent.context import AgentDeps, TurnContext
from contracts.dialogue import Slots
from crm_store import appointments, availability, customers, staff, vehicles
from crm_store.availability import Slot, SlotUnavailable
from crm_store.records import VehicleRecord
from crm_store.types import VehicleStatus


class BookingTools:
    """The test-drive tools of `agent.tools.Toolbox`, bound to the same turn."""

    deps: AgentDeps
    ctx: TurnContext
    zone: ZoneInfo
    slots: Slots | None

    def check_availability(self, args: A.CheckAvailability) -> dict[str, Any]:
        with self.deps.store.reading() as uow:
            car = self._vehicle(uow, args.stock)
            if car.status is not VehicleStatus.AVAILABLE:
                return {"stock": car.stock, "status": car.status.value, "slots": []}
            preferred = self._assigned(uow)
            if args.date:
                day = date.fromisoformat(args.date)
                slots = availability.open_slots_on(
                    uow,
                    dealership_id=self.ctx.dealership_id,
                    vehicle_id=car.id,
                    day=day,
                    preferred_staff_id=preferred,
                    policy=self.deps.booking,
                )
                closed = not slots
                slots = self._window(slots, args.earliest, args.latest)
            else:
                closed = False
                slots = availability.nearest_open_slots(
                    uow,
                    dealership_id=self.ctx.dealership_id,
                    vehicle_id=car.id,
                    around=self.deps.clock.now(),
                    count=3,
                    preferred_staff_id=preferred,
                    policy=self.deps.booking,
                )
            nearest: list[Slot] = []
            if not slots:
                # nearest to the window asked for ("after work" full: around 17:00, not 9:00)
                start = time.fromisoformat(args.earliest) if args.earliest else time(9)
                around = (
                    datetime.combine(date.fromisoformat(args.date), start, tzinfo=self.zone)
                    if args.date
                    else self.deps.clock.now()
                )
                nearest = availability.nearest_open_slots(
                    uow,
                    dealership_id=self.ctx.dealership_id,
                    vehicle_id=car.id,
                    around=around,
                    preferred_staff_id=preferred,
                    policy=self.deps.booking,
                )
            outside = self._outside_hours(args.date, args.earliest, args.latest)
        return {
            "stock": car.stock,
            "title": car.title,
            "status": car.status.value,
            "date": args.date,
            "day_closed": closed,
            **outside,
            "slots": [self._local(s.starts_at) for s in slots],
            "nearest": [self._local(s.starts_at) for s in nearest],
        }

    def book_test_drive(self, args: A.BookTestDrive) -> dict[str, Any]:
        starts_at = self._parse_local(args.starts_at)
        if (refused := self._unchosen(starts_at)) is not None:
            return {**refused, "stock": args.stock.strip().upper()}
        with self.deps.store.unit_of_work() as uow:
            car = self._vehicle(uow, args.stock)
            try:
                booked = availability.book(
                    uow,
                    dealership_id=self.ctx.dealership_id,
                    vehicle_id=car.id,
                    starts_at=starts_at,
                    customer_id=self.ctx.customer_id,
                    conversation_id=self.ctx.conversation_id,
                    preferred_staff_id=self._assigned(uow),
                    policy=self.deps.booking,
                )
            except SlotUnavailable as exc:
                return {
                    "error": "unavailable",
                    "reason": exc.reason,
                    "stock": car.stock,
                    "status": car.status.value,
                    "alternatives": [self._local(s.starts_at) for s in exc.alternatives],
                }
            return {"booked": self._appointment_view(uow, booked.id)}

    def reschedule_test_drive(self, args: A.Reschedule) -> dict[str, Any]:
        starts_at = self._parse_local(args.starts_at)
        if (refused := self._unchosen(starts_at)) is not None:
            return refused
        with self.deps.store.unit_of_work() as uow:
            current = self._upcoming(uow)
            if current is None:
                return {"error": "no upcoming test drive to reschedule"}
            try:
                moved = availability.reschedule(
                    uow, appointment_id=current, starts_at=starts_at, policy=self.deps.booking
                )
            except SlotUnavailable as exc:
                return {
                    "error": "unavailable",
                    "reason": exc.reason,
                    "alternatives": [self._local(s.starts_at) for s in exc.alternatives],
                }
            return {"rescheduled": self._appointment_view(uow, moved.id)}

    def cancel_test_drive(self, args: A.Cancel) -> dict[str, Any]:
        with self.deps.store.unit_of_work() as uow:
            current = self._upcoming(uow)
            if current is None:
                return {"error": "no upcoming test drive to cancel"}
            view = self._appointment_view(uow, current)
            appointments.cancel_appointment(uow, appointment_id=current)
        return {"cancelled": view}

    def my_appointments(self, args: A.MyAppointments) -> dict[str, Any]:
        """Only this shopper's own drives (`ctx.customer_id`), never another customer's."""
        with self.deps.store.reading() as uow:
            upcoming = appointments.upcoming_for_customer(uow, customer_id=self.ctx.customer_id)
            return {"appointments": [self._appointment_view(uow, a.id) for a in upcoming]}

    # -- helpers -----------------------------------------------------------------------

    def _unchosen(self, starts_at: datetime) -> dict[str, Any] | None:
        """The refusal when the shopper did not name or pick this time (see agent.consent)."""
        if self.slots is None:
            return None
        return booking_refusal(self._local(starts_at), self.slots)

    def _vehicle(self, uow: Any, stock: str) -> VehicleRecord:
        return vehicles.get_vehicle(
            uow, dealership_id=self.ctx.dealership_id, stock=stock.strip().upper()
        )

    def _assigned(self, uow: Any) -> int | None:
        return customers.get_customer(uow, customer_id=self.ctx.customer_id).assigned_staff_id

    def _upcoming(self, uow: Any) -> int | None:
        upcoming = appointments.upcoming_for_customer(uow, customer_id=self.ctx.customer_id)
        return upcoming[0].id if upcoming else None

    def _appointment_view(self, uow: Any, appointment_id: int) -> dict[str, Any]:
        record = appointments.get_appointment(uow, appointment_id=appointment_id)
        car = vehicles.get_vehicle_by_id(uow, vehicle_id=record.vehicle_id)
        person = staff.get_staff(uow, staff_id=record.staff_id) if record.staff_id else None
        return {
            "appointment_id": record.id,
            "stock": car.stock,
            "title": car.title,
            "starts_at": self._local(record.starts_at),
            "staff": person.name if person else None,
            **(
                {"calendar": f"{base}/appointments/{record.token}.ics"}
                if (base := self.deps.public_base_url.rstrip("/"))
                else {}
            ),
        }

    def _outside_hours(
        self, day: str | None, earliest: str | None, latest: str | None
    ) -> dict[str, Any]:
        """When the window asked for lies before opening or after closing that day ("sunday
        at 10" when Sunday opens at noon): which, and the day's opening and closing times."""
        if not day or not (earliest or latest):
            return {}
        dealer = self.ctx.dealer
        hours = dealer.hours.get(date.fromisoformat(day).weekday())
        if hours is None:
            return {}
        opens, closes = hours
        if latest and time.fromisoformat(latest) <= opens:
            side = "before_open"
        elif earliest and time.fromisoformat(earliest) >= closes:
            side = "after_close"
        else:
            return {}
        return {
            "outside_hours": side,
            "opens": opens.strftime("%H:%M"),
            "closes": closes.strftime("%H:%M"),
        }

    def _window(self, slots: list[Slot], earliest: str | None, latest: str | None) -> list[Slot]:
        lo = time.fromisoformat(earliest) if earliest else time.min
        hi = time.fromisoformat(latest) if latest else time.max
        return [s for s in slots if lo <= s.starts_at.astimezone(self.zone).time() < hi]

    def _local(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M")

    def _parse_local(self, text: str) -> datetime:
        try:
            naive = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(
                f"starts_at: {text!r} is not a local time; expected YYYY-MM-DDTHH:MM"
            ) from None
        return naive.replace(tzinfo=self.zone) if naive.tzinfo is None else naive
