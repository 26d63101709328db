"""The vehicles a shopper asked about, remembered after each assistant turn from the turn's
final dialogue state: the vehicle under discussion and the ones just compared (a list of
search results only shown is not a question about any of them). The intent rules read it
("asked about it by text on May 10"; a price drop on a vehicle the customer asked about)."""

from __future__ import annotations

from contracts.dialogue import Slots
from crm_store import vehicle_interest
from crm_store.db import Store
from crm_store.records import ConversationRecord


def asked_about(slots: Slots) -> list[str]:
    """The stock numbers the turn's state says the shopper is asking about."""
    stocks = [slots["vehicle_of_interest"]] if slots.get("vehicle_of_interest") else []
    compared = slots.get("compared")
    if compared:
        stocks += [s for s in compared["stocks"] if s not in stocks]
    return stocks


def remember(store: Store, convo: ConversationRecord, slots: Slots) -> None:
    stocks = asked_about(slots)
    if not stocks:
        return
    with store.unit_of_work() as uow:
        vehicle_interest.record_asked(
            uow,
            dealership_id=convo.dealership_id,
            customer_id=convo.customer_id,
            stocks=stocks,
            channel=convo.channel.value,
        )
