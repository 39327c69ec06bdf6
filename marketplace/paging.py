"""Task lists that cost the same however many tasks match.

A browse request used to count every matching task for its paginator, and a deep page read
past every earlier row: both grow with the data. Here the count stops at `MAX_RESULTS` (the
page then says "more than 1,000" and asks to narrow the search), and so do the pages: page
50 of 20 is the last, and it reads past at most 980 rows whatever the size of the site.
"""

from functools import cached_property

from django.core.paginator import Paginator

MAX_RESULTS = 1000


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap`: one more than that means "more"."""

    def __init__(
        self, object_list, per_page, *, count_from=None, counted=None, cap=MAX_RESULTS, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        # What to count: the same rows without what only the shown ones need (a card's
        # bid count) and unordered, so that the count reads an index alone. Or the count
        # itself, up to cap + 1, made by whoever chose the query (selectors.tasks_browse_counted).
        self.count_from = object_list if count_from is None else count_from
        self.counted = counted
        self.cap = cap

    @cached_property
    def capped_count(self) -> int:
        """How many match, counted up to cap + 1 (one query, an index range at most
        cap + 1 rows long)."""
        if self.counted is not None:
            return self.counted
        return self.count_from[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.capped_count, self.cap)

    @property
    def more_than_cap(self) -> bool:
        """Whether more tasks match than the pages show."""
        return self.capped_count > self.cap
