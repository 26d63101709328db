"""Outgoing e-mail (calendar invites; handoff pages later): SMTP when SMTP_HOST is set, else a
clearly labelled log transport that keeps the last messages for inspection. A failed send
raises, so the job that sends it is retried with backoff."""

from __future__ import annotations

import logging
import smtplib
from collections import deque
from email.message import EmailMessage

from contracts.mail import Mailer
from contracts.redact import mask, redact
from nightshift.settings import Settings, SmtpSettings

log = logging.getLogger("nightshift.mail")


class SmtpMailer:
    """Sends through the SMTP server of `smtp`, which must name a host (`build_mailer` picks
    this transport only when it does)."""

    def __init__(self, smtp: SmtpSettings) -> None:
        if not smtp.host:
            raise ValueError(f"SMTP_HOST: got {smtp.host!r}, expected the SMTP server's host name")
        self.smtp = smtp
        self.host: str = smtp.host

    def send(self, message: EmailMessage) -> None:
        s = self.smtp
        with smtplib.SMTP(self.host, s.port, timeout=30) as smtp:
            if s.starttls:
                smtp.starttls()
            if s.username and s.password:
                smtp.login(s.username, s.password.get_secret_value())
            smtp.send_message(message)


class LogMailer:
    """No SMTP settings (the demo): the message is logged, never silently dropped.

    The line gives the masked recipient, the subject and the body's length; the body itself
    (a shopper's details, a signed staff link) only with `log_bodies`, and redacted even then.
    """

    def __init__(self, keep: int = 50, *, log_bodies: bool = False) -> None:
        self.sent: deque[EmailMessage] = deque(maxlen=keep)
        self.log_bodies = log_bodies

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)
        text = _text_of(message)
        log.warning(
            "EMAIL NOT SENT (no SMTP settings; log transport) to=%s subject=%s length=%d%s",
            mask(str(message["To"] or "")),
            redact(str(message["Subject"] or "")),
            len(text),
            f":\n{redact(text)}" if self.log_bodies else "",
        )


def _text_of(message: EmailMessage) -> str:
    """The message's text parts (body, XML lead, calendar file), one after the other."""
    parts = [part for part in message.walk() if part.get_content_maintype() == "text"]
    return "\n".join(str(part.get_content()) for part in parts)


def build_mailer(settings: Settings) -> Mailer:
    if settings.smtp.host:
        return SmtpMailer(settings.smtp)
    return LogMailer(log_bodies=settings.log_bodies)
