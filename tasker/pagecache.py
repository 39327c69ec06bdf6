"""Whole pages served from the cache while nothing they show has changed.

A page is stored under its path, its query and who it is for, with the generations it was
rendered at (tasker/listing.py): the listing generation for everybody, and for a signed-in
person their own generation too. It is served again only while both are unchanged, so any
change a page could show (a bid anywhere, a message to that person) is on the next request.

- A signed-out visitor's page is shared by every visitor, so it is served and stored only
  for a request that carries nothing per-person (no session, no flash message) and only if
  it set no cookie and used no CSRF token.
- A signed-in person's page is theirs alone: stored per person and per session (signing in
  again starts afresh), never while a flash message waits to be shown, and without what
  must differ on every page served: its CSRF tokens (filled in with the request's own) and
  the one-time tokens of its sent-once forms (a new one each time, or two tabs of the same
  page would send two questions under one token, and the second would be taken for a
  repeat of the first).
"""

import hashlib
import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.middleware.csrf import get_token

from . import listing

# Django's {% csrf_token %} (crispy forms use it too) writes exactly this input.
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")')
TOKEN_PLACEHOLDER = b"{{ page-cache-csrf-token }}"
# A sent-once form's token (marketplace.forms.SubmittedOnceForm, any prefix).
SUBMISSION_INPUT = re.compile(rb'(name="(?:[\w-]+-)?submission" value=")[0-9a-f-]{36}(")')
SUBMISSION_PLACEHOLDER = b"{{ page-cache-submission }}"


class PageCacheMixin:
    """Serve the page from the cache while nothing it shows has changed (see above).

    `page_cache_key()` names what the page depends on besides its path, the person and the
    generations: by default its query string; None means "do not cache this one".
    """

    def page_cache_key(self) -> str | None:
        return listing.filters_key(dict(self.request.GET.lists()))

    def get(self, request, *args, **kwargs):
        person = request.user.pk if request.user.is_authenticated else None
        key = self.page_cache_key() if servable(request, person) else None
        current = listing.generations(person) if key is not None else None
        if current is None:
            return super().get(request, *args, **kwargs)
        key = f"page:{request.get_host()}{request.path}:{key}:{whose(request, person)}"
        if (content := listing.get_cached(key, current)) is not None:
            return HttpResponse(with_tokens(request, content))
        response = super().get(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if storable(request, response, person):
            listing.put_cached(key, current, without_tokens(response.content))
        return response


def servable(request, person: int | None) -> bool:
    """A GET with no flash message waiting: for a signed-out visitor, one that carries no
    session and no message cookie at all."""
    if request.method != "GET" or CookieStorage.cookie_name in request.COOKIES:
        return False
    if person is None:
        return settings.SESSION_COOKIE_NAME not in request.COOKIES
    return "_messages" not in request.session


def whose(request, person: int | None) -> str:
    """ "visitor", or the person and a digest of their session's key."""
    if person is None:
        return "visitor"
    session = hashlib.blake2b(request.session.session_key.encode(), digest_size=8).hexdigest()
    return f"{person}:{session}"


def storable(request, response, person: int | None) -> bool:
    """A plain 200 page that set no cookie and shows no flash message; for a signed-out
    visitor also one that used no CSRF token (it would be someone else's)."""
    plain = (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and response.get("Content-Type", "").startswith("text/html")
        and not len(messages.get_messages(request))
    )
    if person is not None:
        return plain
    return (
        plain
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "CSRF_COOKIE" not in request.META
        and b"csrfmiddlewaretoken" not in response.content
    )


def without_tokens(content: bytes) -> bytes:
    """The page as stored: each token replaced by its placeholder."""
    content = CSRF_INPUT.sub(rb"\1" + TOKEN_PLACEHOLDER + rb"\2", content)
    return SUBMISSION_INPUT.sub(rb"\1" + SUBMISSION_PLACEHOLDER + rb"\2", content)


def with_tokens(request, content: bytes) -> bytes:
    """The page as served: the request's CSRF token, and a new one-time token per form."""
    if TOKEN_PLACEHOLDER in content:
        content = content.replace(TOKEN_PLACEHOLDER, get_token(request).encode())
    if SUBMISSION_PLACEHOLDER in content:
        parts = content.split(SUBMISSION_PLACEHOLDER)
        content = parts[0] + b"".join(str(uuid.uuid4()).encode() + part for part in parts[1:])
    return content
