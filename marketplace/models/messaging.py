from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .moderation import Moderated
from .tasks import Task


class ConversationQuerySet(models.QuerySet):
    def of(self, user):
        """The conversations `user` takes part in, on either side."""
        return self.filter(Q(user_a=user) | Q(user_b=user))


class Conversation(models.Model):
    """Two people talking, optionally about one task. `user_a` has the lower id."""

    user_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="conversations"
    )
    a_read_at = models.DateTimeField(null=True, blank=True)
    b_read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user_a__lt=models.F("user_b")), name="conversation_users_ordered"
            ),
            models.UniqueConstraint(
                fields=["user_a", "user_b", "task"],
                name="conversation_one_per_pair_and_task",
            ),
            models.UniqueConstraint(
                fields=["user_a", "user_b"],
                condition=Q(task__isnull=True),
                name="conversation_one_per_pair_without_task",
            ),
        ]
        indexes = [
            models.Index(fields=["user_a", "-last_message_at"], name="conversation_a_last"),
            models.Index(fields=["user_b", "-last_message_at"], name="conversation_b_last"),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("marketplace:conversation_detail", args=[self.pk])

    def other(self, user):
        return self.user_b if user.pk == self.user_a_id else self.user_a


class Message(Moderated):
    OWNER_FIELD = "sender"

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="messages",
        db_index=False,
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_conv_created")]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return f"{self.conversation.get_absolute_url()}#message-{self.pk}"

    def moderated_task(self):
        return self.conversation.task


class Notification(models.Model):
    class Kind(models.TextChoices):
        BID_PLACED = "bid_placed", "A new bid on my task"
        BID_CHANGED = "bid_changed", "A bid on my task edited or withdrawn"
        BID_ACCEPTED = "bid_accepted", "My bid accepted"
        BID_REJECTED = "bid_rejected", "My bid not chosen"
        TASK_CHANGED = "task_changed", "A task I bid on edited, cancelled or expired"
        AGREEMENT_DELIVERED = "agreement_delivered", "Work marked as delivered"
        AGREEMENT_COMPLETED = "agreement_completed", "Agreement completed"
        AGREEMENT_CANCELLED = "agreement_cancelled", "Agreement cancelled"
        REVIEW_PUBLISHED = "review_published", "A review of me published"
        MESSAGE = "message", "A new message"
        QUESTION = "question", "A question on my task"
        ANSWER = "answer", "An answer on a task I asked about or bid on"
        MODERATION = "moderation", "Moderation of my content"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    is_read = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread count, and the list of notifications newest first.
            models.Index(
                fields=["recipient", "is_read", "-created_at"], name="notification_recipient"
            ),
            models.Index(
                fields=["recipient", "created_at", "id"], name="notification_recipient_new"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.url
