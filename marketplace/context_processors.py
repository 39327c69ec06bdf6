"""Template context shared by every page."""

from functools import cached_property

from .models import Notification
from .selectors import unread_message_count


class UnreadCounts:
    """The navbar's unread badges, counted only when a template reads them.

    Nothing is queried up front: a page that does not show the navbar, or an anonymous
    visitor, costs no query. Each count is one query, at most once per page.
    """

    def __init__(self, request):
        self._request = request

    @cached_property
    def _user(self):
        user = getattr(self._request, "user", None)
        return user if user is not None and user.is_authenticated else None

    @cached_property
    def messages(self) -> int:
        return unread_message_count(self._user) if self._user else 0

    @cached_property
    def notifications(self) -> int:
        if not self._user:
            return 0
        return Notification.objects.filter(recipient=self._user, is_read=False).count()


def unread_counts(request) -> dict:
    return {"unread_counts": UnreadCounts(request)}
