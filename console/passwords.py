"""Console passwords: optional (a one-time link is the default way in), hashed with Argon2id.

argon2-cffi's default parameters are RFC 9106's low-memory profile (64 MiB, 3 passes, 4
lanes); a hash made under older parameters still verifies and `needs_rehash` says to
replace it. The length rule follows NIST SP 800-63B-4 for a password that is the only
factor: at least 15 characters, no composition rules, long passphrases welcome. Passwords
are NFKC-normalised first (as that guideline recommends), so the same passphrase typed on a
phone and on a desktop keyboard is the same password.
"""

from __future__ import annotations

import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from crm_store.errors import InvalidValue

MIN_LENGTH = 15
MAX_LENGTH = 256


class Passwords:
    """Hash, verify and rehash console passwords with one Argon2 hasher."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._decoy: str | None = None

    def hash(self, password: str) -> str:
        """The hash to keep, or `InvalidValue` naming the field when the password breaks the
        length rule (the message gives its length, never the password)."""
        normal = _normal(password)
        if not MIN_LENGTH <= len(normal) <= MAX_LENGTH:
            raise InvalidValue(
                "password",
                f"{len(normal)} characters",
                f"{MIN_LENGTH} to {MAX_LENGTH} characters (a passphrase of a few words works)",
            )
        return self._hasher.hash(normal)

    def verify(self, stored: str, password: str) -> bool:
        """Whether `password` is the one `stored` was made from; a damaged hash is a no."""
        normal = _normal(password)
        if len(normal) > MAX_LENGTH:
            return False
        try:
            return self._hasher.verify(stored, normal)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether `stored` was made with other parameters than today's (rehash on sign-in)."""
        try:
            return self._hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    def verify_nobody(self, password: str) -> None:
        """Spend the time a verification takes, for a sign-in with an unknown e-mail or no
        password set, so that the answer's timing does not tell which e-mails exist."""
        if self._decoy is None:
            self._decoy = self._hasher.hash(secrets.token_urlsafe(24))
        self.verify(self._decoy, password)


def _normal(password: str) -> str:
    return unicodedata.normalize("NFKC", password)
