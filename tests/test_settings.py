"""Settings come from the environment (and .env); the demo needs none of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nightshift.cli import app
from nightshift.settings import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def every_env_name() -> set[str]:
    return {name for field in Settings.model_fields for name in Settings.env_names(field)}


def test_defaults_need_no_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in every_env_name():
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///var/nightshift.db"
    assert settings.engine == "offline" and settings.openai_api_key is None
    assert not settings.twilio.can_send and settings.smtp.host is None


def test_env_example_lists_every_variable_and_loads_as_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text()
    listed = {
        line.split("=", 1)[0] for line in text.splitlines() if line and not line.startswith("#")
    }
    assert listed == every_env_name()
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(text)
    for name in listed:
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.openai_base_url is None and settings.dealership is None
    assert settings.port == 8000 and settings.handoff_pagers == ("sms", "email")
    assert settings.booking.reminder_hours == (24, 2)


def test_every_existing_name_keeps_working(monkeypatch: pytest.MonkeyPatch) -> None:
    """The names of earlier versions (in deployed .env files) set the same values."""
    for name, value in {
        "DATABASE_URL": "postgresql://db.example/ns",
        "NIGHTSHIFT_ENGINE_TIMEOUT": "7.5",
        "NIGHTSHIFT_HANDOFF_PAGERS": "SMS, webhook",
        "NIGHTSHIFT_REMINDER_HOURS": "48, 3",
        "NIGHTSHIFT_QUIET_HOURS_START": "20:30",
        "NIGHTSHIFT_BOOKING_STEP_MINUTES": "15",
        "TWILIO_ACCOUNT_SID": "AC123",
        "TWILIO_AUTH_TOKEN": "secret",
        "SMTP_HOST": "mail.example",
        "SMTP_PORT": "2525",
        "MAIL_FROM": "bdc@store.example",
        "PUBLIC_BASE_URL": "https://store.example/",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "OPENAI_MODEL": "gpt-test",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)
    assert settings.database_url == "postgresql://db.example/ns"
    assert settings.engine_timeout_seconds == 7.5
    assert settings.handoff_pagers == ("sms", "webhook")
    booking = settings.booking
    assert booking.reminder_hours == (48, 3) and booking.quiet_start.hour == 20
    assert booking.policy.step.total_seconds() == 15 * 60
    assert booking.public_base_url == "https://store.example"  # normalised once
    assert booking.mail_from == "bdc@store.example"
    assert settings.twilio.can_send and settings.twilio.account_sid == "AC123"
    assert settings.smtp.host == "mail.example" and settings.smtp.port == 2525
    assert settings.redis_url == "redis://127.0.0.1:6379/3"
    assert settings.openai_model == "gpt-test"


def test_empty_and_blank_values_are_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIGHTSHIFT_PORT", "")
    monkeypatch.setenv("SMTP_HOST", "  ")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "")
    settings = Settings(_env_file=None)
    assert settings.port == 8000 and settings.smtp.host is None
    assert settings.twilio_auth_token is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("NIGHTSHIFT_PORT", "eighty", "valid integer"),
        ("NIGHTSHIFT_HANDOFF_PAGERS", "sms,pager", "unknown pager 'pager'"),
        ("NIGHTSHIFT_REMINDER_HOURS", "24,soon", "whole hours"),
        ("NIGHTSHIFT_ENGINE_TIMEOUT", "-1", "greater than 0"),
        ("SMTP_PORT", "0", "greater than or equal to 1"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["db", "current"])
    assert result.exit_code == 2
    assert f"setting {name}:" in result.stderr and message in result.stderr
