"""Twilio's webhooks: inbound SMS/MMS and delivery status callbacks.

Every request must carry a valid `X-Twilio-Signature`, computed by Twilio over the public URL
it called plus the form parameters. Behind a proxy or tunnel the URL the app sees differs
from the one Twilio signed, so the signed URL is rebuilt from `public_base_url` (the
`PUBLIC_BASE_URL` setting) and the request's path and query.

Without an auth token (the local demo with no Twilio credentials) nothing can be verified,
so requests are accepted only from loopback clients (127.0.0.1, ::1): a shopper simulator on
the same machine works, the internet gets 403. Never expose a token-less instance publicly.

The inbound webhook stores the message (idempotently by MessageSid), schedules the
assistant's turn and answers empty TwiML at once: replies go out through the outbox and
`TwilioSender`, never in the TwiML, so a slow turn cannot make Twilio time out and retry.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from twilio.request_validator import RequestValidator

from contracts.channels import Inbox
from contracts.messages import Attachment, InboundMessage
from contracts.redact import mask
from crm_store import conversations, customers, messages
from crm_store.errors import NotFound
from crm_store.phones import normalise_phone
from crm_store.types import Consent, DeliveryStatus
from crm_store.uow import UnitOfWork

log = logging.getLogger("nightshift.channels.twilio")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
LOOPBACK = frozenset({"127.0.0.1", "::1"})
OPTED_OUT_CODE = "21610"
PHONE_CHARS = re.compile(r"\+?[0-9 ().-]{4,30}")
MAX_BODY = 1600  # characters: the longest message Twilio delivers

# Twilio's MessageStatus values -> our delivery status (None: not an outbound status).
STATUS_MAP: dict[str, DeliveryStatus | None] = {
    "accepted": DeliveryStatus.QUEUED,
    "scheduled": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.SENT,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.DELIVERED,
    "undelivered": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
    "receiving": None,
    "received": None,
}


class UnitsOfWork(Protocol):
    """What the webhook needs of the store: a fresh unit of work per use."""

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]: ...


class FormParams(dict[str, list[str]]):
    """Form fields with every value kept; `getlist` is what Twilio's validator looks for."""

    def getlist(self, name: str) -> list[str]:
        return self[name]

    def first(self, name: str) -> str | None:
        values = self.get(name)
        return values[0] if values else None


class _Rejected(Exception):
    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.response = JSONResponse({"error": error}, status_code=status)


def twilio_router(
    *,
    inbox: Inbox,
    store: UnitsOfWork,
    auth_token: str | None,
    public_base_url: str,
    dealership_for: Callable[[str], str],
) -> APIRouter:
    """The Twilio webhook routes; `dealership_for` maps the number texted (`To`) to a
    dealership slug and raises `LookupError` for a number that is not ours."""
    router = APIRouter(prefix="/channels/twilio", tags=["twilio"])
    validator = RequestValidator(auth_token) if auth_token else None
    base = public_base_url.rstrip("/")

    async def verified_form(request: Request) -> FormParams:
        form = FormParams()
        body = (await request.body()).decode("utf-8", errors="replace")
        for name, value in parse_qsl(body, keep_blank_values=True):
            form.setdefault(name, []).append(value)
        if validator is None:
            host = request.client.host if request.client else None
            if host not in LOOPBACK:
                log.warning("twilio_rejected reason=unsigned_non_loopback client=%s", host)
                raise _Rejected(403, "no Twilio auth token configured: loopback clients only")
            return form
        signature = request.headers.get("X-Twilio-Signature")
        url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if not signature or not validator.validate(url, form, signature):
            log.warning("twilio_rejected reason=bad_signature url=%s", url)
            raise _Rejected(403, "invalid or missing X-Twilio-Signature")
        return form

    @router.post("/sms")
    async def inbound_sms(request: Request) -> Response:
        try:
            form = await verified_form(request)
            inbound = await run_in_threadpool(_inbound, form, dealership_for)
        except _Rejected as rejected:
            return rejected.response
        try:
            created = await run_in_threadpool(inbox.receive, inbound)  # stored; turn follows
        except NotFound as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        log.info(
            "twilio_inbound sid=%s from=%s created=%s media=%d",
            inbound.channel_message_id,
            mask(inbound.sender),
            created,
            len(inbound.media),
        )
        return Response(EMPTY_TWIML, media_type="application/xml")

    @router.post("/status")
    async def status_callback(request: Request) -> Response:
        try:
            form = await verified_form(request)
            sid = _required(form, "MessageSid")
            status = _required(form, "MessageStatus")
        except _Rejected as rejected:
            return rejected.response
        error_code = form.first("ErrorCode") or None
        await run_in_threadpool(_apply_status, store, sid, status, error_code)
        return Response(status_code=204)

    return router


def _inbound(form: FormParams, dealership_for: Callable[[str], str]) -> InboundMessage:
    sender = _phone_sender(_required(form, "From"))
    to = _required(form, "To")
    sid = _required(form, "MessageSid")
    try:
        dealership = dealership_for(to)
    except LookupError as exc:
        raise _Rejected(404, f"To: {to!r} is not a number of any dealership here") from exc
    raw_count = form.first("NumMedia") or "0"
    try:
        count = int(raw_count)
    except ValueError:
        raise _Rejected(400, f"NumMedia: {raw_count!r} is not valid; expected a number") from None
    media = tuple(
        Attachment(
            url=_required(form, f"MediaUrl{i}"),
            content_type=form.first(f"MediaContentType{i}") or "application/octet-stream",
        )
        for i in range(max(count, 0))
    )
    return InboundMessage(
        dealership=dealership,
        channel="sms",
        sender=sender,
        body=_body(form),
        channel_message_id=sid,
        media=media,
    )


def _body(form: FormParams) -> str:
    """The message text; longer than Twilio ever sends is not a Twilio request (Twilio logs
    the 400 and its reason)."""
    body = form.first("Body") or ""
    if len(body) > MAX_BODY:
        raise _Rejected(
            400, f"Body: {len(body)} characters is too long; expected at most {MAX_BODY}"
        )
    return body


def _required(form: FormParams, name: str) -> str:
    value = form.first(name)
    if not value:
        raise _Rejected(400, f"{name}: missing; expected Twilio's {name} form field")
    return value


def _phone_sender(value: str) -> str:
    """Twilio's `From` as we can answer it: a phone number (E.164 or any form that normalises
    to it). Other addresses (`whatsapp:`, `messenger:`, ...) are channels we do not run; a
    message we could never store or answer is refused here, not dropped by a job later."""
    if PHONE_CHARS.fullmatch(value):  # phonenumbers alone reads digits out of any text
        try:
            normalise_phone(value, field="From")
            return value
        except ValueError:
            pass
    shown = value if len(value) <= 40 else f"{value[:40]}... ({len(value)} characters)"
    raise _Rejected(
        400,
        f"From: {shown!r} is not valid; expected the sender's phone number in E.164 form "
        "such as +15551230001 (SMS only: whatsapp:, messenger: and other channel "
        "addresses are not supported)",
    )


def _apply_status(store: UnitsOfWork, sid: str, status: str, error_code: str | None) -> None:
    """Move the message forward (never back: callbacks arrive out of order) and keep the
    error code; a carrier opt-out (21610) revokes the shopper's SMS consent."""
    mapped = STATUS_MAP.get(status.lower())
    with store.unit_of_work() as uow:
        message = messages.find_by_channel_id(uow, channel="sms", channel_message_id=sid)
        if message is None:
            log.info("twilio_status_ignored reason=unknown_sid sid=%s status=%s", sid, status)
            return
        if mapped is None and not error_code:
            log.info("twilio_status_ignored reason=status sid=%s status=%s", sid, status)
            return
        messages.update_delivery(
            uow,
            message_id=message.id,
            status=mapped or message.delivery_status,
            error_code=error_code,
        )
        if error_code == OPTED_OUT_CODE:
            convo = conversations.get_conversation(uow, conversation_id=message.conversation_id)
            shopper = customers.get_customer(uow, customer_id=convo.customer_id)
            if shopper.sms_consent is not Consent.REVOKED:
                customers.record_consent(
                    uow,
                    customer_id=shopper.id,
                    state=Consent.REVOKED,
                    source="twilio_21610",
                    detail=f"Twilio error 21610 on message {sid}",
                )
    log.info("twilio_status sid=%s status=%s error=%s", sid, status, error_code)
