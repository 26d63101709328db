"""The SMTP transport: chosen when SMTP_HOST is set, it hands the message to that server
(a minimal SMTP server on a local port, the true edge); without a host it cannot be built,
and the error names the setting."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default

import pytest

from nightshift.infra.mail import LogMailer, SmtpMailer, build_mailer
from nightshift.settings import Settings


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough RFC 5321 for `smtplib`: greeting, EHLO, MAIL, RCPT, DATA, QUIT."""

    received: list[tuple[str, bytes]]

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        sender = ""
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250 test")
            elif verb == b"MAIL":
                sender = line.decode().split(":", 1)[1].strip()
                self.reply("250 OK")
            elif verb == b"RCPT":
                self.reply("250 OK")
            elif verb == b"DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.received.append((sender, body))
                self.reply("250 OK queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, list[tuple[str, bytes]]]]:
    received: list[tuple[str, bytes]] = []
    handler = type("Handler", (_Smtp,), {"received": received})
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server.server_address[1], received
        finally:
            server.shutdown()
            thread.join()


def test_with_a_host_the_message_goes_to_that_smtp_server(
    smtp_server: tuple[int, list[tuple[str, bytes]]],
) -> None:
    port, received = smtp_server
    mailer = build_mailer(Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False))
    message = EmailMessage()
    message["From"] = "nightshift@harborpointhonda.example"
    message["To"] = "maria.lopez@harborpointhonda.example"
    message["Subject"] = "Test drive booked"
    message.set_content("Saturday 11:00, the Civic.")

    mailer.send(message)

    assert isinstance(mailer, SmtpMailer)
    [(sender, data)] = received
    got = BytesParser(policy=default).parsebytes(data)
    assert sender == "<nightshift@harborpointhonda.example>"
    assert (got["To"], got["Subject"]) == (message["To"], message["Subject"])
    assert got.get_content().strip() == "Saturday 11:00, the Civic."


def test_without_a_host_mail_is_logged_and_smtp_cannot_be_built() -> None:
    settings = Settings(smtp_host=None)
    assert isinstance(build_mailer(settings), LogMailer)
    with pytest.raises(ValueError, match="SMTP_HOST"):
        SmtpMailer(settings.smtp)
