"""Reading a dealership's CSV file strictly: the header checked, each cell validated into
its type, every problem named by line, column, value and what was expected, e.g.
"line 7, column payoff: '12,4O0' is not an amount; expected dollars like 12400.00".

The parsers of `signals.owner_import` use it. A file is at most `MAX_BYTES`, UTF-8 (a
spreadsheet's byte-order mark is fine); a row may leave out trailing empty cells but not
have more cells than the header. All problems of a file are collected and the first
`MAX_PROBLEMS` raised together (`CsvProblems`), so one fix-and-retry round fixes them all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

MAX_BYTES = 5 * 1024 * 1024
MAX_PROBLEMS = 50

_AMOUNT = re.compile(r"\$?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?")
_WHOLE = re.compile(r"\d{1,3}(,\d{3})+|\d+")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_YES = {"y", "yes", "true", "1"}
_NO = {"", "n", "no", "false", "0"}


class CsvProblems(Exception):
    """A file that cannot be imported: `problems` (at most `MAX_PROBLEMS`) and `total`."""

    def __init__(self, problems: list[str], total: int | None = None) -> None:
        self.problems = problems[:MAX_PROBLEMS]
        self.total = len(problems) if total is None else total
        super().__init__("; ".join(self.problems))


class Row:
    """One data row: typed reads of its cells, each problem noted with its line and column."""

    def __init__(self, line: int, cells: dict[str, str], problems: list[str]) -> None:
        self.line = line
        self._cells = cells
        self._problems = problems

    def raw(self, column: str) -> str:
        return self._cells.get(column, "").strip()

    def problem(self, column: str, message: str) -> None:
        self._problems.append(f"line {self.line}, column {column}: {message}")

    def bad(self, column: str, what: str, expected: str) -> None:
        self.problem(column, f"{self.raw(column)!r} is not {what}; expected {expected}")

    def text(self, column: str, *, required: bool = False, longest: int = 80) -> str | None:
        value = self.raw(column)
        if not value:
            if required:
                self.problem(column, f"empty; expected {column}")
            return None
        if len(value) > longest:
            self.problem(column, f"{len(value)} characters; expected at most {longest}")
            return None
        return value

    def whole(self, column: str, *, low: int, high: int, required: bool = False) -> int | None:
        value = self.raw(column)
        if not value:
            if required:
                self.problem(column, f"empty; expected a whole number from {low:,} to {high:,}")
            return None
        if _WHOLE.fullmatch(value) and low <= int(value.replace(",", "")) <= high:
            return int(value.replace(",", ""))
        self.bad(column, "a whole number in range", f"a whole number from {low:,} to {high:,}")
        return None

    def amount(self, column: str, *, required: bool = False) -> Decimal | None:
        value = self.raw(column)
        if not value:
            if required:
                self.problem(column, "empty; expected dollars like 12400.00")
            return None
        if _AMOUNT.fullmatch(value):
            return Decimal(value.lstrip("$").replace(",", ""))
        self.bad(column, "an amount", "dollars like 12400.00")
        return None

    def rate(self, column: str) -> Decimal | None:
        value = self.raw(column).removesuffix("%").strip()
        if not value:
            return None
        try:
            rate = Decimal(value)
        except InvalidOperation:
            rate = Decimal(-1)
        if rate.is_finite() and 0 <= rate < 100 and -rate.as_tuple().exponent <= 3:  # type: ignore[operator]
            return rate
        self.bad(column, "a rate", "a yearly percent like 5.9")
        return None

    def day(self, column: str, *, required: bool = False) -> date | None:
        value = self.raw(column)
        if not value:
            if required:
                self.problem(column, "empty; expected a date like 2026-03-01")
            return None
        try:
            if _DAY.fullmatch(value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.bad(column, "a date", "YYYY-MM-DD like 2026-03-01")
        return None

    def yes_no(self, column: str) -> bool:
        value = self.raw(column).lower()
        if value in _YES or value in _NO:
            return value in _YES
        self.bad(column, "yes or no", "y or n (empty means n)")
        return False

    def email(self, column: str) -> str | None:
        value = self.raw(column)
        if not value or _EMAIL.fullmatch(value):
            return value or None
        self.bad(column, "an e-mail address", "an address like jane@example.com")
        return None


def read_rows(
    data: bytes, *, columns: Collection[str], required: Collection[str], problems: list[str]
) -> Iterator[Row]:
    """The file's data rows (blank lines skipped) as `Row`s noting into `problems`; a bad
    size, encoding or header raises `CsvProblems` at once."""
    if len(data) > MAX_BYTES:
        raise CsvProblems([f"the file has more than {MAX_BYTES:,} bytes; expected at most that"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvProblems(
            [f"byte {exc.start}: not UTF-8 text; expected the CSV saved as UTF-8"]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        _check_header(header, columns, required)
        before = reader.line_num
        for cells in reader:
            line, before = before + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                problems.append(
                    f"line {line}: {len(cells)} cells; expected at most {len(header)}, "
                    "one per header column"
                )
                continue
            yield Row(line, dict(zip(header, cells, strict=False)), problems)
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}; expected CSV text")


def _check_header(header: list[str], columns: Collection[str], required: Collection[str]) -> None:
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in columns]
    repeated = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}")
    if unknown:
        problems.append(
            f"line 1: unknown column(s) {', '.join(repr(c) for c in unknown)}; "
            f"expected some of {', '.join(columns)}"
        )
    if repeated:
        problems.append(f"line 1: repeated column(s) {', '.join(repeated)}; expected each once")
    if problems:
        raise CsvProblems(problems)
