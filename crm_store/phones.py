"""Phone numbers are stored in E.164 (`(555) 123-0001` -> `+15551230001`)."""

from __future__ import annotations

import phonenumbers

from crm_store.errors import InvalidValue

DEFAULT_REGION = "US"


def normalise_phone(raw: str | int, *, region: str = DEFAULT_REGION, field: str = "phone") -> str:
    """Return the E.164 form of a phone number written in any common way.

    Numbers without a country code are read as `region` numbers. Fictional 555 numbers are
    accepted (they are possible, if not assigned), since demos and tests use them.
    """
    text = str(raw).strip()
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidValue(field, raw, "a phone number such as +15551230001") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidValue(field, raw, "a phone number such as +15551230001")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str, *, region: str = DEFAULT_REGION) -> str:
    """How a person reads the number: national format at home ((805) 555-0100), international
    otherwise; the input unchanged when it is not a number."""
    try:
        parsed = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    formats = phonenumbers.PhoneNumberFormat
    home = phonenumbers.region_code_for_number(parsed) == region
    return phonenumbers.format_number(parsed, formats.NATIONAL if home else formats.INTERNATIONAL)
