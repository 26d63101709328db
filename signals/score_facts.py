"""The lead score of one customer from the store: the facts `signals.score.score` reads, in
six indexed queries on that customer, bounded by the score's window (`Weights.window`):

- their shopper events in the window (views, price watches, calculators, forms, searches);
- their test drives starting in the window (`crm_store.lead_history.appointments_since`);
- their handoffs created in the window: a reason of purchase_intent, financing or trade_in
  is that fact, said when the handoff was raised; so is a budget, trade-in or financing
  written in the handoff's stored summary (what the conversation established then);
- the vehicles they asked about in a conversation (`crm_store.vehicle_interest`: one row
  per vehicle) and those vehicles' stock numbers, kept when last asked in the window;
- when they last wrote (any conversation).

What the conversation being handed off establishes now (its dialogue state and messages, not
stored yet when the summary is built) is passed in as `said`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from crm_store import lead_history, shopper_events, vehicle_interest, vehicles
from crm_store.uow import UnitOfWork
from signals.facts import Seen
from signals.score import SAID, Drive, LeadFacts, Question, Said, Score, Weights, score

# A customer's events read at once: far more than any shopper makes in a month; the newest
# are kept (a runaway sender cannot make one score read unbounded).
EVENT_LIMIT = 5_000
SUMMARY_FACTS = ("budget", "trade_in", "financing")


def lead_score(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    customer_id: int,
    said: Collection[str] = (),
    weights: Weights | None = None,
) -> Score:
    """The customer's score now; `said`: facts (keys of `signals.score.SAID`) the current
    conversation establishes, counted as said now."""
    w = weights or Weights()
    now = uow.now()
    facts = lead_facts(
        uow, dealership_id=dealership_id, customer_id=customer_id, since=now - w.window
    )
    fresh = [Said(fact, now) for fact in said if fact in SAID]
    return score(replace(facts, said=[*facts.said, *fresh]), now, w)


def lead_facts(
    uow: UnitOfWork, *, dealership_id: int, customer_id: int, since: datetime
) -> LeadFacts:
    """What the store knows of the customer since `since` (see the module docstring)."""
    events = shopper_events.list_events(
        uow, dealership_id=dealership_id, customer_id=customer_id, since=since, limit=EVENT_LIMIT
    )
    drives = lead_history.appointments_since(uow, customer_id=customer_id, since=since)
    said: list[Said] = []
    for handoff in lead_history.handoffs_since(uow, customer_id=customer_id, since=since):
        facts = {r for r in handoff.reasons if r in SAID}
        facts |= {key for key in SUMMARY_FACTS if handoff.summary.get(key)}
        said += [Said(fact, handoff.created_at) for fact in sorted(facts)]
    asked = [
        a for a in vehicle_interest.asked_by(uow, customer_id=customer_id) if a.last_at >= since
    ]
    stocks = {
        car.id: car.stock
        for car in vehicles.vehicles_by_ids(uow, vehicle_ids={a.vehicle_id for a in asked})
    }
    return LeadFacts(
        events=[Seen.of(e) for e in events],
        test_drives=[Drive(d.starts_at, d.status.value) for d in drives],
        said=said,
        questions=[
            Question(stocks[a.vehicle_id], a.channel, a.last_at)
            for a in asked
            if a.vehicle_id in stocks
        ],
        last_activity=lead_history.last_shopper_message(uow, customer_id=customer_id),
    )
