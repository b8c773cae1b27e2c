"""Server-side paging of the console's tables: which rows, and the links to other pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a table: where it is among all rows, and the query of its neighbours."""

    number: int
    size: int
    total: int
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.size + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.number * self.size)

    def query(self, number: int) -> str:
        """The query string of page `number` with the same filters."""
        values = {k: v for k, v in self.filters.items() if v} | {"page": str(number)}
        return "?" + urlencode(values)

    @property
    def previous(self) -> str | None:
        return self.query(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.query(self.number + 1) if self.number < self.pages else None


@dataclass(frozen=True, slots=True)
class Paging:
    """The page asked for and the page size."""

    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def of(self, total: int, filters: dict[str, str] | None = None) -> Page:
        return Page(self.number, self.size, total, dict(filters or {}))
