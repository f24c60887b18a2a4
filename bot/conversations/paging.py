"""One page of a long list (the conversation list, the learning inbox)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first(self) -> int:
        """The position of the page's first item, counted from 1 (0 on an empty list)."""
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)


def paginate(items: Sequence[T], number: int, per_page: int) -> Page[T]:
    """Page `number` of `items`; a number out of range gives the nearest page."""
    pages = max(1, -(-len(items) // per_page))
    number = min(max(1, number), pages)
    start = (number - 1) * per_page
    return Page(list(items[start:start + per_page]), len(items), number, pages, per_page)


def page_number(raw: str | None) -> int:
    """The `page` query parameter; anything but a number is the first page."""
    try:
        return int(raw or "1")
    except ValueError:
        return 1
