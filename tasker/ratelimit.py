"""Per-user (or, signed out, per-address) rate limits on actions people could abuse.

A fixed-window counter on Django's cache: `cache.add` then `cache.incr`, both atomic on
Redis (shared by every app server), on the database cache (tasker/cache.py: shared by every
process using the database) and within one process on the local-memory cache.
Limits come from settings.RATE_LIMITS, e.g. {"bid": "30/h"}.

The limits fail open: if the cache cannot be reached (Redis stopped, a missing cache table),
the action is allowed and a warning logged, at most once a minute per process. Counting
starts again by itself when the cache is back.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
WARN_EVERY = 60  # seconds between two warnings about an unreachable cache
_last_warning = 0.0


def parse_rate(rate: str) -> tuple[int, int]:
    """Turn "30/h" into (30, 3600)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period]


def client_ip(request: HttpRequest) -> str:
    """Return the address of whoever sent the request.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each appending the address it was reached
    from to X-Forwarded-For, the client is that many entries from the right: entries further
    left come from the client itself and could be anything. Without proxies, REMOTE_ADDR.
    Both our limits and django-axes use this (AXES_CLIENT_IP_CALLABLE).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def allow(request: HttpRequest, scope: str, *, who: str | None = None) -> bool:
    """Count one more `scope` action for this requester (or for `who`, e.g. the account an
    action is aimed at); say whether it is within the limit."""
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    if who is not None:
        who = f"for:{who}"
    elif request.user.is_authenticated:
        who = f"user:{request.user.pk}"
    else:
        who = f"ip:{client_ip(request)}"
    key = f"ratelimit:{scope}:{who}:{int(time.time() // period)}"
    try:
        count = _count(key, period)
    except Exception as error:  # any cache failure: let the action through, say so
        _warn_cache_down(scope, error)
        return True
    return count <= limit


def _count(key: str, period: int) -> int:
    cache.add(key, 0, timeout=period + 1)
    try:
        return cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        return 1


def _warn_cache_down(scope: str, error: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY or not _last_warning:
        _last_warning = now
        logger.warning(
            "Rate limits are not enforced: the cache cannot be reached (%s: %s); allowing the %s.",
            type(error).__name__,
            error,
            scope,
        )


class RateLimitMixin:
    """Refuse POSTs over the `ratelimit_scope` limit with our 429 page."""

    ratelimit_scope = ""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and not allow(request, self.ratelimit_scope):
            return render(request, "429.html", status=429)
        return super().dispatch(request, *args, **kwargs)
