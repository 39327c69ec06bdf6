from functools import partial

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from tasker.listing import listing_changed

from .. import texts
from ..models import (
    Bid,
    Task,
    TaskEvent,
)
from ..notifications import notify
from ..places import place_for_city
from ..states import DomainError
from ..tasks import send_task_alerts

Kind = TaskEvent.Kind


def _event(
    task: Task, actor: User | None, kind: str, old: str = "", note: str = "", new: str = ""
) -> None:
    """Write one timeline entry.

    `old` → `new` is the status change the action made: the task's (`new` defaults to its
    current status), or, when the task keeps its status, the bid's or agreement's.
    """
    new = new or (task.status if old else "")
    TaskEvent.objects.create(
        task=task, actor=actor, kind=kind, from_status=old, to_status=new, note=note[:1000]
    )


def _locked_task(pk: int) -> Task:
    """Re-read the task, locking its row (and only its row: see `_locked_agreement`)."""
    return Task.objects.select_for_update(of=("self",)).select_related("customer").get(pk=pk)


def _pending_bidders(task: Task) -> list[User]:
    return [bid.tasker for bid in task.bids.pending().select_related("tasker")]


def _reject_pending_bids(task: Task) -> list[User]:
    """Reject every pending bid of the task; return their taskers."""
    taskers = _pending_bidders(task)
    task.bids.pending().update(status=Bid.Status.REJECTED, updated_at=timezone.now())
    listing_changed()  # a bulk update sends no post_save
    return taskers


# --- Tasks ---


@transaction.atomic
def task_post(*, task: Task, by: User) -> Task:
    """Publish a new task (filled in by a form) for `by`."""
    if not (by.is_active and by.is_customer):
        raise DomainError("Only customers can post tasks. Switch your role in your profile.")
    if task.reposted_from_id and not task.reposted_from.can("repost", by):
        raise DomainError("Only the customer of a cancelled or expired task can repost it.")
    task.customer = by
    task.status = Task.Status.OPEN
    task.town = place_for_city(task.city)
    task.save()
    if task.reposted_from_id:
        _event(
            task, by, Kind.REPOSTED, note=texts.note(Kind.REPOSTED, task_id=task.reposted_from_id)
        )
    else:
        _event(task, by, Kind.POSTED)
    _queue_alerts(task)
    return task


def _queue_alerts(task: Task) -> None:
    """Once committed, tell the owners of instant saved searches that now list `task`."""
    transaction.on_commit(partial(send_task_alerts.enqueue, task_id=task.pk), robust=True)


@transaction.atomic
def task_edit(*, task: Task, by: User, changed: list[str]) -> Task:
    """Save the edits of an open task and tell its bidders what changed.

    Only the changed fields are written: the rest of `task` may be stale (a moderator may
    have hidden it since the form was loaded).
    """
    _locked_task(task.pk).require("edit", by)
    town = ["town"] if "city" in changed else []
    if town:
        task.town = place_for_city(task.city)
    task.save(update_fields=[*changed, *town, "updated_at"])
    what = ", ".join(str(Task._meta.get_field(name).verbose_name) for name in changed) or "nothing"
    _event(task, by, Kind.EDITED, note=texts.note(Kind.EDITED, what=what))
    notify(
        recipients=_pending_bidders(task) if changed else [],  # a no-op save tells nobody
        **texts.notice("task_edited", title=task.title, what=what),
        url=task.get_absolute_url(),
    )
    if changed:
        _queue_alerts(task)  # it may match searches it did not match before
    return task


@transaction.atomic
def task_cancel(*, task: Task, by: User) -> Task:
    """Cancel an open task; its pending bids are rejected."""
    task = _locked_task(task.pk)
    old = task.move("cancel", by)
    bidders = _reject_pending_bids(task)
    _event(task, by, Kind.CANCELLED, old)
    notify(
        recipients=bidders,
        **texts.notice("task_cancelled", title=task.title),
        url=task.get_absolute_url(),
    )
    return task


@transaction.atomic
def task_expire(*, task: Task) -> Task:
    """Expire an open task (the system acts); its pending bids are rejected."""
    task = _locked_task(task.pk)
    old = task.move("expire", None)
    bidders = _reject_pending_bids(task)
    _event(task, None, Kind.EXPIRED, old)
    notify(
        recipients=[task.customer],
        **texts.notice("task_expired", title=task.title),
        url=task.get_absolute_url(),
    )
    notify(
        recipients=bidders,
        **texts.notice("task_expired_for_bidder", title=task.title),
        url=task.get_absolute_url(),
    )
    return task
