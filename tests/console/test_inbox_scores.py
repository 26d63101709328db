"""The inbox ordered by lead score (SQLite and PostgreSQL): each list is the top by score of
more candidates than it shows, highest first, ties in the default order; every customer
shown has their score."""

from __future__ import annotations

from datetime import timedelta

from console.inbox import Inbox, Sort
from contracts.clock import FrozenClock
from crm_store import shopper_events
from crm_store.db import Store
from crm_store.records import ConversationRecord
from crm_store.shopper_events import NewShopperEvent
from tests.console.test_inbox import Team, _conversation, _ids, _team


def test_a_strong_lead_past_the_first_rows_comes_first_by_score(
    store: Store, clock: FrozenClock
) -> None:
    team = _team(store)
    rep = team.lot.rep.id
    strong = _strong_lead(store, clock, team, "5551230011")
    older = _conversation(store, clock, team, "hi", phone="5551230012", assigned_to=rep)
    newer = _conversation(store, clock, team, "hello", phone="5551230013", assigned_to=rep)
    box = Inbox(store)

    recent = box.scored(team.maria, limit=2)
    by_score = box.scored(team.maria, sort=Sort.SCORE, limit=2)
    every = box.scored(team.maria, sort=Sort.SCORE)

    assert _ids(recent.sections.waiting) == [newer.public_id, older.public_id]
    # the strong lead is third by recency, past the two shown, and first by score
    assert _ids(by_score.sections.waiting) == [strong.public_id, newer.public_id]
    scores = by_score.scores
    assert scores[strong.customer_id].value > scores[newer.customer_id].value
    assert "3 views of " in scores[strong.customer_id].text()
    # the other two score the same: the newer first, as by recency
    assert scores[newer.customer_id].value == every.scores[older.customer_id].value
    assert _ids(every.sections.waiting) == [strong.public_id, newer.public_id, older.public_id]
    # scores are given for the customers shown, not for the candidates left out
    assert set(by_score.scores) == {strong.customer_id, newer.customer_id}
    assert set(recent.scores) == {newer.customer_id, older.customer_id}


def test_a_page_awaiting_my_acknowledgement_stays_first_whatever_its_score(
    store: Store, clock: FrozenClock
) -> None:
    team = _team(store)
    rep = team.lot.rep.id
    strong = _strong_lead(store, clock, team, "5551230021")
    paged = _conversation(store, clock, team, "hi", phone="5551230022", paged_to=rep)

    by_score = Inbox(store).scored(team.maria, sort=Sort.SCORE)

    scores = by_score.scores
    assert scores[paged.customer_id].value < scores[strong.customer_id].value
    waiting = by_score.sections.waiting
    assert _ids(waiting) == [paged.public_id, strong.public_id]
    assert waiting[0].awaiting_ack and not waiting[1].awaiting_ack


def _strong_lead(store: Store, clock: FrozenClock, team: Team, phone: str) -> ConversationRecord:
    """A financing handoff assigned to the rep, from a shopper who viewed the lot's car three
    times in the last three hours."""
    strong = _conversation(
        store, clock, team, "financing?", phone=phone, raised=True, assigned_to=team.lot.rep.id
    )
    with store.unit_of_work() as uow:
        shopper_events.record_batch(
            uow,
            dealership_id=team.lot.dealer.id,
            events=[
                NewShopperEvent(
                    type="vdp_view",
                    at=clock.now() - timedelta(hours=n),
                    customer_id=strong.customer_id,
                    stock=team.lot.car.stock,
                )
                for n in (1, 2, 3)
            ],
        )
    return strong
