"""Every setting Nightshift reads, in one place. `.env.example` documents each variable.

Environment names are the field names with the `NIGHTSHIFT_` prefix
(`handoff_ack_minutes` is `NIGHTSHIFT_HANDOFF_ACK_MINUTES`), except the names other tools
use too, which keep their standard spelling: `DATABASE_URL`, `REDIS_URL`, `OPENAI_*`,
`TWILIO_*`, `SMTP_*`, `MAIL_FROM`, `PUBLIC_BASE_URL`, `LOG_LEVEL`. An empty value is unset
(`.env.example` lists optional variables empty). Values are parsed and checked here, once;
the services read their own section (`twilio`, `smtp`, `booking`, `handoff_config`), not the
whole flat list.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from booking.config import BookingConfig
from crm_store.slots import BookingPolicy
from handoff.config import HandoffConfig

PAGERS = ("sms", "email", "webhook")


def _comma_list(value: object) -> object:
    """`24,2` or `sms, email` from the environment; a list or tuple as given in code."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


@dataclass(frozen=True, slots=True)
class TwilioSettings:
    account_sid: str | None
    auth_token: SecretStr | None
    from_number: str | None
    messaging_service_sid: str | None

    @property
    def can_send(self) -> bool:
        """Credentials to send with; without them outbound SMS go to the log transport."""
        return bool(self.account_sid and self.auth_token)


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str | None  # None: e-mails go to the log transport
    port: int
    username: str | None
    password: SecretStr | None
    starttls: bool


class Settings(BaseSettings):
    """Read once (by the CLI or the app factory) and passed down; never imported as a global."""

    model_config = SettingsConfigDict(
        env_prefix="NIGHTSHIFT_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    database_url: str = Field("sqlite:///var/nightshift.db", validation_alias="DATABASE_URL")
    data_dir: Path = Path("var")
    engine: Literal["offline", "openai"] = "offline"
    engine_timeout_seconds: float = Field(
        20.0,
        gt=0,
        validation_alias="NIGHTSHIFT_ENGINE_TIMEOUT",
    )
    dealership: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    public_base_url: str = Field("http://127.0.0.1:8000", validation_alias="PUBLIC_BASE_URL")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", validation_alias="LOG_LEVEL"
    )
    log_bodies: bool = False

    openai_api_key: SecretStr | None = Field(None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(None, validation_alias="OPENAI_BASE_URL")
    openai_model: str = Field("gpt-4o-mini", validation_alias="OPENAI_MODEL")

    twilio_account_sid: str | None = Field(None, validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr | None = Field(None, validation_alias="TWILIO_AUTH_TOKEN")
    twilio_from_number: str | None = Field(None, validation_alias="TWILIO_FROM_NUMBER")
    twilio_messaging_service_sid: str | None = Field(
        None,
        validation_alias="TWILIO_MESSAGING_SERVICE_SID",
    )

    redis_url: str | None = Field(None, validation_alias="REDIS_URL")
    # Rate limits (0 turns one off). Counted in Redis when REDIS_URL is set, so every web
    # worker shares them; in the process otherwise.
    rate_limit_per_minute: int = Field(240, ge=0, le=100_000)
    web_messages_per_minute: int = Field(20, ge=0, le=10_000)
    max_replies_per_10_min: int = Field(8, ge=1, le=1_000)
    # The largest HTTP request body accepted on any route (413 above it), in bytes.
    max_body_bytes: int = Field(64 * 1024, ge=1024, le=64 * 1024 * 1024)

    booking_lead_minutes: int = Field(60, ge=0, le=7 * 24 * 60)
    booking_buffer_minutes: int = Field(0, ge=0, le=240)
    booking_step_minutes: int = Field(30, ge=5, le=240)
    # Hours before a test drive at which the shopper gets a reminder ("24,2" in the env).
    reminder_hours: Annotated[tuple[int, ...], NoDecode] = (24, 2)
    quiet_hours_start: time = time(21)
    quiet_hours_end: time = time(8)

    smtp_host: str | None = Field(None, validation_alias="SMTP_HOST")
    smtp_port: int = Field(587, ge=1, le=65535, validation_alias="SMTP_PORT")
    smtp_username: str | None = Field(None, validation_alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(None, validation_alias="SMTP_PASSWORD")
    smtp_starttls: bool = Field(True, validation_alias="SMTP_STARTTLS")
    mail_from: str = Field("nightshift@localhost", validation_alias="MAIL_FROM")

    handoff_ack_minutes: float = Field(5, gt=0, le=240)
    # How staff are paged, any of sms, email, webhook ("sms,email" in the env).
    handoff_pagers: Annotated[tuple[str, ...], NoDecode] = ("sms", "email")
    handoff_webhook_url: str | None = None
    handoff_webhook_secret: SecretStr | None = None
    on_call_manager: str | None = None
    adf_lead_email: str | None = None
    secret_key: SecretStr | None = None
    staff_link_hours: float = Field(72, gt=0, le=24 * 90)

    inline_worker: bool = True
    worker_nice: int = Field(19, ge=0, le=19)
    job_poll_seconds: float = Field(1.0, gt=0, le=60)
    job_max_attempts: int = Field(3, ge=1, le=20)
    # how often an open console page's live stream re-reads the store when nothing woke it
    console_live_poll_seconds: float = Field(3.0, gt=0, le=60)

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
        # The environment's empty values are ignored (env_ignore_empty); this covers the
        # same in code and in a whitespace-only value: `Settings(smtp_host=" ")` is unset.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("public_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")  # paths are appended to it: "https://x.example" + "/..."

    @field_validator("reminder_hours", mode="before")
    @classmethod
    def _hours_list(cls, value: object) -> object:
        hours = _comma_list(value)
        if isinstance(hours, tuple | list) and all(
            str(part).isdigit() and 0 < int(part) <= 24 * 14 for part in hours
        ):
            return tuple(int(part) for part in hours)
        raise ValueError(f"expected whole hours before the appointment, e.g. 24,2; got {value!r}")

    @field_validator("handoff_pagers", mode="before")
    @classmethod
    def _pagers(cls, value: object) -> object:
        names = _comma_list(value)
        if not isinstance(names, tuple | list):
            return names  # pydantic says what was expected
        names = tuple(str(name).strip().lower() for name in names)
        unknown = sorted(set(names) - set(PAGERS))
        if unknown:
            raise ValueError(f"unknown pager {unknown[0]!r}; expected any of {', '.join(PAGERS)}")
        return names

    @classmethod
    def env_names(cls, field: str) -> tuple[str, ...]:
        """The environment variables that set `field`, e.g. ("NIGHTSHIFT_PORT",)."""
        alias = cls.model_fields[field].validation_alias  # a standard name (field names work
        if isinstance(alias, str):  # as keywords too: populate_by_name)
            return (alias,)
        return (f"{cls.model_config.get('env_prefix', '')}{field}".upper(),)

    @property
    def twilio(self) -> TwilioSettings:
        return TwilioSettings(
            account_sid=self.twilio_account_sid,
            auth_token=self.twilio_auth_token,
            from_number=self.twilio_from_number,
            messaging_service_sid=self.twilio_messaging_service_sid,
        )

    @property
    def smtp(self) -> SmtpSettings:
        return SmtpSettings(
            host=self.smtp_host,
            port=self.smtp_port,
            username=self.smtp_username,
            password=self.smtp_password,
            starttls=self.smtp_starttls,
        )

    @property
    def booking(self) -> BookingConfig:
        return BookingConfig(
            policy=BookingPolicy(
                lead_time=timedelta(minutes=self.booking_lead_minutes),
                buffer=timedelta(minutes=self.booking_buffer_minutes),
                step=timedelta(minutes=self.booking_step_minutes),
            ),
            reminder_hours=self.reminder_hours,
            quiet_start=self.quiet_hours_start,
            quiet_end=self.quiet_hours_end,
            public_base_url=self.public_base_url,
            mail_from=self.mail_from,
        )

    def signing_key(self) -> bytes:
        """NIGHTSHIFT_SECRET_KEY, else a random key kept in the data folder (so signed links
        survive a restart of a zero-configuration install). Read it once, at startup."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = Path(self.data_dir) / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip().encode()

    def handoff_config(self, signing_key: bytes) -> HandoffConfig:
        secret = self.handoff_webhook_secret
        return HandoffConfig(
            signing_key=signing_key,
            public_base_url=self.public_base_url,
            staff_link_hours=self.staff_link_hours,
            ack_minutes=self.handoff_ack_minutes,
            on_call_manager=self.on_call_manager,
            pagers=self.handoff_pagers,
            mail_from=self.mail_from,
            adf_lead_email=self.adf_lead_email,
            webhook_url=self.handoff_webhook_url,
            webhook_secret=None if secret is None else secret.get_secret_value(),
        )
