from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..states import Party, StatefulModel, transition
from .tasks import Task, amount_validators


class BidQuerySet(models.QuerySet):
    def live(self):
        """Bids still in play: pending or accepted (not withdrawn, not rejected)."""
        return self.filter(status__in=Bid.LIVE_STATUSES)

    def pending(self):
        return self.filter(status=Bid.Status.PENDING)


class Bid(StatefulModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Not chosen"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # A live bid is one still in play; the only definition, used by every count and list.
    LIVE_STATUSES = [Status.PENDING, Status.ACCEPTED]
    # The tasker may still withdraw a bid on a hidden task.
    HELD_WHILE_HIDDEN = frozenset({"edit", "accept"})
    TRANSITIONS = {
        "edit": transition(Status.PENDING, None, Party.TASKER, "Edit this bid"),
        "withdraw": transition(Status.PENDING, Status.WITHDRAWN, Party.TASKER, "Withdraw this bid"),
        "accept": transition(Status.PENDING, Status.ACCEPTED, Party.CUSTOMER, "Accept this bid"),
        "reject": transition(Status.PENDING, Status.REJECTED, Party.SYSTEM, "Reject this bid"),
    }

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="bids", db_index=False)
    tasker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bids",
        db_index=False,
    )
    amount = models.DecimalField(
        max_digits=9, decimal_places=2, validators=amount_validators, help_text="In pounds."
    )
    message = models.TextField(max_length=2000)
    estimated_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("1000"))],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BidQuerySet.as_manager()

    class Meta:
        ordering = ["amount", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bid_amount_positive"),
            models.UniqueConstraint(
                fields=["task", "tasker"],
                condition=Q(status__in=["pending", "accepted"]),
                name="bid_one_live_per_tasker_per_task",
                violation_error_message="You already have a live bid on this task.",
            ),
        ]
        indexes = [
            models.Index(fields=["task", "status"], name="bid_task_status"),
            models.Index(fields=["tasker", "status"], name="bid_tasker_status"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} on {self.task}"

    def get_absolute_url(self) -> str:
        return f"{self.task.get_absolute_url()}#bid-{self.pk}"

    def parties(self, user) -> set[str]:
        roles = set()
        if user.is_authenticated and user.is_active:
            if user.pk == self.tasker_id:
                roles.add(Party.TASKER)
            if user.pk == self.task.customer_id:
                roles.add(Party.CUSTOMER)
        return roles

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    def on_hold(self) -> bool:
        return self.task.is_hidden

    def refusal(self, action: str, user) -> str | None:
        # A bid can only change while its task is open.
        if self.task.status != Task.Status.OPEN and action != "reject":
            return "This task is no longer open, so its bids cannot change."
        return super().refusal(action, user)


class BidRevision(models.Model):
    """A bid's terms before one edit, so every revision stays on record."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="revisions")
    old_amount = models.DecimalField(max_digits=9, decimal_places=2)
    new_amount = models.DecimalField(max_digits=9, decimal_places=2)
    old_message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"revised from £{self.old_amount} to £{self.new_amount}"
