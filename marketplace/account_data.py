"""The marketplace's part of an account: its rows in the data export, and what happens to
them when the account is deleted. Registered with `accounts.registry` in apps.py."""

from django.db.models import BooleanField, Case, Q, Value, When
from django.db.models.functions import Replace

from accounts.data import name_of
from accounts.models import DELETED_NAME, User
from accounts.registry import AccountData, AccountDeletionRefused, Rows
from tasker.listing import listing_changed

from . import services
from .models import (
    Agreement,
    Bid,
    BidRevision,
    Conversation,
    Message,
    Notification,
    Question,
    Report,
    Review,
    Task,
    TaskEvent,
    TaskPhoto,
)
from .states import DomainError

IN_PROGRESS = [Agreement.Status.ACTIVE, Agreement.Status.DELIVERED]


def _is(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def export(user: User) -> dict[str, Rows]:
    """Return the user's marketplace rows: one query per section, whatever their number.

    Other people appear by the name the site shows them under, never by their email. Only
    what the user can see on the site is here: messages in their own conversations (theirs,
    and the other person's unless a moderator hid it), reviews of them once published.
    """
    conversations = Conversation.objects.of(user)
    sections = {
        "tasks": Task.objects.filter(customer=user).values(
            "id",
            "title",
            "description",
            "category__name",
            "budget",
            "city",
            "postcode",
            "is_remote",
            "due_date",
            "status",
            "is_hidden",
            "hidden_reason",
            "reposted_from_id",
            "created_at",
            "updated_at",
        ),
        # The files themselves are on the task pages; here what the site holds about them.
        "task_photos": TaskPhoto.objects.filter(task__customer=user).values(
            "id", "task_id", "description", "position", "image", "is_hidden", "created_at"
        ),
        "bids": Bid.objects.filter(tasker=user).values(
            "id",
            "task_id",
            "task__title",
            "amount",
            "message",
            "estimated_hours",
            "status",
            "created_at",
            "updated_at",
        ),
        "bid_revisions": BidRevision.objects.filter(bid__tasker=user).values(
            "bid_id", "old_amount", "new_amount", "old_message", "created_at"
        ),
        "agreements": Agreement.objects.of(user)
        .annotate(
            customer_name=name_of("customer"),
            tasker_name=name_of("tasker"),
            cancelled_by_name=name_of("cancelled_by"),
        )
        .values(
            "id",
            "task_id",
            "title",
            "description",
            "price",
            "status",
            "customer_name",
            "tasker_name",
            "created_at",
            "delivered_at",
            "completed_at",
            "cancelled_at",
            "cancelled_by_name",
            "cancellation_reason",
        ),
        "reviews_written": Review.objects.filter(author=user)
        .annotate(subject_name=name_of("subject"))
        .values(
            "id",
            "agreement_id",
            "subject_name",
            "rating",
            "comment",
            "created_at",
            "published_at",
            "is_hidden",
            "hidden_reason",
        ),
        "reviews_received": Review.objects.visible()
        .filter(subject=user)
        .annotate(author_name=name_of("author"))
        .values("id", "agreement_id", "author_name", "rating", "comment", "created_at"),
        "conversations": conversations.annotate(
            with_name=Case(When(user_a=user, then=name_of("user_b")), default=name_of("user_a"))
        ).values("id", "with_name", "task_id", "created_at", "last_message_at"),
        "messages": Message.objects.filter(conversation__in=conversations)
        .filter(Q(sender=user) | Q(is_hidden=False))
        .annotate(sender_name=name_of("sender"), from_you=_is(Q(sender=user)))
        .values(
            "id",
            "conversation_id",
            "sender_name",
            "from_you",
            "body",
            "created_at",
            "is_hidden",
            "hidden_reason",
        ),
        "questions_asked": Question.objects.filter(asker=user).values(
            "id",
            "task_id",
            "task__title",
            "text",
            "answer",
            "answered_at",
            "created_at",
            "is_hidden",
            "hidden_reason",
        ),
        "answers_given": Question.objects.filter(task__customer=user, answered_at__isnull=False)
        .annotate(asker_name=name_of("asker"))
        .values("id", "task_id", "asker_name", "text", "answer", "answered_at", "created_at"),
        "notifications": Notification.objects.filter(recipient=user).values(
            "kind", "text", "url", "is_read", "created_at"
        ),
        # The moderators' notes are their working papers, not part of the report.
        "reports_made": Report.objects.filter(reporter=user).values(
            "id", "kind", "object_id", "reason", "details", "status", "created_at", "resolved_at"
        ),
        "task_timeline_entries": TaskEvent.objects.filter(actor=user).values(
            "task_id", "kind", "from_status", "to_status", "note", "created_at"
        ),
    }
    return {name: list(rows.order_by("created_at", "pk")) for name, rows in sections.items()}


def deletion_refusal(user: User) -> str | None:
    """Refuse while an agreement is in progress: the other party relies on it."""
    titles = list(
        Agreement.objects.of(user)
        .filter(status__in=IN_PROGRESS)
        .order_by("created_at")
        .values_list("title", flat=True)[:4]
    )
    if not titles:
        return None
    listed = ", ".join(f"“{title}”" for title in titles[:3]) + (
        " and more" if len(titles) > 3 else ""
    )
    if len(titles) == 1:
        what, who, them = "an agreement", "The other person relies", "it"
    else:
        what, who, them = "agreements", "The people you agreed with rely", "them"
    return (
        f"You have {what} in progress ({listed}). {who} on {them}: finish or cancel "
        f"{them} from your dashboard first, then delete your account."
    )


def on_delete(user: User, former_name: str) -> None:
    """Cancel the user's open tasks and withdraw their pending bids, each through its usual
    service (timeline entry, notices to the other side); drop their own notifications, and
    take their name out of the timelines of their agreements."""
    try:
        for task in Task.objects.filter(customer=user, status=Task.Status.OPEN):
            services.task_cancel(task=task, by=user)
        for bid in Bid.objects.filter(tasker=user, status=Bid.Status.PENDING):
            services.bid_withdraw(bid=bid, by=user)
    except DomainError as error:
        # A bid was accepted or a task changed a moment ago: start again from the top.
        raise AccountDeletionRefused(
            f"Something changed while your account was being deleted ({error}) "
            "Nothing was deleted: please look at your dashboard and try again."
        ) from error
    Notification.objects.filter(recipient=user).delete()
    # The photos of tasks that never became an agreement go, files and all (the post_delete
    # signal); an agreement keeps its task's photos as the other party agreed to them.
    TaskPhoto.objects.filter(task__customer=user, task__agreement__isnull=True).delete()
    _forget_name_in_timelines(user, former_name)


def _forget_name_in_timelines(user: User, former_name: str) -> None:
    """Rewrite the two timeline notes that name the parties (services.bid_accept and
    services.review_create) on the user's agreements, as if written under "Deleted user"."""
    events = TaskEvent.objects.filter(task__agreement__in=Agreement.objects.of(user))
    events.filter(kind=TaskEvent.Kind.BID_ACCEPTED, task__agreement__tasker=user).update(
        note=f"{DELETED_NAME}'s bid accepted."
    )
    note = Replace("note", Value(f"{former_name} reviewed "), Value(f"{DELETED_NAME} reviewed "))
    events.filter(kind=TaskEvent.Kind.REVIEWED, actor=user).update(note=note)
    note = Replace("note", Value(f" reviewed {former_name}."), Value(f" reviewed {DELETED_NAME}."))
    events.filter(kind=TaskEvent.Kind.REVIEWED).exclude(actor=user).update(note=note)
    listing_changed()  # bulk updates send no post_save


PART = AccountData(
    app_label="marketplace", export=export, deletion_refusal=deletion_refusal, on_delete=on_delete
)
