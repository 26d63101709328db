"""A dealership's own outreach settings (the world file's `signals: {outreach: ...}`) are what
the runtime's send jobs and a campaign started without explicit settings follow; a setting
outside the legal window is refused naming the field."""

from __future__ import annotations

from datetime import time

import pytest
from pydantic import ValidationError

from contracts.clock import FrozenClock
from crm_store.db import Store
from crm_store.outreach import CampaignKind
from crm_store.types import Consent
from signals import alerting
from signals.config import SignalsConfig
from signals.outreach_campaign import start_campaign
from tests.outreach.world import local, make_world


def test_a_dealership_that_texts_from_nine_sends_nothing_before_nine(
    store: Store, clock: FrozenClock
) -> None:
    clock.set(local(8, 30))
    world = make_world(store, clock, None)  # the handler reads the dealership's settings
    settings = SignalsConfig.model_validate({"outreach": {"window_start": "09:00"}})
    with store.unit_of_work() as uow:
        alerting.save(uow, dealership_id=world.dealer.id, config=settings)
    world.shoppers({"+18052000001": Consent.GRANTED, "+18052000002": Consent.GRANTED})
    with store.unit_of_work() as uow:
        start_campaign(
            uow,
            dealer=world.dealer,
            kind=CampaignKind.CUSTOM,
            created_by="manager",
            message="The 2026 Civic you asked about is back in stock.",
            phones=["+18052000001", "+18052000002"],
        )

    world.deliver()
    clock.set(local(8, 59, 59))
    world.deliver()
    assert world.sent() == []
    clock.set(local(9, 0, 1))
    world.deliver()
    assert sorted(to for to, _ in world.sent()) == ["+18052000001", "+18052000002"]


def test_the_settings_round_trip_and_a_window_past_nine_pm_is_refused() -> None:
    chosen = SignalsConfig.model_validate({"outreach": {"window_start": "09:00", "cap_days": 14}})
    assert chosen.outreach.window_start == time(9) and chosen.outreach.cap_days == 14
    assert alerting.chosen(chosen) == {"outreach": {"window_start": "09:00:00", "cap_days": 14}}
    again = SignalsConfig.model_validate(alerting.chosen(chosen))
    assert again.outreach == chosen.outreach
    with pytest.raises(ValidationError) as refused:
        SignalsConfig.model_validate({"outreach": {"window_end": "22:00"}})
    assert "outreach" in str(refused.value) and "21:00" in str(refused.value)
