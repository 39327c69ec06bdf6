from decimal import Decimal

from django.db import IntegrityError, transaction

from accounts.models import User

from .. import texts
from ..models import (
    Agreement,
    Bid,
    BidRevision,
    Task,
)
from ..notifications import notify
from ..states import DomainError
from .tasks import Kind, _event, _locked_task, _reject_pending_bids


@transaction.atomic
def bid_place(
    *, task: Task, by: User, amount: Decimal, message: str, estimated_hours: Decimal | None
) -> Bid:
    """Place `by`'s bid on an open task that is not theirs."""
    task = _locked_task(task.pk)
    task.require("bid", by)
    if task.bids.live().filter(tasker=by).exists():
        raise DomainError("You already have a bid on this task. Edit it instead.")
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                task=task,
                tasker=by,
                amount=amount,
                message=message,
                estimated_hours=estimated_hours,
            )
    except IntegrityError as error:
        raise DomainError("You already have a bid on this task. Edit it instead.") from error
    _event(task, by, Kind.BID_PLACED)
    notify(
        recipients=[task.customer],
        **texts.notice("bid_placed", name=by.name, amount=amount, title=task.title),
        url=task.get_absolute_url(),
    )
    return bid


@transaction.atomic
def bid_edit(
    *, bid: Bid, by: User, amount: Decimal, message: str, estimated_hours: Decimal | None
) -> Bid:
    """Revise a pending bid, keeping its previous terms on record."""
    task = _locked_task(bid.task_id)
    current = Bid.objects.get(pk=bid.pk)
    current.task = task
    current.require("edit", by)
    BidRevision.objects.create(
        bid=current, old_amount=current.amount, new_amount=amount, old_message=current.message
    )
    current.amount, current.message, current.estimated_hours = amount, message, estimated_hours
    current.save(update_fields=["amount", "message", "estimated_hours", "updated_at"])
    _event(task, by, Kind.BID_EDITED)
    notify(
        recipients=[task.customer],
        **texts.notice("bid_edited", name=by.name, amount=amount, title=task.title),
        url=task.get_absolute_url(),
    )
    return current


@transaction.atomic
def bid_withdraw(*, bid: Bid, by: User) -> Bid:
    """Withdraw a pending bid."""
    task = _locked_task(bid.task_id)
    bid = Bid.objects.get(pk=bid.pk)
    bid.task = task
    old = bid.move("withdraw", by)
    _event(task, by, Kind.BID_WITHDRAWN, old, new=bid.status)
    notify(
        recipients=[task.customer],
        **texts.notice("bid_withdrawn", name=by.name, title=task.title),
        url=task.get_absolute_url(),
    )
    return bid


@transaction.atomic
def bid_accept(*, bid: Bid, by: User) -> Agreement:
    """Accept a bid: the task is assigned, the other bids rejected, an agreement made.

    The task moves first, with a conditional update: of simultaneous accepts only one
    changes the row, and the others stop there with a clear message. Taking the task row
    first also orders the locks (task, then bids), so PostgreSQL cannot deadlock.
    """
    bid = Bid.objects.select_related("task", "task__customer", "tasker").get(pk=bid.pk)
    task = bid.task
    bid_rule = bid.require("accept", by)
    task_rule = task.require("accept", by)
    try:
        old = task.apply(task_rule)
    except DomainError as error:
        raise DomainError("Another bid was accepted on this task a moment ago.") from error
    bid.apply(bid_rule)
    rejected = _reject_pending_bids(task)
    agreement = Agreement.objects.create(
        task=task,
        bid=bid,
        customer=task.customer,
        tasker=bid.tasker,
        title=task.title,
        description=task.description,
        price=bid.amount,
    )
    _event(
        task, by, Kind.BID_ACCEPTED, old, note=texts.note(Kind.BID_ACCEPTED, name=bid.tasker.name)
    )
    notify(
        recipients=[bid.tasker],
        **texts.notice("bid_accepted", amount=bid.amount, title=task.title),
        url=agreement.get_absolute_url(),
    )
    notify(
        recipients=rejected,
        **texts.notice("bid_rejected", title=task.title),
        url=task.get_absolute_url(),
    )
    return agreement
