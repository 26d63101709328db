"""An intent alert on the console's live stream, through the real served app: an alert paged
to Maria (written straight to the store, as the worker's routing job does) reaches her
stream as an `alert` event naming the customer by first name and the rule's words, never a
phone; Jake's stream only hears that the lists moved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.clock import FrozenClock
from tests.console.test_alerts_http import DANA, REASON, paged
from tests.console.test_live_http import Served, served_app, stream


@pytest.fixture
def live(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Served]:
    with served_app(tmp_path, models_dir, clock, poll=0.2) as app:
        yield app


def test_an_alert_paged_to_her_reaches_her_stream_and_only_hers(live: Served) -> None:
    with stream(live, "maria") as maria, stream(live, "jake") as jake:
        alert_id = paged(live.services.store, "maria")
        news = maria.until("alert")
        assert news.data["alert"] == alert_id
        assert (news.data["name"], news.data["reason"]) == ("Dana", REASON)
        assert DANA not in json.dumps(news.data) and "Ruiz" not in json.dumps(news.data)
        while jake.until("inbox").mark.alert_step_id < news.mark.alert_step_id:
            pass  # he saw the same change: the lists moved
        assert [e for e in jake.received if e.name == "alert"] == []
