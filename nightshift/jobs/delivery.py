"""Delivery: a worker drains the durable outbox through each channel's sender.

Retries with backoff on transient failures (5xx, timeouts), none on permanent ones; the
message's delivery status follows every attempt. Woken at once when a reply is queued,
and every second for retries that have come due.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from contracts.channels import Sender
from contracts.clock import Clock
from contracts.messages import OutboundMessage, SendResult
from crm_store import conversations, customers, messages, outbox
from crm_store.db import Store
from crm_store.types import Channel, Consent, DeliveryStatus
from nightshift.infra import logs

log = logging.getLogger("nightshift.delivery")
BACKOFF = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
MAX_ATTEMPTS = 6
OPTED_OUT = "21610"
LEASE = timedelta(minutes=2)


class Dispatcher:
    def __init__(self, store: Store, senders: dict[Channel, Sender], clock: Clock) -> None:
        self.store = store
        self.senders = senders
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        self._wake.set()

    def run_once(self) -> int:
        """Try every due item once; returns how many attempts were made."""
        attempts = 0
        for channel, sender in self.senders.items():
            with self.store.unit_of_work() as uow:
                items = outbox.claim(uow, channel=channel, lease=LEASE)
            for item in items:
                attempts += 1
                message = OutboundMessage(
                    item.message_id,
                    item.conversation_id,
                    "sms" if channel is Channel.SMS else "web",
                    item.recipient,
                    item.body,
                    item.author,
                )
                try:
                    result = sender.send(message)
                except Exception as exc:  # a sender bug or network error: retry later
                    log.exception("send_crashed outbox=%s", item.id)
                    result = SendResult(ok=False, error=repr(exc))
                self._record(item.id, item.message_id, item.conversation_id, item.attempts, result)
        return attempts

    def _record(
        self, item_id: int, message_id: int, conversation_id: int, attempts: int, result: SendResult
    ) -> None:
        with self.store.unit_of_work() as uow:
            if result.ok:
                outbox.mark_sent(uow, item_id=item_id)
                messages.update_delivery(
                    uow,
                    message_id=message_id,
                    status=_status(result.status) or DeliveryStatus.SENT,
                    channel_message_id=result.provider_id,
                )
                return
            final = result.permanent or attempts + 1 >= MAX_ATTEMPTS
            retry_at = (
                None if final else self.clock.now() + BACKOFF[min(attempts, len(BACKOFF) - 1)]
            )
            outbox.mark_failed(
                uow,
                item_id=item_id,
                error=result.error or result.error_code or "failed",
                retry_at=retry_at,
            )
            if final:
                messages.update_delivery(
                    uow,
                    message_id=message_id,
                    status=DeliveryStatus.FAILED,
                    error_code=result.error_code,
                )
            if result.error_code == OPTED_OUT:
                # The carrier says this shopper opted out: record it, so nothing more is sent.
                convo = conversations.get_conversation(uow, conversation_id=conversation_id)
                customers.record_consent(
                    uow,
                    customer_id=convo.customer_id,
                    state=Consent.REVOKED,
                    source="twilio_21610",
                    detail="send refused: the number has opted out",
                )
        logs.event(
            log,
            "send_failed",
            level=logging.WARNING,
            outbox=item_id,
            code=result.error_code,
            permanent=result.permanent,
            retry=not final,
        )

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("outbox_loop_failed")
            self._wake.wait(timeout=1.0)
            self._wake.clear()


def _status(value: str | None) -> DeliveryStatus | None:
    try:
        return DeliveryStatus(value) if value else None
    except ValueError:
        return None
