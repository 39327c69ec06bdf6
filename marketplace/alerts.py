"""Saved-search alerts: which new tasks match a saved search, and the emails that say so.

A search matches through the browse page's own query (TaskFilterForm → tasks_browse), so
an alert names exactly the tasks the search's page lists. Only tasks posted after the
search was saved count, never the owner's own; tasks_browse already leaves out hidden
tasks and those of suspended customers. Each (search, task) pair is emailed once, ever:
the TaskAlert row is inserted first and only whoever inserted it sends.
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from itertools import batched

from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from tasker.listing import people_changed

from .emails import task_alert_email
from .models import SavedSearch, Task, TaskAlert
from .selectors import saved_search_filters, tasks_browse

logger = logging.getLogger(__name__)

# A digest names at most this many tasks (the newest); the email links to the rest.
DIGEST_MAX_TASKS = 20
# A digest looks back this far: a task posted (or edited into a match) longer ago than
# that, and never emailed, is no longer news. A missed nightly run loses nothing.
DIGEST_WINDOW = timedelta(days=7)


def matching_tasks(search: SavedSearch):
    """Open tasks the search's page lists, posted after it was saved, not its owner's and
    not yet alerted for it; newest first."""
    return (
        tasks_browse(saved_search_filters(search))
        .filter(created_at__gt=search.created_at)
        .exclude(customer_id=search.owner_id)
        .exclude(Exists(TaskAlert.objects.filter(search=search, task=OuterRef("pk"))))
    )


def claim(search: SavedSearch, task_ids: Iterable[int]) -> list[int]:
    """Record `task_ids` as alerted for `search`; return those this call recorded.

    Insert-then-send: a pair already recorded (by another worker, at the same moment or
    before) is skipped by the unique constraint, and only the rows carrying this call's
    batch id are ours to send. Safe on SQLite and PostgreSQL alike.
    """
    task_ids = list(task_ids)
    if not task_ids:
        return []
    batch = uuid.uuid4()
    with transaction.atomic():
        TaskAlert.objects.bulk_create(
            [TaskAlert(search=search, task_id=pk, batch=batch) for pk in task_ids],
            ignore_conflicts=True,
        )
    people_changed([search.owner_id])  # "New tasks for you"; a bulk insert sends no post_save
    return list(
        TaskAlert.objects.filter(search=search, batch=batch).values_list("task_id", flat=True)
    )


def _send(search: SavedSearch, tasks: list[Task], *, more: bool = False) -> bool:
    """Email `tasks` to the owner of `search`; a failing mail server is logged, not raised."""
    try:
        task_alert_email(search, tasks, more=more).send()
    except Exception:
        logger.exception("Could not email the alert of saved search %s", search.pk)
        return False
    return True


def _alertable(searches):
    """Searches whose owner can be emailed now."""
    return searches.filter(owner__is_active=True).exclude(owner__email="")


def instant_candidates(task: Task):
    """The instant searches that might list `task`: those its budget, category and
    remoteness do not rule out. The browse query decides for each; this only keeps it
    from running for searches that cannot match."""
    searches = SavedSearch.objects.filter(frequency=SavedSearch.Frequency.INSTANT)
    searches = searches.filter(Q(category__isnull=True) | Q(category_id=task.category_id))
    searches = searches.filter(Q(budget_min__isnull=True) | Q(budget_min__lte=task.budget))
    searches = searches.filter(Q(budget_max__isnull=True) | Q(budget_max__gte=task.budget))
    if not task.is_remote:
        searches = searches.filter(remote=False)
    return (
        _alertable(searches)
        .filter(created_at__lt=task.created_at)
        .exclude(owner_id=task.customer_id)
        .exclude(Exists(TaskAlert.objects.filter(search=OuterRef("pk"), task=task)))
        .select_related("owner", "category")
    )


def alert_task(task_id: int) -> int:
    """Email the owners of instant searches that list task `task_id` now; return how many
    emails were sent. Run on the task worker when a task is posted or edited."""
    task = (
        Task.objects.open().public().filter(pk=task_id).select_related("category", "town").first()
    )
    if task is None:
        return 0
    sent = 0
    for search in instant_candidates(task):
        if not matching_tasks(search).filter(pk=task.pk).exists():
            continue
        if claim(search, [task.pk]) and _send(search, [task]):
            sent += 1
    return sent


@dataclass
class DigestResult:
    searches: int = 0  # daily searches looked at
    emails: int = 0  # digests sent (or that would be, in a dry run)
    tasks: int = 0  # tasks named in them
    failed: int = 0  # digests the mail server refused


def digest_searches():
    return (
        _alertable(SavedSearch.objects.filter(frequency=SavedSearch.Frequency.DAILY))
        .select_related("owner", "category")
        .order_by("id")
    )


def filter_parts(filters: dict) -> dict[tuple, dict]:
    """Split browse filters into parts that narrow the browse list independently of each
    other, keyed by what they hold: the list for all of them is the tasks in every part's
    list. The distance filters (a place, a radius, and "remote" beside a place, which then
    adds remote tasks rather than narrowing) make one part."""
    parts: dict[str, dict] = {}
    near = bool(filters.get("near"))
    for name, value in filters.items():
        if name == "sort" or value in (None, "", False):
            continue
        group = "distance" if name in ("near", "radius") or (near and name == "remote") else name
        parts.setdefault(group, {})[name] = value
    if "distance" in parts and not near:
        del parts["distance"]  # a radius with no place filters nothing
    return {
        (group, tuple(sorted((k, str(getattr(v, "pk", v))) for k, v in values.items()))): values
        for group, values in parts.items()
    }


class DigestMatcher:
    """The new matches of many searches, at the cost of one browse query per distinct
    filter rather than one per search.

    Each distinct part of the searches' filters (the keywords "fence", the city "Cardiff",
    the category Gardening…) is run once through the browse query, limited to the tasks
    changed in the run's span (after the oldest watermark, at most DIGEST_WINDOW back, up
    to `now`); a search's matches are the tasks in all of its parts' lists, as the browse
    page would list them with all its filters at once, changed after its own watermark.
    """

    def __init__(self, now, since=None) -> None:
        self.now = now
        self.oldest = now - DIGEST_WINDOW
        start = max(since, self.oldest) if since else self.oldest
        self.recent = Q(updated_at__gt=start, updated_at__lte=now)
        # Every open, public task of the span: (created, id) to sort by, its customer, and
        # when it last changed.
        self.tasks = {
            pk: (created, customer, updated)
            for pk, created, customer, updated in tasks_browse({})
            .filter(self.recent)
            .values_list("pk", "created_at", "customer_id", "updated_at")
        }
        self.parts: dict[tuple, set[int]] = {}
        self.loaded: dict[int, Task] = {}
        self.sent: dict[int, set[int]] = {}
        for search_id, task_id in TaskAlert.objects.filter(
            task_id__in=self._recent_ids()
        ).values_list("search_id", "task_id"):
            self.sent.setdefault(search_id, set()).add(task_id)

    def _recent_ids(self):
        return tasks_browse({}).filter(self.recent).values("pk")

    def _part(self, key: tuple, values: dict) -> set[int]:
        if key not in self.parts:
            browse = tasks_browse(values).filter(self.recent)
            self.parts[key] = set(browse.values_list("pk", flat=True))
        return self.parts[key]

    def matches(self, search: SavedSearch) -> list[int]:
        """The ids of the tasks new for `search`, newest first: posted after it was saved,
        changed after its watermark, never alerted for it, not its owner's."""
        parts = filter_parts(saved_search_filters(search))
        lists = sorted((self._part(key, values) for key, values in parts.items()), key=len)
        if not lists:
            return []
        found = lists[0].intersection(*lists[1:])
        sent = self.sent.get(search.pk, ())
        owner, saved = search.owner_id, search.created_at
        after = max(search.digested_up_to or self.oldest, self.oldest)
        tasks = self.tasks
        fresh = (
            pk
            for pk in found
            if pk not in sent
            and tasks[pk][1] != owner
            and tasks[pk][0] > saved
            and tasks[pk][2] > after
        )
        return sorted(fresh, key=lambda pk: (tasks[pk][0], pk), reverse=True)

    def load(self, ids: list[int]) -> list[Task]:
        """The tasks with these ids, in this order, with what an email shows; each task
        is read once per run however many digests name it."""
        missing = [pk for pk in ids if pk not in self.loaded]
        if missing:
            self.loaded.update(Task.objects.select_related("category", "town").in_bulk(missing))
        return [self.loaded[pk] for pk in ids if pk in self.loaded]


# Digests recorded and queued per transaction: fewer commits, and a write lock held for
# well under a second.
DIGESTS_PER_COMMIT = 50


def send_digests(*, dry_run: bool = False, on_search=None) -> DigestResult:
    """Send each daily search's digest of new matches; with `dry_run`, only count them.

    Safe to run again at once, and twice at the same time: each search's watermark
    (`digested_up_to`) moves on to this run's start with its email, so the next run looks
    only at what changed since, and a run that finds the watermark moved by another sends
    nothing for that search. One browse query per distinct filter (DigestMatcher); for
    each digest, one query to move the watermark, two to record its tasks and one to queue
    the email, DIGESTS_PER_COMMIT to a transaction.
    """
    now = timezone.now()
    searches = digest_searches()
    # The run looks back to the oldest watermark (DIGEST_WINDOW if a search has none).
    marks = searches.aggregate(
        oldest=Min("digested_up_to"), never=Count("pk", filter=Q(digested_up_to__isnull=True))
    )
    matcher = DigestMatcher(now, since=None if marks["never"] else marks["oldest"] or now)
    result = DigestResult()
    for batch in batched(searches.iterator(chunk_size=500), DIGESTS_PER_COMMIT):
        with transaction.atomic():
            for search in batch:
                result.searches += 1
                ids = matcher.matches(search)
                tasks = matcher.load(ids[:DIGEST_MAX_TASKS])
                if tasks and not dry_run:
                    tasks = deliver(search, tasks, more=len(ids) > DIGEST_MAX_TASKS, now=now)
                    result.failed += tasks is None
                    tasks = tasks or []
                if tasks:
                    result.emails += 1
                    result.tasks += len(tasks)
                if on_search:
                    on_search(search, tasks)
    return result


class _Lost(Exception):
    """Another run sent this digest first (its watermark moved meanwhile)."""


def deliver(search: SavedSearch, tasks: list[Task], *, more: bool, now) -> list[Task] | None:
    """Move the search's watermark on to `now`, record the tasks named and queue the
    email: all or nothing. Return the tasks it names ([] if another run sent this digest
    first), or None if the email could not be queued (then nothing is recorded, and the
    next run tries again).

    Only the tasks named are recorded; those past the first DIGEST_MAX_TASKS, which the
    email only links to, are behind the watermark and not sent again. The watermark moves
    only from the value this run read: rowcount 1 means this run sends, 0 that another
    run did (a conditional update, race-safe on SQLite and PostgreSQL alike).
    """
    try:
        with transaction.atomic():
            moved = (
                SavedSearch.objects.filter(pk=search.pk, digested_up_to=search.digested_up_to)
                if search.digested_up_to
                else SavedSearch.objects.filter(pk=search.pk, digested_up_to__isnull=True)
            ).update(digested_up_to=now)
            if moved != 1:
                raise _Lost
            claimed = set(claim(search, [task.pk for task in tasks]))
            tasks = [task for task in tasks if task.pk in claimed]
            if tasks:
                task_alert_email(search, tasks, more=more).send()
    except _Lost:
        return []
    except Exception:
        logger.exception("Could not queue the digest of saved search %s", search.pk)
        return None
    search.digested_up_to = now
    return tasks
