"""Slot bookkeeping from tool results: code, not the model, keeps the dialogue state."""

from __future__ import annotations

from typing import Any

from agent.dialogue import shown_updates
from agent.followups import TEST_DRIVE_TOPIC, topic_update
from agent.standing import drive_slots
from contracts.dialogue import SlotUpdate


def slot_updates(name: str, args: dict[str, Any], result: dict[str, Any]) -> SlotUpdate:
    """What a tool call tells us about the conversation (vehicles shown, booking, contact)."""
    if "error" in result and name not in ("book_test_drive", "reschedule_test_drive"):
        return {}
    if name == "search_inventory":
        updates = shown_updates(result.get("vehicles", []))
        shown = updates.get("vehicles_shown") or []
        if len(shown) == 1:
            updates["vehicle_of_interest"] = shown[0]
        elif named := _named_exactly(args, result.get("vehicles", [])):
            updates["vehicle_of_interest"] = named  # "the outback premium", not the 2.5i Premium
        if args.get("price_max"):
            updates["budget"] = args["price_max"]
        updates["search_total"] = result.get("total", len(shown))  # "+2 more" than shown
        return updates
    if name in ("search_knowledge", "dealership_info"):  # the topic of a follow-up
        return topic_update(name, {"query": args.get("query"), **result})  # as searched
    if name == "get_vehicle":
        return {"vehicle_of_interest": result["vehicle"]["stock"]}
    if name == "my_appointments" and result.get("appointments"):
        return {"topic": TEST_DRIVE_TOPIC}  # "do i need to bring anything": to their drive
    if name == "check_availability":
        return {
            "vehicle_of_interest": result.get("stock"),
            "offered_slots": result.get("slots", [])[:6] or result.get("nearest", []),
            "topic": TEST_DRIVE_TOPIC,
        }
    if name in ("book_test_drive", "reschedule_test_drive"):
        booked = result.get("booked") or result.get("rescheduled")
        if booked:
            return {
                "vehicle_of_interest": booked["stock"],
                "topic": TEST_DRIVE_TOPIC,
                "offered_slots": None,
                "requested_time": None,  # the booking talk is over: nothing named stands
                "heard": None,
                **drive_slots(booked["appointment_id"], booked["stock"], booked["starts_at"]),
            }
        if result.get("error") == "not_chosen":  # the shopper has yet to pick: offer stands
            return {}
        # The time is not open, but the car it was for is the one under discussion.
        held: SlotUpdate = {"vehicle_of_interest": result["stock"]} if result.get("stock") else {}
        return {"offered_slots": result.get("alternatives", []), **held}
    if name == "cancel_test_drive":
        return {
            "appointment_id": None,
            "appointment_stock": None,
            "offered_slots": None,
            "requested_time": None,
            "heard": None,
        }
    if name == "capture_lead":
        saved = result.get("saved", {})
        contact: SlotUpdate = {}
        if saved.get("name"):
            contact["name"] = saved["name"]
        if saved.get("email"):
            contact["email"] = saved["email"]
        return contact
    if name == "request_human":
        return {"handoff_reason": result.get("reason")}
    return {}


def _named_exactly(args: dict[str, Any], vehicles: list[dict[str, Any]]) -> str | None:
    """The one vehicle found whose model and trim are exactly the ones searched for, when the
    others only contain the trim asked ("Premium" and "2.5i Premium"): the one named."""
    if not (args.get("model") and args.get("trim")):
        return None
    exact = [
        v["stock"]
        for v in vehicles
        if _compact(v.get("model")) == _compact(args["model"])
        and _compact(v.get("trim")) == _compact(args["trim"])
    ]
    return str(exact[0]) if len(exact) == 1 else None


def _compact(name: object) -> str:
    return "".join(ch for ch in str(name or "").lower() if ch.isalnum())
