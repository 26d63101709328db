"""Slot bookkeeping from tool results: code, not the model, keeps the dialogue state."""

from __future__ import annotations

from typing import Any

from agent.dialogue import shown_updates
from agent.followups import TEST_DRIVE_TOPIC, topic_update


def slot_updates(name: str, args: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """What a tool call tells us about the conversation (vehicles shown, booking, contact)."""
    if "error" in result and name not in ("book_test_drive", "reschedule_test_drive"):
        return {}
    if name == "search_inventory":
        updates: dict[str, Any] = shown_updates(result.get("vehicles", []))
        shown = updates["vehicles_shown"]
        if len(shown) == 1:
            updates["vehicle_of_interest"] = shown[0]
        if args.get("price_max"):
            updates["budget"] = args["price_max"]
        updates["search_total"] = result.get("total", len(shown))  # "+2 more" than shown
        return updates
    if name in ("search_knowledge", "dealership_info"):  # the topic of a follow-up
        return topic_update(name, {"query": args.get("query"), **result})  # as searched
    if name == "get_vehicle":
        return {"vehicle_of_interest": result["vehicle"]["stock"]}
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
                "appointment_id": booked["appointment_id"],
                "appointment_stock": booked["stock"],
                "vehicle_of_interest": booked["stock"],
                "topic": TEST_DRIVE_TOPIC,
                "offered_slots": None,
                "requested_time": None,  # the booking talk is over: nothing named stands
                "heard": None,
                "appointment_day": booked["starts_at"][:10],
                "appointment_time": booked["starts_at"][11:16],
            }
        if result.get("error") == "not_chosen":  # the shopper has yet to pick: offer stands
            return {}
        # The time is not open, but the car it was for is the one under discussion.
        held = {"vehicle_of_interest": result["stock"]} if result.get("stock") else {}
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
        return {k: v for k, v in saved.items() if k in ("name", "email") and v}
    if name == "request_human":
        return {"handoff_reason": result.get("reason")}
    return {}
