"""Every setting Nightshift reads, in one place. `.env.example` documents each variable."""

from __future__ import annotations

import secrets
from datetime import time, timedelta
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from crm_store.availability import BookingPolicy
from handoff.config import HandoffConfig


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Read once (by the CLI or the app factory) and passed down; never imported as a global."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        "sqlite:///var/nightshift.db", validation_alias=_env("DATABASE_URL", "database_url")
    )
    data_dir: Path = Field(Path("var"), validation_alias=_env("NIGHTSHIFT_DATA_DIR", "data_dir"))
    engine: Literal["offline", "openai"] = Field(
        "offline", validation_alias=_env("NIGHTSHIFT_ENGINE", "engine")
    )
    engine_timeout_seconds: float = Field(
        20.0, gt=0, validation_alias=_env("NIGHTSHIFT_ENGINE_TIMEOUT", "engine_timeout_seconds")
    )
    dealership: str | None = Field(
        None, validation_alias=_env("NIGHTSHIFT_DEALERSHIP", "dealership")
    )
    host: str = Field("127.0.0.1", validation_alias=_env("NIGHTSHIFT_HOST", "host"))
    port: int = Field(8000, ge=1, le=65535, validation_alias=_env("NIGHTSHIFT_PORT", "port"))
    public_base_url: str = Field(
        "http://127.0.0.1:8000", validation_alias=_env("PUBLIC_BASE_URL", "public_base_url")
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias=_env("LOG_LEVEL", "log_level")
    )
    log_bodies: bool = Field(False, validation_alias=_env("NIGHTSHIFT_LOG_BODIES", "log_bodies"))

    openai_api_key: SecretStr | None = Field(
        None, validation_alias=_env("OPENAI_API_KEY", "openai_api_key")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=_env("OPENAI_BASE_URL", "openai_base_url")
    )
    openai_model: str = Field("gpt-4o-mini", validation_alias=_env("OPENAI_MODEL", "openai_model"))

    twilio_account_sid: str | None = Field(
        None, validation_alias=_env("TWILIO_ACCOUNT_SID", "twilio_account_sid")
    )
    twilio_auth_token: SecretStr | None = Field(
        None, validation_alias=_env("TWILIO_AUTH_TOKEN", "twilio_auth_token")
    )
    twilio_from_number: str | None = Field(
        None, validation_alias=_env("TWILIO_FROM_NUMBER", "twilio_from_number")
    )
    twilio_messaging_service_sid: str | None = Field(
        None, validation_alias=_env("TWILIO_MESSAGING_SERVICE_SID", "twilio_messaging_service_sid")
    )

    redis_url: str | None = Field(None, validation_alias=_env("REDIS_URL", "redis_url"))
    # Rate limits (0 turns one off). Counted in Redis when REDIS_URL is set, so every web
    # worker shares them; in the process otherwise.
    rate_limit_per_minute: int = Field(
        240,
        ge=0,
        le=100_000,
        validation_alias=_env("NIGHTSHIFT_RATE_LIMIT_PER_MINUTE", "rate_limit_per_minute"),
    )
    web_messages_per_minute: int = Field(
        20,
        ge=0,
        le=10_000,
        validation_alias=_env("NIGHTSHIFT_WEB_MESSAGES_PER_MINUTE", "web_messages_per_minute"),
    )
    max_replies_per_10_min: int = Field(
        8,
        ge=1,
        le=1_000,
        validation_alias=_env("NIGHTSHIFT_MAX_REPLIES_PER_10_MIN", "max_replies_per_10_min"),
    )
    # The largest HTTP request body accepted on any route (413 above it), in bytes.
    max_body_bytes: int = Field(
        64 * 1024,
        ge=1024,
        le=64 * 1024 * 1024,
        validation_alias=_env("NIGHTSHIFT_MAX_BODY_BYTES", "max_body_bytes"),
    )
    booking_lead_minutes: int = Field(
        60,
        ge=0,
        le=7 * 24 * 60,
        validation_alias=_env("NIGHTSHIFT_BOOKING_LEAD_MINUTES", "booking_lead_minutes"),
    )
    booking_buffer_minutes: int = Field(
        0,
        ge=0,
        le=240,
        validation_alias=_env("NIGHTSHIFT_BOOKING_BUFFER_MINUTES", "booking_buffer_minutes"),
    )
    booking_step_minutes: int = Field(
        30,
        ge=5,
        le=240,
        validation_alias=_env("NIGHTSHIFT_BOOKING_STEP_MINUTES", "booking_step_minutes"),
    )
    reminder_hours: str = Field(
        "24,2", validation_alias=_env("NIGHTSHIFT_REMINDER_HOURS", "reminder_hours")
    )
    quiet_hours_start: time = Field(
        time(21), validation_alias=_env("NIGHTSHIFT_QUIET_HOURS_START", "quiet_hours_start")
    )
    quiet_hours_end: time = Field(
        time(8), validation_alias=_env("NIGHTSHIFT_QUIET_HOURS_END", "quiet_hours_end")
    )
    smtp_host: str | None = Field(None, validation_alias=_env("SMTP_HOST", "smtp_host"))
    smtp_port: int = Field(587, ge=1, le=65535, validation_alias=_env("SMTP_PORT", "smtp_port"))
    smtp_username: str | None = Field(None, validation_alias=_env("SMTP_USERNAME", "smtp_username"))
    smtp_password: SecretStr | None = Field(
        None, validation_alias=_env("SMTP_PASSWORD", "smtp_password")
    )
    smtp_starttls: bool = Field(True, validation_alias=_env("SMTP_STARTTLS", "smtp_starttls"))
    mail_from: str = Field("nightshift@localhost", validation_alias=_env("MAIL_FROM", "mail_from"))
    handoff_ack_minutes: float = Field(
        5,
        gt=0,
        le=240,
        validation_alias=_env("NIGHTSHIFT_HANDOFF_ACK_MINUTES", "handoff_ack_minutes"),
    )
    handoff_pagers: str = Field(
        "sms,email", validation_alias=_env("NIGHTSHIFT_HANDOFF_PAGERS", "handoff_pagers")
    )
    handoff_webhook_url: str | None = Field(
        None, validation_alias=_env("NIGHTSHIFT_HANDOFF_WEBHOOK_URL", "handoff_webhook_url")
    )
    handoff_webhook_secret: SecretStr | None = Field(
        None, validation_alias=_env("NIGHTSHIFT_HANDOFF_WEBHOOK_SECRET", "handoff_webhook_secret")
    )
    on_call_manager: str | None = Field(
        None, validation_alias=_env("NIGHTSHIFT_ON_CALL_MANAGER", "on_call_manager")
    )
    adf_lead_email: str | None = Field(
        None, validation_alias=_env("NIGHTSHIFT_ADF_LEAD_EMAIL", "adf_lead_email")
    )
    secret_key: SecretStr | None = Field(
        None, validation_alias=_env("NIGHTSHIFT_SECRET_KEY", "secret_key")
    )
    staff_link_hours: float = Field(
        72,
        gt=0,
        le=24 * 90,
        validation_alias=_env("NIGHTSHIFT_STAFF_LINK_HOURS", "staff_link_hours"),
    )
    inline_worker: bool = Field(
        True, validation_alias=_env("NIGHTSHIFT_INLINE_WORKER", "inline_worker")
    )
    worker_nice: int = Field(
        19, ge=0, le=19, validation_alias=_env("NIGHTSHIFT_WORKER_NICE", "worker_nice")
    )
    job_poll_seconds: float = Field(
        1.0, gt=0, le=60, validation_alias=_env("NIGHTSHIFT_JOB_POLL_SECONDS", "job_poll_seconds")
    )
    job_max_attempts: int = Field(
        3,
        ge=1,
        le=20,
        validation_alias=_env("NIGHTSHIFT_JOB_MAX_ATTEMPTS", "job_max_attempts"),
    )

    @field_validator(
        "dealership",
        "openai_api_key",
        "openai_base_url",
        "twilio_account_sid",
        "twilio_auth_token",
        "twilio_from_number",
        "twilio_messaging_service_sid",
        "redis_url",
        "smtp_host",
        "smtp_username",
        "smtp_password",
        "handoff_webhook_url",
        "handoff_webhook_secret",
        "on_call_manager",
        "adf_lead_email",
        "secret_key",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `.env.example` lists optional variables with empty values: empty means "not set".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("public_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")  # paths are appended to it: "https://x.example" + "/..."

    @field_validator("reminder_hours")
    @classmethod
    def _hours_list(cls, value: str) -> str:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not all(part.isdigit() and 0 < int(part) <= 24 * 14 for part in parts):
            raise ValueError(
                f"expected whole hours before the appointment, e.g. 24,2; got {value!r}"
            )
        return ",".join(parts)

    @field_validator("handoff_pagers")
    @classmethod
    def _pagers(cls, value: str) -> str:
        names = [part.strip().lower() for part in value.split(",") if part.strip()]
        unknown = sorted(set(names) - {"sms", "email", "webhook"})
        if unknown:
            raise ValueError(f"unknown pager {unknown[0]!r}; expected any of sms, email, webhook")
        return ",".join(names)

    @property
    def pagers(self) -> list[str]:
        return [part for part in self.handoff_pagers.split(",") if part]

    @property
    def booking_policy(self) -> BookingPolicy:
        return BookingPolicy(
            lead_time=timedelta(minutes=self.booking_lead_minutes),
            buffer=timedelta(minutes=self.booking_buffer_minutes),
            step=timedelta(minutes=self.booking_step_minutes),
        )

    @property
    def reminder_offsets(self) -> list[int]:
        """Hours before a test drive at which the shopper gets a reminder, e.g. [24, 2]."""
        return [int(part) for part in self.reminder_hours.split(",") if part]

    def signing_key(self) -> bytes:
        """NIGHTSHIFT_SECRET_KEY, else a random key kept in the data folder (so signed links
        survive a restart of a zero-configuration install)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = Path(self.data_dir) / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip().encode()

    def handoff_config(self) -> HandoffConfig:
        secret = self.handoff_webhook_secret
        return HandoffConfig(
            signing_key=self.signing_key(),
            public_base_url=self.public_base_url,
            staff_link_hours=self.staff_link_hours,
            ack_minutes=self.handoff_ack_minutes,
            on_call_manager=self.on_call_manager,
            pagers=tuple(self.pagers),
            mail_from=self.mail_from,
            adf_lead_email=self.adf_lead_email,
            webhook_url=self.handoff_webhook_url,
            webhook_secret=None if secret is None else secret.get_secret_value(),
        )
