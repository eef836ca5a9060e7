"""What a planned page is: its output path, template, kind, crumbs and what it shows.

Pages are made by the page kinds declared in plan.py; they are plain data, and
the templates see them as `page`.
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any

from .model import Article, Category, Month, Term, Topic, Year


@dataclass(frozen=True)
class Pager:
    """One page of a paginated listing; `target` is what `url(target, n)` links to."""

    target: Any
    number: int
    count: int
    total: int                       # articles in the whole listing

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to show, None where a run is elided: 1 … 4 5 [6] 7 8 … 40."""
        shown = {1, self.count, *range(self.number - around, self.number + around + 1)}
        out: list[int | None] = []
        for n in sorted(x for x in shown if 1 <= x <= self.count):
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


@dataclass(frozen=True)
class Crumb:
    label: str
    target: Any = None               # None: the current page, not linked


@dataclass(frozen=True)
class Page:
    path: str
    template: str
    kind: str
    title: str
    crumbs: tuple[Crumb, ...] = ()
    article: Article | None = None
    articles: tuple[Article, ...] = ()
    pager: Pager | None = None
    category: Category | None = None
    term: Term | None = None
    terms: tuple[Term, ...] = ()
    term_kind: str = ""
    year: Year | None = None
    month: Month | None = None
    topic: Topic | None = None
    description: str = ""
    data: Any = None                 # what its kind computed for it, e.g. the statistics (stats.py)


_PAGE_DEFAULTS = {f.name: f.default for f in fields(Page) if f.default is not MISSING}


def quick_page(**values) -> Page:
    """Page(**values), filled directly: a frozen dataclass's __init__ sets each field through
    object.__setattr__, which for 13,000 pages was a tenth of planning. Same object either way
    (tests/test_pages.py compares them)."""
    page = object.__new__(Page)
    page.__dict__.update(_PAGE_DEFAULTS)
    page.__dict__.update(values)
    return page
