"""Fictional stand-ins for the phone numbers and e-mail addresses in an exported scenario.

A conversation saved as a QA scenario leaves the CRM: the shopper's and the staff's numbers
and addresses are replaced, each real value always by the same stand-in (so the phone the
shopper typed in a turn and the one the CRM recorded still match when the scenario runs).
Phones become fictional 555-01xx numbers (+1 555 555-0100, -0101, ...), e-mails
example.com addresses.
"""

from __future__ import annotations

import re

from crm_store.errors import InvalidValue
from crm_store.phones import normalise_phone

FIRST_PHONE = 100  # 555-0100: the first of the numbers reserved for fiction
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\w)")


class Pseudonyms:
    """Real phone / e-mail -> its stand-in, handed out in the order they are first asked for
    (so an export of the same data is the same file)."""

    def __init__(self) -> None:
        self._phones: dict[str, str] = {}
        self._emails: dict[str, str] = {}

    def phone(self, real: str) -> str:
        """The stand-in of an E.164 number (or of any way of writing one)."""
        try:
            key = normalise_phone(real)
        except InvalidValue:
            key = real
        if key not in self._phones:
            self._phones[key] = f"+1555555{FIRST_PHONE + len(self._phones):04d}"
        return self._phones[key]

    def email(self, real: str, *, local: str | None = None) -> str:
        """The stand-in of an address: `local@example.com` when given (and not taken yet),
        else contactN@example.com."""
        key = real.strip().lower()
        if key not in self._emails:
            taken = set(self._emails.values())
            wanted = f"{local}@example.com" if local else None
            if wanted is None or wanted in taken:
                wanted = f"contact{len(self._emails) + 1}@example.com"
            self._emails[key] = wanted
        return self._emails[key]

    def scrub(self, text: str) -> str:
        """`text` with every e-mail address and phone number in it replaced by its stand-in
        (a phone written as a person reads it: (555) 555-0101)."""
        text = _EMAIL.sub(lambda m: self.email(m.group(0)), text)
        return _PHONE.sub(lambda m: _national(self.phone(m.group(0))), text)


def _national(e164: str) -> str:
    """+15555550101 -> (555) 555-0101 (a stand-in is always a +1 number)."""
    return f"({e164[2:5]}) {e164[5:8]}-{e164[8:]}"
