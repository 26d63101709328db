"""Errors the store raises for things a caller can cause (not bugs)."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: the message names the field, the value and what was expected."""


class NotFound(StoreError):
    pass


class InvalidValue(StoreError, ValueError):
    def __init__(self, field: str, value: object, expected: str) -> None:
        super().__init__(f"{field}: {value!r} is not valid; expected {expected}")
        self.field = field
        self.value = value
        self.expected = expected
