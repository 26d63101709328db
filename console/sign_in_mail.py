"""The e-mail that carries a one-time sign-in link (an invite or a login link).

The link is the credential, so it is only ever in the message body: the log transport of a
deployment without SMTP logs the recipient (masked), the subject and the body's length,
never the body unredacted (`contracts.redact` hides a sign-in token).
"""

from __future__ import annotations

from email.message import EmailMessage

from console.accounts import IssuedLink
from crm_store.types import LinkPurpose


def sign_in_message(link: IssuedLink, *, dealership: str, mail_from: str) -> EmailMessage:
    """A plain-text e-mail to the link's staff member with the link and when it stops working."""
    if link.staff.email is None:
        raise ValueError("a sign-in link is only issued to a staff member with an e-mail")
    invited = link.purpose is LinkPurpose.INVITE
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = link.staff.email
    message["Subject"] = (
        f"You are invited to the {dealership} staff console"
        if invited
        else f"Your sign-in link for the {dealership} staff console"
    )
    until = link.expires_at.strftime("%Y-%m-%d %H:%M %Z").strip()
    opening = "You have been given an account on" if invited else "Here is your link to sign in to"
    message.set_content(
        f"Hi {link.staff.name},\n\n"
        f"{opening} the {dealership} staff console:\n\n"
        f"{link.url}\n\n"
        f"It works once, until {until}. Open it on the phone or computer you want to use.\n"
        "If you did not ask for it, ignore this e-mail: nobody is signed in until the link is "
        "opened and its Sign in button pressed.\n"
    )
    return message
