"""What no one may send a shopper, staff included: another customer's phone or e-mail, and
secrets (API tokens, signed staff links, keys). Staff may quote prices and make offers (that
is their job and their responsibility); the assistant's own guardrail is stricter.

Pure: the caller says which of the contacts found belong to other customers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import phonenumbers

# Bounded runs and a left boundary keep these linear on any input.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_SECRETS = (
    ("api_token", re.compile(r"\bnst_[A-Za-z0-9_-]{20,}")),
    ("signed_link", re.compile(r"[?&]sig=[0-9a-fA-F]{64}")),
    ("api_key", re.compile(r"\bsk-[A-Za-z0-9_-]{20,}")),
)
MAX_SCAN = 4000  # a staff message is at most 1,600 characters; never scan more than this


@dataclass(frozen=True, slots=True)
class Contacts:
    phones: frozenset[str]  # E.164
    emails: frozenset[str]  # lower-case


def contacts_in(text: str, region: str = "US") -> Contacts:
    text = text[:MAX_SCAN]
    phones = {
        phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        # POSSIBLE, not VALID: unassigned numbers (555) are still someone's typed number
        for m in phonenumbers.PhoneNumberMatcher(text, region, phonenumbers.Leniency.POSSIBLE)
    }
    emails = {m.group(0).lower() for m in _EMAIL.finditer(text)}
    return Contacts(frozenset(phones), frozenset(emails))


def problems(
    text: str,
    *,
    belongs_to_others: Callable[[Contacts], bool],
    known_secrets: Iterable[str] = (),
) -> list[str]:
    """Why `text` may not be sent (empty when it may): `other_customer_contact`, or the kind
    of secret it carries."""
    found: list[str] = []
    contacts = contacts_in(text)
    if (contacts.phones or contacts.emails) and belongs_to_others(contacts):
        found.append("other_customer_contact")
    scanned = text[:MAX_SCAN]
    found.extend(name for name, pattern in _SECRETS if pattern.search(scanned))
    if any(len(s) >= 16 and s in text for s in known_secrets):
        found.append("secret")
    return found
