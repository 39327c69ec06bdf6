"""The listing generation: one counter that every change a visitor of a public page could
notice moves forward; a person's generation, which every change of what only that person
sees moves; and the caches keyed on them.

What is cached (docs/performance.md, "Caches"):

- whole pages (tasker/pagecache.py): a signed-out visitor's browse, home, task and profile
  pages, and a signed-in person's own view of those and of their dashboard and inbox, and
- the browse page's results for everybody: the count, the cards and the pagination
  (`cached_fragment`), and its filter form (under a counter of its own, which only a
  category moves),

each stored with the generation(s) it was rendered at and served only while they are still
the same. Nothing expires by time alone (a short timeout only keeps "3 minutes ago" honest
and the cache small).

Invalidation is two functions, `listing_changed()` and `people_changed(pks)`, called:

- by the post_save / post_delete receivers `connect()` sets up for every model in
  `LISTING_MODELS` and `PERSON_MODELS` (a model whose rows a page comes to show joins with
  one line there; tests/test_page_cache.py fails for a model in none of them), and
- by the code that changes those rows with a bulk `.update()` or `.bulk_create()`, which
  send no signal (a transition of a task, bid or agreement, suspending a user, hiding
  content, notifications, read markers).

Each bumps at once and again when the transaction commits: a page rendered in between, from
the rows as they were before the commit, is stored under a generation that is already gone.

They need a cache every process shares (the default database table, or Redis): with a
per-process cache they are off (settings.LISTING_CACHE). The cache fails open: if it cannot
be reached, pages are rendered as if nothing were cached, and a counter that was lost starts
again above any value it had (see _start).
`accounts` may call these functions: this module imports no app.
"""

import hashlib
import logging
import time
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)

# Every model whose rows a public page shows: a task list (a card, its count, who may be
# listed), a task's page or a profile. Another model such a page comes to show joins here,
# by one line.
LISTING_MODELS = [
    "marketplace.Task",  # new, edited, hidden, expired, assigned, cancelled
    "marketplace.Bid",  # a card's bid count; the bids on a task's page
    "marketplace.BidRevision",  # a bid's earlier amounts, on its task's page
    "marketplace.Category",  # a card's category and the filter form's choices
    "marketplace.TaskPhoto",  # a card's thumbnail; a task's gallery
    "marketplace.TaskEvent",  # a task's timeline
    "marketplace.Question",  # a task's public questions and answers
    "marketplace.Agreement",  # a task's agreement; a profile's completed work
    "marketplace.Review",  # ratings on profiles, cards' reputations
    "accounts.User",  # suspension, display names, pictures, skills
]

# Every model whose rows only some people's own pages show (their navbar's badges, inbox,
# dashboard), with the fields that name those people: a change moves their generations
# alone, not the listing generation everybody's pages depend on.
PERSON_MODELS = {
    "marketplace.Notification": ["recipient_id"],
    "marketplace.Conversation": ["user_a_id", "user_b_id"],
    "marketplace.Message": ["conversation.user_a_id", "conversation.user_b_id"],
    "marketplace.SavedSearch": ["owner_id"],
    "marketplace.TaskAlert": ["search.owner_id"],  # "New tasks for you" on the dashboard
    "marketplace.Report": ["reporter_id"],
}

# Models no cached page shows, and why (a model must be in one of the three lists).
UNSHOWN_MODELS = {
    "marketplace.Place": "the gazetteer: loaded by a migration, never changed by the site",
    "marketplace.FormSubmission": "which forms were sent once: read only by the POST views",
}

GENERATION_KEY = "listing:generation"
# The browse filter form shows only the categories: it has a counter of its own, which
# moves with every change of LISTING_FORM_MODELS (a bid does not render it again).
LISTING_FORM_MODELS = ["marketplace.Category"]
FORM_GENERATION_KEY = "listing:form-generation"
# How long a cached list or page may live even if nothing changes: the cards say "3 minutes
# ago", which a minute-old page still says truthfully.
TIMEOUT = 60


def generation(key: str = GENERATION_KEY) -> int | None:
    """The current listing generation (or the one named by `key`), or None when the cache
    cannot be reached or the listing caches are off (settings.LISTING_CACHE)."""
    if not settings.LISTING_CACHE:
        return None
    try:
        value = cache.get(key)
        if value is None:
            value = _start(key)
        return value
    except Exception as error:  # any cache failure: serve uncached
        _warn(error)
        return None


def _start(key: str) -> int:
    # Above any generation a lost counter ever reached (it counts up from the clock), so an
    # entry stored before the counter was evicted can never match again.
    cache.add(key, time.time_ns() // 1000, timeout=None)
    return cache.get(key)


# Saves that change nothing a list shows (a sign-in stamps last_login).
IGNORED_UPDATES = [{"last_login"}]


def listing_changed(**signal_kwargs) -> None:
    """Something a task list shows has changed: no cached list or page is served again."""
    update_fields = signal_kwargs.get("update_fields")
    if update_fields and set(update_fields) in IGNORED_UPDATES:
        return
    _bump_later(GENERATION_KEY)


def person_key(pk: int) -> str:
    return f"person:{pk}:generation"


def people_changed(pks) -> None:
    """Something only the people with these primary keys see has changed: none of their
    own pages is served from the cache again."""
    for pk in set(pks):
        if pk is not None:
            _bump_later(person_key(pk))


def _person_row_changed(sender, instance, **_signal_kwargs) -> None:
    people_changed(_people_of(instance, PERSON_MODELS[sender._meta.label]))


def _people_of(instance, paths: list[str]) -> list:
    """The values at `paths` ("conversation.user_a_id") on `instance`."""
    pks = []
    for path in paths:
        value = instance
        for name in path.split("."):
            value = getattr(value, name)
        pks.append(value)
    return pks


def generations(person: int | None = None) -> tuple | None:
    """The listing generation and, for a signed-in person, theirs, read together; None
    when the cache cannot be reached or the caches are off."""
    if not settings.LISTING_CACHE:
        return None
    keys = [GENERATION_KEY] + ([person_key(person)] if person is not None else [])
    try:
        found = cache.get_many(keys)
        return tuple(found[key] if key in found else _start(key) for key in keys)
    except Exception as error:
        _warn(error)
        return None


def listing_form_changed(**_signal_kwargs) -> None:
    """Something the browse filter form shows has changed (a category)."""
    _bump_later(FORM_GENERATION_KEY)


def _bump_later(key: str) -> None:
    _bump(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(key), robust=True)


def _bump(key: str) -> None:
    try:
        try:
            cache.incr(key)
        except ValueError:  # not there yet (or evicted)
            _start(key)
            cache.incr(key)
    except Exception as error:
        _warn(error)


def connect() -> None:
    """Call listing_changed() whenever a row of a LISTING_MODELS model is saved or deleted,
    people_changed() for a PERSON_MODELS one, and listing_form_changed() for
    LISTING_FORM_MODELS."""
    for label in LISTING_MODELS:
        model = apps.get_model(label)
        uid = f"listing-{label}"
        post_save.connect(listing_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(listing_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for label in PERSON_MODELS:
        model = apps.get_model(label)
        uid = f"person-{label}"
        post_save.connect(_person_row_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_person_row_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for label in LISTING_FORM_MODELS:
        model = apps.get_model(label)
        uid = f"listing-form-{label}"
        post_save.connect(listing_form_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(listing_form_changed, sender=model, dispatch_uid=f"{uid}-delete")


def filters_key(cleaned: dict) -> str:
    """A short, stable key for a form's cleaned filters: every field, in name order, so a
    filter added to the form is part of the key with no change here."""
    parts = [f"{name}={_normal(cleaned[name])}" for name in sorted(cleaned)]
    return hashlib.blake2b("&".join(parts).encode(), digest_size=16).hexdigest()


def _normal(value) -> str:
    if value is None or value == "" or value is False:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "pk"):
        return f"{type(value).__name__}:{value.pk}"
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(sorted(_normal(v) for v in value))
    return str(value)


def get_cached(key: str, current: int | None):
    """The value stored under `key` at the `current` generation, or None."""
    if current is None:
        return None
    try:
        entry = cache.get(key)
    except Exception as error:
        _warn(error)
        return None
    if entry is None or entry[0] != current:
        return None
    return entry[1]


def put_cached(key: str, current: int | None, value) -> None:
    if current is None:
        return
    try:
        cache.set(key, (current, value), timeout=TIMEOUT)
    except Exception as error:
        _warn(error)


def cached_fragment(name: str, key: str, render, *, generation_key=GENERATION_KEY) -> str:
    """`render()`'s result, cached under `name` and `key` for the current generation of
    `generation_key` (the listing generation by default)."""
    current = generation(generation_key)
    full_key = f"listing:{name}:{key}"
    html = get_cached(full_key, current)
    if html is None:
        html = render()
        put_cached(full_key, current, html)
    return html


_last_warning = 0.0


def _warn(error: Exception) -> None:
    """Say once a minute, not on every request, that pages are served uncached."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        log.warning("Pages are not cached: the cache cannot be reached (%s).", error)
