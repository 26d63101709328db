"""What sends e-mail, as a protocol: calendar invites and handoff pages are written by their
packages and sent through whichever transport the process wires (SMTP, or the demo's log)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...
