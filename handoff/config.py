"""What the handoff flow and its pagers need to know of the deployment, and nothing else: the
composition root builds it from the settings (`nightshift.settings.Settings.handoff_config`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HandoffConfig:
    signing_key: bytes  # signs the staff links (`handoff.links`)
    public_base_url: str  # without a trailing "/"
    staff_link_hours: float  # how long a paged link stays valid
    ack_minutes: float  # a page not acknowledged by then goes to the next person
    on_call_manager: str | None  # staff handle paged last, whatever their shift
    pagers: tuple[str, ...]  # sms | email | webhook
    mail_from: str
    adf_lead_email: str | None  # the CRM's lead inbox for the ADF/XML copy
    webhook_url: str | None
    webhook_secret: str | None  # HMAC-SHA256 key of the webhook page's signature
