from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tasker.validators import single_line


class Moderated(models.Model):
    """Content a moderator can hide; its author still sees it, with the reason."""

    OWNER_FIELD = ""  # the field holding the content's author

    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=200, blank=True, validators=[single_line])

    class Meta:
        abstract = True

    def owner(self):
        return getattr(self, self.OWNER_FIELD)

    def moderated_task(self):
        """The task whose timeline records moderation of this content, if any."""
        raise NotImplementedError

    def reportable_by(self, user) -> bool:
        """Whether the page offers `user` to report this: anyone signed in but its author."""
        return user.is_authenticated and getattr(self, f"{self.OWNER_FIELD}_id") != user.pk


class Report(models.Model):
    class Kind(models.TextChoices):
        TASK = "task", "Task"
        BID = "bid", "Bid"
        REVIEW = "review", "Review"
        MESSAGE = "message", "Message"
        QUESTION = "question", "Question"
        USER = "user", "User"
        PHOTO = "photo", "Photo"

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or harassing"
        FRAUD = "fraud", "Scam or fraud"
        INAPPROPRIATE = "inappropriate", "Inappropriate content"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution_note = models.TextField(max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "kind", "object_id"],
                condition=Q(status="open"),
                name="report_one_open_per_reporter_and_object",
                violation_error_message="You have already reported this; a moderator will look.",
            )
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="report_status_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id}: {self.get_reason_display()}"
