"""Template context shared by every page."""

from functools import cached_property

from . import selectors


class UnreadCounts:
    """The navbar's unread badges, counted only when a template reads them.

    Nothing is queried up front: a page that does not show the navbar, or an anonymous
    visitor, costs no query. Both counts come from one query, at most once per page.
    """

    def __init__(self, request):
        self._request = request

    @classmethod
    def read_with(cls, request, *, messages: int, notifications: int) -> "UnreadCounts":
        """The counts a page's own one-row query already read (with
        `selectors.unread_count_annotations`), so the navbar costs no query of its own."""
        counts = cls(request)
        counts.__dict__["_counts"] = {"messages": messages, "notifications": notifications}
        return counts

    @cached_property
    def _counts(self) -> dict[str, int]:
        user = getattr(self._request, "user", None)
        if user is None or not user.is_authenticated:
            return {"messages": 0, "notifications": 0}
        return selectors.unread_counts(user)

    @property
    def messages(self) -> int:
        return self._counts["messages"]

    @property
    def notifications(self) -> int:
        return self._counts["notifications"]


def unread_counts(request) -> dict:
    return {"unread_counts": UnreadCounts(request)}
