"""Outgoing e-mail (calendar invites; handoff pages later): SMTP when SMTP_HOST is set, else a
clearly labelled log transport that keeps the last messages for inspection. A failed send
raises, so the job that sends it is retried with backoff."""

from __future__ import annotations

import logging
import smtplib
from collections import deque
from email.message import EmailMessage
from typing import Protocol

from nightshift.settings import Settings

log = logging.getLogger("nightshift.mail")


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SmtpMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        assert s.smtp_host is not None
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username and s.smtp_password:
                smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
            smtp.send_message(message)


class LogMailer:
    """No SMTP settings (the demo): the message is logged, never silently dropped."""

    def __init__(self, keep: int = 50) -> None:
        self.sent: deque[EmailMessage] = deque(maxlen=keep)

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)
        log.warning(
            "EMAIL NOT SENT (no SMTP settings; log transport) to=%s subject=%s",
            message["To"],
            message["Subject"],
        )


def build_mailer(settings: Settings) -> Mailer:
    return SmtpMailer(settings) if settings.smtp_host else LogMailer()
