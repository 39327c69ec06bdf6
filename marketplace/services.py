"""Every state-changing business action: one function each, one transaction each.

Services re-read what they change inside the transaction (locking the task row on
PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), check the transition
table, write a TaskEvent and notify whoever is concerned.
"""

from collections.abc import Callable
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.emails import account_email
from accounts.models import User

from .emails import absolute_url
from .models import (
    Agreement,
    Bid,
    BidRevision,
    Conversation,
    FormSubmission,
    Message,
    Moderated,
    Report,
    Review,
    Task,
    TaskEvent,
)
from .models import Notification as N
from .notifications import notify
from .states import DomainError

Kind = TaskEvent.Kind


class AlreadySubmitted(Exception):
    """The same rendered form was submitted before; `url` shows what it made."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@transaction.atomic
def submit_once[Made](
    *, token: UUID | None, by: User, create: Callable[[], Made], url_of: Callable[[Made], str]
) -> Made:
    """Run `create` for a form submitted with `token`, unless that form was submitted before.

    The token is claimed in the same transaction as what `create` makes, so a refusal
    frees it again. Of two submissions at once, the second waits on the unique constraint
    (PostgreSQL) or for the write lock (SQLite's IMMEDIATE transactions), then finds the
    first one's row and raises AlreadySubmitted with where its result is. Without a token
    (a client that did not render our form) `create` just runs.
    """
    if token is None:
        return create()
    try:
        with transaction.atomic():
            submission = FormSubmission.objects.create(user=by, token=token)
    except IntegrityError:
        earlier = FormSubmission.objects.filter(user=by, token=token).first()
        raise AlreadySubmitted(earlier.url if earlier else "") from None
    made = create()
    submission.url = url_of(made)[:300]
    submission.save(update_fields=["url"])
    return made


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
    task.save()
    if task.reposted_from_id:
        _event(task, by, Kind.REPOSTED, note=f"Reposted from task #{task.reposted_from_id}.")
    else:
        _event(task, by, Kind.POSTED)
    return task


@transaction.atomic
def task_edit(*, task: Task, by: User, changed: list[str]) -> Task:
    """Save the edits of an open task and tell its bidders what changed.

    Only the changed fields are written: the rest of `task` may be stale (a moderator may
    have hidden it since the form was loaded).
    """
    _locked_task(task.pk).require("edit", by)
    task.save(update_fields=[*changed, "updated_at"])
    what = ", ".join(str(Task._meta.get_field(name).verbose_name) for name in changed) or "nothing"
    _event(task, by, Kind.EDITED, note=f"Changed: {what}.")
    notify(
        recipients=_pending_bidders(task) if changed else [],  # a no-op save tells nobody
        kind=N.Kind.TASK_CHANGED,
        text=f"“{task.title}”, which you bid on, was edited ({what}). Check your bid still fits.",
        url=task.get_absolute_url(),
    )
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
        kind=N.Kind.TASK_CHANGED,
        text=f"“{task.title}”, which you bid on, was cancelled by the customer.",
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
        kind=N.Kind.TASK_CHANGED,
        text=f"“{task.title}” expired without an accepted bid. You can repost it.",
        url=task.get_absolute_url(),
    )
    notify(
        recipients=bidders,
        kind=N.Kind.TASK_CHANGED,
        text=f"“{task.title}”, which you bid on, expired.",
        url=task.get_absolute_url(),
    )
    return task


# --- Bids ---


@transaction.atomic
def bid_place(
    *, task: Task, by: User, amount: Decimal, message: str, estimated_hours: Decimal | None
) -> Bid:
    """Place `by`'s bid on an open task that is not theirs."""
    task = _locked_task(task.pk)
    if by.pk == task.customer_id:
        raise DomainError("You cannot bid on your own task.")
    if not by.is_tasker:
        raise DomainError(
            "Only taskers can bid. Switch your role to tasker or both in your profile."
        )
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
        kind=N.Kind.BID_PLACED,
        text=f"{by.name} bid £{amount:.2f} on “{task.title}”.",
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
        kind=N.Kind.BID_CHANGED,
        text=f"{by.name} revised their bid on “{task.title}” to £{amount:.2f}.",
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
        kind=N.Kind.BID_CHANGED,
        text=f"{by.name} withdrew their bid on “{task.title}”.",
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
    _event(task, by, Kind.BID_ACCEPTED, old, note=f"{bid.tasker.name}'s bid accepted.")
    notify(
        recipients=[bid.tasker],
        kind=N.Kind.BID_ACCEPTED,
        text=f"Your bid of £{bid.amount:.2f} on “{task.title}” was accepted. Time to get to work!",
        url=agreement.get_absolute_url(),
    )
    notify(
        recipients=rejected,
        kind=N.Kind.BID_REJECTED,
        text=f"Another tasker was chosen for “{task.title}”. Thanks for bidding.",
        url=task.get_absolute_url(),
    )
    return agreement


# --- Agreements ---


def _locked_agreement(pk: int) -> Agreement:
    """Re-read the agreement, locking its row only.

    A plain FOR UPDATE would also lock every row it joins: the task and both users. Two
    people who are customer and tasker to each other would then deadlock on PostgreSQL (a
    confirmation holding its parties' rows, a bid waiting to reference its tasker's).
    The task is locked later by its own conditional update.
    """
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("task", "customer", "tasker")
        .get(pk=pk)
    )


@transaction.atomic
def agreement_deliver(*, agreement: Agreement, by: User) -> Agreement:
    """The tasker says the work is done."""
    agreement = _locked_agreement(agreement.pk)
    old = agreement.move("deliver", by, delivered_at=timezone.now())
    _event(agreement.task, by, Kind.DELIVERED, old, new=agreement.status)
    notify(
        recipients=[agreement.customer],
        kind=N.Kind.AGREEMENT_DELIVERED,
        text=f"{by.name} marked “{agreement.title}” as delivered. Please confirm completion.",
        url=agreement.get_absolute_url(),
    )
    return agreement


@transaction.atomic
def agreement_confirm(*, agreement: Agreement, by: User) -> Agreement:
    """The customer confirms the delivered work; agreement and task complete."""
    agreement = _locked_agreement(agreement.pk)
    agreement.move("confirm", by, completed_at=timezone.now())
    old = agreement.task.move("complete", None)
    _event(agreement.task, by, Kind.COMPLETED, old)
    notify(
        recipients=[agreement.tasker],
        kind=N.Kind.AGREEMENT_COMPLETED,
        text=f"{by.name} confirmed “{agreement.title}” is complete. You can now review each other.",
        url=agreement.get_absolute_url(),
    )
    return agreement


@transaction.atomic
def agreement_cancel(*, agreement: Agreement, by: User, reason: str) -> Agreement:
    """Either party cancels, with a reason; the task is cancelled too."""
    if not reason.strip():
        raise DomainError("Please say why you are cancelling.")
    agreement = _locked_agreement(agreement.pk)
    agreement.move(
        "cancel", by, cancelled_at=timezone.now(), cancelled_by=by, cancellation_reason=reason
    )
    old = agreement.task.move("cancel_assigned", None)
    # The task's timeline is public: the reason stays on the agreement, for its parties.
    _event(agreement.task, by, Kind.AGREEMENT_CANCELLED, old)
    notify(
        recipients=[agreement.counterpart(by)],
        kind=N.Kind.AGREEMENT_CANCELLED,
        text=f"{by.name} cancelled the agreement for “{agreement.title}”: {reason}",
        url=agreement.get_absolute_url(),
    )
    return agreement


# --- Reviews ---


@transaction.atomic
def review_create(*, agreement: Agreement, by: User, rating: int, comment: str) -> Review:
    """Review the other party of a completed agreement, once.

    The review stays hidden until the other side has reviewed too (then both are
    published together) or the blind period ends, so nobody reviews in retaliation.
    """
    agreement = _locked_agreement(agreement.pk)
    agreement.require("review", by)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                agreement=agreement,
                author=by,
                subject=agreement.counterpart(by),
                rating=rating,
                comment=comment,
            )
    except IntegrityError as error:
        raise DomainError("You have already reviewed this agreement.") from error
    _event(agreement.task, by, Kind.REVIEWED, note=f"{by.name} reviewed {review.subject.name}.")
    reviews = list(agreement.reviews.select_related("author", "subject"))
    if len(reviews) == 2:
        now = timezone.now()
        agreement.reviews.update(published_at=now)
        review.published_at = now
        for published in reviews:
            notify(
                recipients=[published.subject],
                kind=N.Kind.REVIEW_PUBLISHED,
                text=f"{published.author.name} reviewed you for “{agreement.title}”: "
                f"{published.rating}★.",
                url=published.subject.get_absolute_url(),
            )
    return review


# --- Moderation ---


@transaction.atomic
def content_hide(*, obj: Moderated, by: User, reason: str) -> None:
    """Hide a task, review or message from everyone but its author and staff."""
    _set_hidden(obj, by, hidden=True, reason=reason)


@transaction.atomic
def content_unhide(*, obj: Moderated, by: User) -> None:
    """Show hidden content again."""
    _set_hidden(obj, by, hidden=False, reason="")


def _set_hidden(obj, by: User, *, hidden: bool, reason: str) -> None:
    if hidden and not reason.strip():
        raise DomainError("Say why the content is hidden; its author will see the reason.")
    if obj.is_hidden == hidden:
        return
    type(obj).objects.filter(pk=obj.pk).update(is_hidden=hidden, hidden_reason=reason)
    obj.is_hidden, obj.hidden_reason = hidden, reason
    what = obj._meta.verbose_name
    if task := obj.moderated_task():
        _event(task, by, Kind.HIDDEN if hidden else Kind.UNHIDDEN, note=f"{what}: {reason}")
    notify(
        recipients=[obj.owner()],
        kind=N.Kind.MODERATION,
        text=(
            f"A moderator hid your {what}: {reason}"
            if hidden
            else f"A moderator made your {what} visible again."
        ),
        url=obj.get_absolute_url(),
    )


def _require_rank_over(user: User, by: User) -> None:
    """Moderators act on members; only a superuser acts on staff (moderators included)."""
    if (user.is_staff or user.is_superuser) and not by.is_superuser:
        raise DomainError("Only a superuser can do that to a staff member.")


@transaction.atomic
def user_suspend(*, user: User, by: User, reason: str) -> None:
    """Suspend an account for `reason`: it is signed out on its next request and cannot
    sign in; its owner is emailed the reason and how to appeal.

    Its open tasks disappear from public pages (TaskQuerySet.public checks is_active).
    """
    _require_rank_over(user, by)
    if user.pk == by.pk:
        raise DomainError("You cannot suspend yourself.")
    if not reason.strip():
        raise DomainError("Give the reason for the suspension: the user is told it.")
    fields = {
        "is_active": False,
        "suspension_reason": reason,
        "suspended_at": timezone.now(),
        "suspended_by": by,
    }
    User.objects.filter(pk=user.pk).update(**fields)
    for name, value in fields.items():
        setattr(user, name, value)
    account_email(
        "account_suspended",
        to=user.email,
        name=user.name,
        username=user.username,
        reason=reason,
        support_email=settings.SUPPORT_EMAIL,
    )


@transaction.atomic
def user_reinstate(*, user: User, by: User) -> None:
    """Lift a suspension, and tell the user. A deleted account stays closed."""
    _require_rank_over(user, by)
    if user.is_deleted:
        raise DomainError("A deleted account cannot be reinstated.")
    was_suspended = not user.is_active
    fields = {
        "is_active": True,
        "suspension_reason": "",
        "suspended_at": None,
        "suspended_by": None,
    }
    User.objects.filter(pk=user.pk).update(**fields)
    for name, value in fields.items():
        setattr(user, name, value)
    if was_suspended:
        account_email(
            "account_reinstated",
            to=user.email,
            name=user.name,
            username=user.username,
            login_url=absolute_url(reverse("accounts:login")),
        )


@transaction.atomic
def report_create(
    *, reporter: User, kind: str, object_id: int, reason: str, details: str
) -> Report:
    """File a report; one open report per reporter per object."""
    if Report.objects.filter(
        reporter=reporter, kind=kind, object_id=object_id, status=Report.Status.OPEN
    ).exists():
        raise DomainError("You have already reported this; a moderator will look at it.")
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, kind=kind, object_id=object_id, reason=reason, details=details
            )
    except IntegrityError as error:
        raise DomainError("You have already reported this; a moderator will look at it.") from error


@transaction.atomic
def report_close(*, report: Report, by: User, status: str, note: str) -> Report:
    """Resolve or dismiss an open report with a note."""
    if status not in (Report.Status.RESOLVED, Report.Status.DISMISSED):
        raise DomainError("A report is closed as resolved or dismissed.")
    updated = Report.objects.filter(pk=report.pk, status=Report.Status.OPEN).update(
        status=status, resolution_note=note, resolved_by=by, resolved_at=timezone.now()
    )
    if updated != 1:
        raise DomainError("This report was already closed.")
    report.refresh_from_db()
    return report


# --- Messages ---

# The model says how long a message may be; the service enforces it for every caller.
MESSAGE_MAX_LENGTH = Message._meta.get_field("body").max_length


def _message_recipient(task: Task, by: User) -> User:
    """Return whom `by` may write to about `task`, or raise DomainError saying why not.

    The two parties of an agreement may always write to each other; anyone else may
    write to the customer of an open task.
    """
    agreement = Agreement.objects.filter(task=task).select_related("customer", "tasker").first()
    if agreement is not None and by.pk in (agreement.customer_id, agreement.tasker_id):
        return agreement.counterpart(by)
    if by.pk == task.customer_id:
        raise DomainError("This is your own task: you cannot send yourself a message.")
    if task.is_hidden:
        raise DomainError("A moderator has hidden this task, so you cannot ask about it.")
    if task.is_hidden:
        raise DomainError("A moderator has hidden this task, so you cannot ask about it.")
    if task.status != Task.Status.OPEN:
        raise DomainError("You can only ask the customer about a task while it is open.")
    return task.customer


DELETED_RECIPIENT = "This account has been deleted, so you cannot write to it."


def _require_reachable(recipient: User) -> None:
    """Refuse to write to a suspended or deleted account."""
    if recipient.is_deleted:
        raise DomainError(DELETED_RECIPIENT)
    if not recipient.is_active:
        raise DomainError(f"{recipient.name}'s account is suspended, so you cannot write to them.")


@transaction.atomic
def conversation_start(*, task: Task, by: User) -> Conversation:
    """Return the conversation between `by` and whom they may write to about `task`.

    The same two people and task always share one conversation.
    """
    if not by.is_active:
        raise DomainError("Your account is suspended, so you cannot send messages.")
    task = Task.objects.select_related("customer").get(pk=task.pk)
    other = _message_recipient(task, by)
    _require_reachable(other)
    low, high = sorted([by, other], key=lambda user: user.pk)
    conversation, _ = Conversation.objects.get_or_create(user_a=low, user_b=high, task=task)
    return conversation


@transaction.atomic
def message_send(*, conversation: Conversation, by: User, body: str) -> Message:
    """Send `by`'s message in a conversation they take part in; tell the other person.

    While the recipient still has an unread notification for this conversation, no new
    one is written (nor emailed): one nudge per conversation until they look.
    """
    if by.pk not in (conversation.user_a_id, conversation.user_b_id):
        raise DomainError("You are not part of this conversation.")
    if not by.is_active:
        raise DomainError("Your account is suspended, so you cannot send messages.")
    body = body.strip()
    if not body:
        raise DomainError("Write a message before sending it.")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise DomainError(f"Keep your message to {MESSAGE_MAX_LENGTH:,} characters.")
    conversation = Conversation.objects.select_related("user_a", "user_b", "task").get(
        pk=conversation.pk
    )
    recipient = conversation.other(by)
    if recipient.is_deleted:
        raise DomainError(DELETED_RECIPIENT)
    message = Message.objects.create(conversation=conversation, sender=by, body=body)
    # The sender has seen the conversation up to their own message.
    marker = "a_read_at" if by.pk == conversation.user_a_id else "b_read_at"
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=message.created_at, **{marker: message.created_at}
    )
    url = conversation.get_absolute_url()
    already_nudged = N.objects.filter(
        recipient=recipient, kind=N.Kind.MESSAGE, url=url, is_read=False
    ).exists()
    if not already_nudged:
        about = f" about “{conversation.task.title}”" if conversation.task else ""
        notify(
            recipients=[recipient],
            kind=N.Kind.MESSAGE,
            text=f"{by.name} sent you a message{about}.",
            url=url,
        )
    return message


def conversation_mark_read(*, conversation: Conversation, by: User) -> None:
    """Move `by`'s read marker to now and clear their notifications for this conversation.

    Nothing is written when nothing arrived since `by` last read it, so reading an
    unchanged conversation takes no write lock. Not one transaction: on SQLite that would
    take the write lock (BEGIN IMMEDIATE) before knowing there is anything to write, and
    the two updates are independent and idempotent (if the second failed, the next visit
    would clear the notification).
    """
    marker = "a_read_at" if by.pk == conversation.user_a_id else "b_read_at"
    read_at = getattr(conversation, marker)
    if read_at is not None and read_at >= conversation.last_message_at:
        return
    Conversation.objects.filter(pk=conversation.pk).update(**{marker: timezone.now()})
    N.objects.filter(
        recipient=by, kind=N.Kind.MESSAGE, url=conversation.get_absolute_url(), is_read=False
    ).update(is_read=True)
