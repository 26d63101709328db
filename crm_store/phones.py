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
