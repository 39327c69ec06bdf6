"""Read queries shared by several views."""

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User

from .models import Agreement, Bid, Message, Report, Review, Task


def _count(queryset, group_by: str):
    return Coalesce(
        Subquery(queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")),
        Value(0),
        output_field=IntegerField(),
    )


def reputation(user_ref: str = "pk") -> dict:
    """Annotations for the user at `user_ref`: rating, reviews, agreements, tasks.

    One subquery each, so a list of 1 or 100 rows costs the same number of queries.
    """
    reviews = Review.objects.visible().filter(subject=OuterRef(user_ref))
    as_tasker = Agreement.objects.filter(tasker=OuterRef(user_ref))
    return {
        "rating_avg": Subquery(
            reviews.order_by().values("subject").annotate(a=Avg("rating")).values("a")
        ),
        "review_count": _count(reviews, "subject"),
        "completed_count": _count(as_tasker.filter(status=Agreement.Status.COMPLETED), "tasker"),
        "cancelled_count": _count(as_tasker.filter(status=Agreement.Status.CANCELLED), "tasker"),
        "tasks_posted": _count(Task.objects.filter(customer=OuterRef(user_ref)), "customer"),
    }


def completion_rate(completed: int, cancelled: int) -> int | None:
    """Percentage of a tasker's finished agreements that were completed, not cancelled."""
    finished = completed + cancelled
    return round(100 * completed / finished) if finished else None


def user_with_reputation(username: str):
    return User.objects.filter(is_active=True, username=username).annotate(**reputation())


def needs_action_q(user) -> Q:
    """Agreements waiting on `user`: the tasker to deliver, the customer to confirm."""
    return Q(tasker=user, status=Agreement.Status.ACTIVE) | Q(
        customer=user, status=Agreement.Status.DELIVERED
    )


def reportable(kind: str, user):
    """What `user` may report of this kind: things they can see and did not write."""
    querysets = {
        Report.Kind.TASK: lambda: Task.objects.visible_to(user).exclude(customer=user),
        Report.Kind.BID: lambda: Bid.objects.filter(task__customer=user),
        Report.Kind.REVIEW: lambda: Review.objects.visible().exclude(author=user),
        Report.Kind.MESSAGE: lambda: Message.objects.filter(
            Q(conversation__user_a=user) | Q(conversation__user_b=user)
        ).exclude(sender=user),
        Report.Kind.USER: lambda: User.objects.filter(is_active=True).exclude(pk=user.pk),
    }
    return querysets[kind]()
