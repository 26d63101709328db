"""What a quarantined job leaves for a person (the job runner's `on_quarantine` callbacks).

A shopper's message whose job kept failing or killing its worker is never answered by the
assistant, but it is never dropped either: it is stored in its conversation and a handoff
(reason `other`) is raised, which the handoff flow routes and pages as usual. No automatic
reply goes out: whatever made the message poisonous may be in the turn that would answer it,
and the person paged answers instead. Other kinds (reminders, pages, ack timeouts) have no
shopper message to save: the runner's `job_quarantined` log line and `nightshift jobs failed`
are their trace.
"""

from __future__ import annotations

import logging

from crm_store import handoffs
from crm_store.db import Store
from crm_store.jobs import JobRecord, OnQuarantine
from nightshift.conversation.pipeline import Pipeline
from nightshift.conversation.turns import INBOUND_JOB, TURN_JOB, inbound_of
from nightshift.infra import logs

log = logging.getLogger("nightshift.quarantine")
NOTE = (
    "The assistant could not process this message (its job was quarantined after failing "
    "or stopping its worker {attempts} times); please read it and reply to the shopper."
)


class ShopperMessages:
    """Quarantine callbacks for the jobs that carry a shopper's message. Idempotent: the
    message is stored once (by its channel id) and a conversation has one live handoff."""

    def __init__(self, store: Store, pipeline: Pipeline) -> None:
        self.store = store
        self.pipeline = pipeline

    def handlers(self) -> dict[str, OnQuarantine]:
        return {INBOUND_JOB: self.inbound, TURN_JOB: self.turn}

    def inbound(self, job: JobRecord, error: str) -> None:
        """A received message that never got into its conversation: store it there first."""
        accepted = self.pipeline.take(inbound_of(job.payload), queue_turn=False)
        if accepted is None:
            return  # a staff member's text, answered by take: no shopper waits on it
        self._handoff(job, accepted.conversation_id, accepted.message_id)

    def turn(self, job: JobRecord, error: str) -> None:
        """A stored message whose turn never finished."""
        payload = job.payload
        self._handoff(job, int(payload["conversation_id"]), int(payload["message_id"]))

    def _handoff(self, job: JobRecord, conversation_id: int, message_id: int) -> None:
        with self.store.unit_of_work() as uow:
            found = handoffs.create_for_failure(
                uow,
                conversation_id=conversation_id,
                trigger_message_id=message_id,
                note=NOTE.format(attempts=job.attempts + 1),
            )
        logs.event(
            log, "quarantine_handoff", job=job.id, handoff=found.id, conversation=conversation_id
        )
