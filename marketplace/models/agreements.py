from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tasker.validators import single_line

from ..states import Party, StatefulModel, transition
from .bids import Bid
from .tasks import Task

REVIEW_BLIND_DAYS = 14


class AgreementQuerySet(models.QuerySet):
    def of(self, user):
        """The agreements `user` is a party to, as customer or tasker."""
        return self.filter(Q(customer=user) | Q(tasker=user))


class Agreement(StatefulModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        DELIVERED = "delivered", "Delivered"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    PARTIES = [Party.CUSTOMER, Party.TASKER]
    TRANSITIONS = {
        "deliver": transition(Status.ACTIVE, Status.DELIVERED, Party.TASKER, "Mark as delivered"),
        "confirm": transition(
            Status.DELIVERED, Status.COMPLETED, Party.CUSTOMER, "Confirm completion"
        ),
        "cancel": transition(
            [Status.ACTIVE, Status.DELIVERED], Status.CANCELLED, PARTIES, "Cancel the agreement"
        ),
        "review": transition(Status.COMPLETED, None, PARTIES, "Review"),
    }
    # While its task is hidden, an agreement is on hold: either side may still cancel it,
    # and a completed one may still be reviewed.
    HELD_WHILE_HIDDEN = frozenset({"deliver", "confirm"})

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="agreement")
    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="agreement")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agreements_as_customer",
        db_index=False,
    )
    tasker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agreements_as_tasker",
        db_index=False,
    )
    # The terms as agreed: later edits of the task do not change them.
    title = models.CharField(max_length=120, validators=[single_line])
    description = models.TextField()
    price = models.DecimalField(max_digits=9, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancellation_reason = models.TextField(max_length=1000, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="agreement_price_positive"),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="agreement_customer_status"),
            models.Index(fields=["tasker", "status"], name="agreement_tasker_status"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (£{self.price})"

    def get_absolute_url(self) -> str:
        return reverse("marketplace:agreement_detail", args=[self.pk])

    def parties(self, user) -> set[str]:
        roles = set()
        if user.is_authenticated and user.is_active:
            if user.pk == self.customer_id:
                roles.add(Party.CUSTOMER)
            if user.pk == self.tasker_id:
                roles.add(Party.TASKER)
        return roles

    def refusal(self, action: str, user) -> str | None:
        reason = super().refusal(action, user)
        if reason or action != "review":
            return reason
        if timezone.now() > self.reviews_open_until:
            return f"Reviews can only be written within {REVIEW_BLIND_DAYS} days of completion."
        if any(review.author_id == user.pk for review in self.reviews.all()):
            return "You have already reviewed this agreement."
        return None

    def on_hold(self) -> bool:
        return self.task.is_hidden

    def counterpart(self, user):
        return self.tasker if user.pk == self.customer_id else self.customer

    def message_to(self, user):
        """The other party, if `user` is a party and may write to them here; else None."""
        if not self.parties(user):
            return None
        other = self.counterpart(user)
        return None if other.is_deleted else other

    def next_step(self, user) -> str:
        """The first of review, deliver and confirm the table offers `user`, or "on_hold"
        when a moderator's hold is what stands in the way."""
        steps = [a for a in ("review", "deliver", "confirm") if not self.table_refusal(a, user)]
        return steps[0] if steps else "on_hold"

    @property
    def reviews_open_until(self):
        return self.completed_at + timedelta(days=REVIEW_BLIND_DAYS) if self.completed_at else None
