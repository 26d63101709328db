"""Starting an outreach campaign: pick its audience, then give every customer in it one
attempt, either suppressed with its reason (no consent, opted out, no phone, over the cap)
or queued at its own send time (the sending number's throttle, the recipient's window) with
a durable job that sends it then (`signals.outreach_send`).

The CLI calls `start_campaign` today; the console can call the same function later.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from crm_store import customers, jobs, outreach, vehicles
from crm_store.outreach import AttemptReason, CampaignKind, CampaignRecord
from crm_store.records import DealershipRecord
from crm_store.uow import UnitOfWork
from signals import alerting
from signals.equity_report import flagged_owners
from signals.lifecycle_config import LifecycleConfig
from signals.outreach import (
    VEHICLE_FIELDS,
    VEHICLE_KINDS,
    SendSchedule,
    about_vehicle,
    barred,
    over_cap,
    recipient_zone,
    render,
    template_fields,
    vehicle_gone,
    with_disclosure,
)
from signals.outreach_config import OutreachConfig
from signals.sms_segments import segments

OUTREACH_JOB = "outreach_send"

# What a campaign says when the operator gives no message (fields: `signals.outreach`).
DEFAULT_MESSAGES = {
    CampaignKind.PRICE_DROP: (
        "Good news from {dealership}: the {vehicle} you looked at is now {price}. "
        "Want to take a look?"
    ),
    CampaignKind.EQUITY: (
        "{dealership} here: your current vehicle may be worth more than you owe on it. "
        "Want a quick estimate of your upgrade options?"
    ),
    CampaignKind.LEASE_END: (
        "{dealership} here: your lease is ending soon. Want to go over your options?"
    ),
    CampaignKind.NO_SHOW: (
        "{dealership} here: we missed you at your appointment. Want to pick a new time?"
    ),
}
_FLAGS = {CampaignKind.EQUITY: "equity", CampaignKind.LEASE_END: "lease_ending"}


@dataclass(frozen=True, slots=True)
class Started:
    campaign: CampaignRecord
    queued: int
    deferred: int  # queued, but moved out of the recipient's quiet hours
    suppressed: Counter[AttemptReason]


def audience(
    uow: UnitOfWork,
    *,
    dealer: DealershipRecord,
    kind: CampaignKind,
    config: OutreachConfig,
    lifecycle: LifecycleConfig,
    phones: Iterable[str] = (),
) -> dict[int, int | None]:
    """The customers a campaign of `kind` is for, each with the vehicle it is about: a price
    drop's, the latest alerted one; a no-show's, the missed appointment's; others none
    (custom: the given phones, each made a customer if new, with consent unknown until they
    give it)."""
    since = uow.now() - timedelta(days=config.lookback_days)
    if kind is CampaignKind.CUSTOM:
        return {
            customers.get_or_create_by_phone(
                uow, dealership_id=dealer.id, phone=phone, source="outreach_list"
            )[0].id: None
            for phone in phones
        }
    if kind is CampaignKind.NO_SHOW:
        return outreach.no_show_customers(uow, dealership_id=dealer.id, since=since)
    if kind is CampaignKind.PRICE_DROP:
        return outreach.alerted_customers(
            uow, dealership_id=dealer.id, rule="price_drop", since=since
        )
    today = uow.now().astimezone(ZoneInfo(dealer.timezone)).date()
    flagged = flagged_owners(uow, dealership_id=dealer.id, today=today, config=lifecycle)
    return {
        f.customer_id: None
        for f in flagged
        if any(flag.kind == _FLAGS[kind] for flag in f.assessment.flags)
    }


def start_campaign(
    uow: UnitOfWork,
    *,
    dealer: DealershipRecord,
    kind: CampaignKind,
    created_by: str,
    config: OutreachConfig | None = None,
    message: str | None = None,
    name: str | None = None,
    phones: Iterable[str] = (),
) -> Started:
    """Start a campaign of `kind` now (see the module docstring); `config`: the outreach
    settings to use instead of the dealership's (`signals: {outreach: ...}`)."""
    settings = alerting.load(uow, dealership_id=dealer.id).config
    config = config or settings.outreach
    text = message or DEFAULT_MESSAGES.get(kind)
    if not text or not text.strip():
        raise ValueError(f"--message: a {kind.value} campaign needs the text to send")
    named = sorted(template_fields(text) & VEHICLE_FIELDS)
    if named and kind not in VEHICLE_KINDS:
        raise ValueError(f"--message: {{{named[0]}}}: a {kind.value} campaign has no vehicle")
    offers = about_vehicle(kind, text)
    now = uow.now()
    campaign = outreach.create_campaign(
        uow,
        dealership_id=dealer.id,
        kind=kind,
        name=name or f"{kind.value} {now.astimezone(ZoneInfo(dealer.timezone)):%Y-%m-%d %H:%M}",
        template=text,
        created_by=created_by,
    )
    schedule = SendSchedule(
        outreach.queued_times(
            uow, dealership_id=dealer.id, since=now - timedelta(seconds=config.throttle_seconds)
        ),
        config,
    )
    about = audience(
        uow, dealer=dealer, kind=kind, config=config, lifecycle=settings.lifecycle, phones=phones
    )
    cars = {
        v.id: v
        for v in vehicles.vehicles_by_ids(
            uow, vehicle_ids={v for v in about.values() if v is not None}
        )
    }
    queued = deferred = 0
    suppressed: Counter[AttemptReason] = Counter()
    since = now - timedelta(days=config.cap_days)
    for person in outreach.recipients(uow, customer_ids=about):
        vehicle_id = about[person.customer_id]
        reason = barred(consent=person.consent, phone=person.phone)
        car = cars.get(vehicle_id) if vehicle_id is not None else None
        if reason is None and offers and vehicle_gone(car):
            reason = AttemptReason.VEHICLE_GONE
        if reason is None and over_cap(
            outreach.outreach_times(uow, customer_id=person.customer_id, since=since), now, config
        ):
            reason = AttemptReason.CAP
        if reason is not None:
            outreach.add_attempt(
                uow,
                campaign_id=campaign.id,
                dealership_id=dealer.id,
                customer_id=person.customer_id,
                send_at=None,
                reason=reason,
                vehicle_id=vehicle_id,
            )
            suppressed[reason] += 1
            continue
        # the text as it would go now: its length in segments is how long it holds the number
        body = with_disclosure(
            render(text, dealership=dealer.name, name=person.name, vehicle=car),
            dealership=dealer.name,
            config=config,
        )
        zone = recipient_zone(person.timezone, person.phone, dealer.timezone)
        slot = schedule.place(now, zone, segments(body))
        attempt = outreach.add_attempt(
            uow,
            campaign_id=campaign.id,
            dealership_id=dealer.id,
            customer_id=person.customer_id,
            send_at=slot.at,
            reason=AttemptReason.QUIET_HOURS if slot.deferred else None,
            vehicle_id=vehicle_id,
        )
        jobs.schedule(
            uow,
            kind=OUTREACH_JOB,
            key=f"outreach:{attempt.id}",
            run_at=slot.at,
            payload={"attempt_id": attempt.id},
        )
        queued += 1
        deferred += slot.deferred
    return Started(campaign, queued, deferred, suppressed)
