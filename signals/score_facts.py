"""The lead scores of customers from the store: the facts `signals.score.score` reads, for
one customer or many (an inbox page) in the same six indexed queries, bounded by the
score's window (`Weights.window`):

- their shopper events in the window (views, price watches, calculators, forms, searches),
  the newest `EVENT_LIMIT` of each customer;
- their test drives starting in the window (`crm_store.lead_history.appointments_since`);
- their handoffs created in the window: a reason of purchase_intent, financing or trade_in
  is that fact, said when the handoff was raised; so is a budget, trade-in or financing
  written in the handoff's stored summary (what the conversation established then);
- the vehicles they asked about in a conversation (`crm_store.vehicle_interest`: one row
  per vehicle) and those vehicles' stock numbers, kept when last asked in the window;
- when they last wrote (any conversation).

Many customers are read `CHUNK` at a time (each query one IN list of their ids), so the
query count is constant up to `CHUNK` customers and the IN lists stay far below SQLite's
and PostgreSQL's bound-parameter limits. One customer is the same path with one id.

What the conversation being handed off establishes now (its dialogue state and messages, not
stored yet when the summary is built) is passed in as `said`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
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
CHUNK = 1_000  # customers per IN list


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


def lead_scores(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    customer_ids: Collection[int],
    weights: Weights | None = None,
) -> dict[int, Score]:
    """Each customer's score now (one with no facts scores 0), read in six queries per
    `CHUNK` customers."""
    w = weights or Weights()
    now = uow.now()
    found = facts_of(
        uow, dealership_id=dealership_id, customer_ids=customer_ids, since=now - w.window
    )
    return {customer_id: score(facts, now, w) for customer_id, facts in found.items()}


def lead_facts(
    uow: UnitOfWork, *, dealership_id: int, customer_id: int, since: datetime
) -> LeadFacts:
    """What the store knows of the customer since `since` (see the module docstring)."""
    found = facts_of(uow, dealership_id=dealership_id, customer_ids=[customer_id], since=since)
    return found[customer_id]


def facts_of(
    uow: UnitOfWork, *, dealership_id: int, customer_ids: Collection[int], since: datetime
) -> dict[int, LeadFacts]:
    """`lead_facts` of every one of `customer_ids`, `CHUNK` customers at a time."""
    ids = sorted(set(customer_ids))
    found: dict[int, LeadFacts] = {}
    for start in range(0, len(ids), CHUNK):
        found |= _chunk(uow, dealership_id, ids[start : start + CHUNK], since)
    return found


def _chunk(
    uow: UnitOfWork, dealership_id: int, ids: Sequence[int], since: datetime
) -> dict[int, LeadFacts]:
    events = shopper_events.latest_events_of(
        uow, dealership_id=dealership_id, customer_ids=ids, since=since, limit_each=EVENT_LIMIT
    )
    drives = lead_history.appointments_since(uow, customer_ids=ids, since=since)
    handoffs = lead_history.handoffs_since(uow, customer_ids=ids, since=since)
    asked = vehicle_interest.asked_since(uow, customer_ids=ids, since=since)
    named = {a.vehicle_id for each in asked.values() for a in each}
    stocks = {car.id: car.stock for car in vehicles.vehicles_by_ids(uow, vehicle_ids=named)}
    last = lead_history.last_shopper_messages(uow, customer_ids=ids)
    return {
        customer_id: LeadFacts(
            events=[Seen.of(e) for e in events.get(customer_id, [])],
            test_drives=[Drive(d.starts_at, d.status.value) for d in drives.get(customer_id, [])],
            said=[
                Said(fact, handoff.created_at)
                for handoff in handoffs.get(customer_id, [])
                for fact in _said(handoff.reasons, handoff.summary)
            ],
            questions=[
                Question(stocks[a.vehicle_id], a.channel, a.last_at)
                for a in asked.get(customer_id, [])
                if a.vehicle_id in stocks
            ],
            last_activity=last.get(customer_id),
        )
        for customer_id in ids
    }


def _said(reasons: Sequence[str], summary: Mapping[str, object]) -> list[str]:
    """The facts a handoff records: its reasons that are facts, and the facts its stored
    summary has a value for."""
    facts = {r for r in reasons if r in SAID}
    facts |= {key for key in SUMMARY_FACTS if summary.get(key)}
    return sorted(facts)
