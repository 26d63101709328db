"""The input of the assistant's turn: the shopper's message, after what they were sent since
the assistant last wrote and the graph never saw (the texts staff sent while they had the
conversation, the system's: an outreach text, the hand-back notice), as the assistant's side
of the history; and, when the latest of them is an outreach text about a vehicle still in
stock, that vehicle as the one under discussion and the question left open an offer to come
and see it (every such text invites the shopper to), so "is it still available?" is about it
and "yes please" takes it up.

Ids are `ctx-{message_id}`: `add_messages` replaces by id, so a text is never added twice.
One indexed read per turn, bounded to the last `LIMIT` texts.
"""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage

from agent.state import AgentState
from crm_store import outreach
from crm_store.db import Store

LIMIT = 10


def turn_input(store: Store, *, conversation_id: int, body: str, message_id: int) -> AgentState:
    with store.reading() as uow:
        sent = outreach.sent_meanwhile(uow, conversation_id=conversation_id, limit=LIMIT)
    said = [AIMessage(content=m.body, id=f"ctx-{m.message_id}") for m in sent]
    turn: AgentState = {"messages": [*said, HumanMessage(content=body, id=f"in-{message_id}")]}
    latest = next((m for m in reversed(sent) if m.outreach), None)
    if latest is not None and latest.stock is not None:
        turn["slots"] = {"vehicle_of_interest": latest.stock, "pending": "offer_test_drive"}
    return turn
