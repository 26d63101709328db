"""The app when the assistant cannot start: it still serves /healthz and the plain reads, and
every conversation endpoint (SMS webhook, web chat) answers 503 pointing at /healthz instead
of failing or hanging. The failure is a real one: the knowledge folder is not a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

from contracts.clock import FrozenClock
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.http.services import RuntimeUnavailable
from tests.channels.conftest_twilio import AUTH_TOKEN, PUBLIC, sms_form
from tests.demo import SLUG, demo_settings
from tests.security.conftest import prepare_demo


def test_a_degraded_app_answers_503_on_conversations_and_still_serves_health(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    ready = prepare_demo(tmp_path / "demo", models_dir, clock, inline_worker=False)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "chroma").write_text("not a folder", encoding="utf-8")
    settings = demo_settings(
        broken,
        database_url=ready.database_url,
        twilio_auth_token=SecretStr(AUTH_TOKEN),
        public_base_url=PUBLIC,
    )
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with TestClient(app) as client:
        with pytest.raises(RuntimeUnavailable):
            services_of(app).runtime()

        health = client.get("/healthz")
        assert health.status_code == 200 and health.json()["database"]["ok"] is True
        assert client.get(f"/api/dealerships/{SLUG}").json()["slug"] == SLUG

        history = client.get(f"/channels/web/{SLUG}/history", params={"session": "s-degraded"})
        assert history.status_code == 503 and "/healthz" in history.json()["detail"]

        form = sms_form("any civics?", "SM" + "d" * 32)
        signature = RequestValidator(AUTH_TOKEN).compute_signature(
            PUBLIC + "/channels/twilio/sms", form
        )
        sms = client.post(
            "/channels/twilio/sms", data=form, headers={"X-Twilio-Signature": signature}
        )
        assert sms.status_code == 503 and "/healthz" in sms.json()["detail"]
