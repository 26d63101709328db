"""A person takes a conversation over from the assistant, and gives it back: the handoff's
state, the conversation's mode and the notice the shopper gets, in the caller's unit of work.

One copy for every way in (the signed handoff page, the console's conversation page). The
notice's words are the caller's (`Notice`): they are prompt text, which `handoff/` does not
own. Auditing is the caller's too (each way in names its actor differently).
"""

from __future__ import annotations

from collections.abc import Callable

from crm_store import conversations, dealerships, handoffs
from crm_store.records import HandoffRecord, StaffRecord
from crm_store.types import Author, ConversationMode
from crm_store.uow import UnitOfWork
from handoff.staff_messages import send_to_shopper

# (the handoff, the dealership's name) -> the notice to the shopper
Notice = Callable[[HandoffRecord, str], str]


def take_over(
    uow: UnitOfWork, *, handoff_id: int, member: StaffRecord, notice: Notice
) -> HandoffRecord:
    """`member` claims the handoff: the assistant goes silent and the shopper is told. Doing
    it again (already theirs, in human mode) changes nothing and tells nobody."""
    current = handoffs.get_handoff(uow, handoff_id=handoff_id)
    convo = conversations.get_conversation(uow, conversation_id=current.conversation_id)
    if convo.mode is ConversationMode.HUMAN and current.assigned_staff_id == member.id:
        return current
    found = handoffs.claim(uow, handoff_id=handoff_id, staff_id=member.id)
    _tell(uow, found, member, notice)
    return found


def give_back(
    uow: UnitOfWork, *, handoff_id: int, member: StaffRecord, notice: Notice
) -> HandoffRecord:
    """`member` hands the conversation back to the assistant; the handoff is resolved and
    the shopper is told."""
    found = handoffs.hand_back(uow, handoff_id=handoff_id, staff_id=member.id)
    _tell(uow, found, member, notice)
    return found


def _tell(uow: UnitOfWork, found: HandoffRecord, member: StaffRecord, notice: Notice) -> None:
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=found.dealership_id)
    send_to_shopper(
        uow, found.conversation_id, notice(found, dealer.name), Author.SYSTEM, member.id
    )
