"""Sign-in throttling beyond django-axes' own lock.

django-axes locks an account for one address after LOGIN_FAILURE_LIMIT failures
(`accounts.backends.login_key` names the account whatever the spelling). It has one limit
for all its lockout parameters, so the two wider limits live here, counted from its
failure log (AccessFailureLog, in the database, so every app server sees the same):

- per address across accounts (LOGIN_ADDRESS_FAILURE_LIMIT, e.g. "20/h"): one address
  trying one password on many accounts (spraying);
- per account across addresses (LOGIN_ACCOUNT_FAILURE_LIMIT, e.g. "50/d"): many
  addresses guessing one account's password, slower and for longer.

Either answers with django-axes' lock-out page, whether the account exists or not.
Resetting the password lifts the account's locks (`unlock_account`).
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.utils import timezone

from tasker.ratelimit import client_ip, parse_rate


def _failures_within(rate: str, **lookup) -> bool:
    """Say whether the failure log holds `rate`'s count of rows matching `lookup` in its period."""
    limit, period = parse_rate(rate)
    since = timezone.now() - timedelta(seconds=period)
    return AccessFailureLog.objects.filter(attempt_time__gte=since, **lookup).count() >= limit


def over_wider_limits(request, credentials) -> bool:
    """Say whether this address, or the account the login names, has failed too often."""
    if _failures_within(settings.LOGIN_ADDRESS_FAILURE_LIMIT, ip_address=client_ip(request)):
        return True
    username = get_client_username(request, credentials)
    return bool(username) and _failures_within(
        settings.LOGIN_ACCOUNT_FAILURE_LIMIT, username=username
    )


class AccountThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the per-address and per-account limits."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or over_wider_limits(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False):
            if over_wider_limits(request, credentials):
                # The failure that reaches a limit is answered with the lock-out page,
                # as django-axes does for its own.
                request.axes_locked_out = True
                request.axes_credentials = credentials


def unlock_account(username: str) -> None:
    """Forget the failed sign-ins counted against this account (its owner proved who they are)."""
    key = username.lower()
    AccessAttempt.objects.filter(username=key).delete()
    AccessFailureLog.objects.filter(username=key).delete()
