"""SMS consent given on the dealership's website: a `form_submission` whose form had an
explicit "you may text me" box, ticked, carries `properties.sms_consent: true` and the phone
it is for (`customer.phone`). It is recorded as the customer's consent (source `web_form`,
with the form's time) when that phone is the customer's number, unless they revoked after
the form was sent (`crm_store.customers.consent_stated`). Consent is what proactive outreach
(`signals.outreach`) needs; an unticked or absent box changes nothing (it is not a STOP).
"""

from __future__ import annotations

from collections.abc import Sequence

from crm_store import customers
from crm_store.types import Consent
from crm_store.uow import UnitOfWork
from signals.events import FORM_SUBMISSION, ShopperEvent

CONSENT = "sms_consent"  # the property
SOURCE = "web_form"


def record_form_consents(
    uow: UnitOfWork, *, events: Sequence[ShopperEvent], customer_ids: Sequence[int | None]
) -> int:
    """Record the consent the forms among `events` (their customers in `customer_ids`, in
    the same order) gave; how many were recorded."""
    recorded = 0
    for event, customer_id in zip(events, customer_ids, strict=True):
        if event.type != FORM_SUBMISSION or event.properties.get(CONSENT) is not True:
            continue
        if customer_id is None or event.phone is None:
            continue
        detail = f"event {event.event_id}" if event.event_id else None
        if customers.consent_stated(
            uow,
            customer_id=customer_id,
            phone=event.phone,
            state=Consent.GRANTED,
            at=event.at,
            source=SOURCE,
            detail=detail,
        ):
            recorded += 1
    return recorded
