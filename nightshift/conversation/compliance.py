"""SMS compliance keywords: STOP and friends revoke consent, START restores it, HELP informs.

A keyword counts only as a whole message ("stop" yes, "stop by at 5" no): carriers treat
these keywords the same way. An opt-out in plain words ("stop texting me", "take me off your
list": `signals.outreach_opt_out`) is a STOP too; consent is per customer, so it ends every
outreach campaign at once (their queued texts are suppressed at send time).
"""

from __future__ import annotations

from typing import Literal

from agent import prompts
from crm_store import customers
from crm_store.db import Store
from crm_store.phones import display_phone
from crm_store.records import CustomerRecord, DealershipRecord
from crm_store.types import Consent
from signals.outreach_opt_out import opts_out

Keyword = Literal["stop", "start", "help"]
_STOP = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "opt out", "optout"}
_START = {"start", "unstop", "yes"}
_HELP = {"help", "info"}


def keyword(body: str) -> Keyword | None:
    word = " ".join(body.strip().lower().strip(".!").split())
    if word in _STOP:
        return "stop"
    if word in _START:
        return "start"
    if word in _HELP:
        return "help"
    return "stop" if opts_out(body) else None


def apply(
    store: Store, dealer: DealershipRecord, shopper: CustomerRecord, word: Keyword
) -> str | None:
    """Record the consent change (if any) and return the one confirmation to send, if any."""
    values = {"dealership": dealer.name, "phone": display_phone(dealer.phone or "")}
    if word == "help":
        return prompts.render("sms_help", **values)
    if word == "start":
        if shopper.sms_consent is not Consent.REVOKED:
            # "yes" from a shopper who never opted out is an ordinary answer, not a keyword.
            return None
        with store.unit_of_work() as uow:
            customers.record_consent(
                uow, customer_id=shopper.id, state=Consent.GRANTED, source="sms_keyword"
            )
        return prompts.render("sms_start", **values)
    if shopper.sms_consent is Consent.REVOKED:
        return None
    with store.unit_of_work() as uow:
        customers.record_consent(
            uow, customer_id=shopper.id, state=Consent.REVOKED, source="sms_keyword"
        )
    return prompts.render("sms_stop", **values)
