from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse


class SignOutInactiveUsersMiddleware:
    """End the session of a user who was suspended (made inactive) or deleted.

    Django already treats such a session as anonymous, but keeps it: reactivating the account
    would bring every old session back. Flushing it on the next request makes a suspension
    a real sign-out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session and not request.user.is_authenticated:
            logout(request)
            messages.warning(
                request, "You have been signed out because your account is no longer active."
            )
        return self.get_response(request)
