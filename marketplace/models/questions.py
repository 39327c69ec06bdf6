"""Public questions on a task: anyone signed in but the customer asks while the task is
open, everyone sees them, and the customer answers in place."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..states import Party, StatefulModel, transition
from .moderation import Moderated
from .tasks import Task

# How long the customer may still change an answer after first giving it; then it is fixed.
ANSWER_EDIT_WINDOW = timedelta(minutes=15)
QUESTION_MAX_LENGTH = 5000


class QuestionQuerySet(models.QuerySet):
    def shown_to(self, user):
        """The questions a task page shows `user`: those not hidden by a moderator, and
        their own hidden ones (with the reason). Staff find hidden ones in the admin."""
        if user.is_authenticated:
            return self.filter(Q(is_hidden=False) | Q(asker=user))
        return self.filter(is_hidden=False)


class Question(StatefulModel, Moderated):
    """A question asked in public on a task, and the customer's one answer to it.

    A question has no status of its own: it follows its task's, so it takes answers while
    the task is open and stays on the page, closed, after that.
    """

    OWNER_FIELD = "asker"
    ASKER = "asker"  # a party: whoever asked the question
    HELD_WHILE_HIDDEN = frozenset({"answer", "edit_answer"})
    TRANSITIONS = {
        "answer": transition(Task.Status.OPEN, None, Party.CUSTOMER, "Answer this question"),
        "edit_answer": transition(Task.Status.OPEN, None, Party.CUSTOMER, "Edit your answer"),
        "report": transition(
            list(Task.Status), None, [Party.CUSTOMER, Task.MEMBER], "Report this question"
        ),
    }

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="questions", db_index=False
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions_asked"
    )
    text = models.TextField(max_length=QUESTION_MAX_LENGTH)
    answer = models.TextField(max_length=QUESTION_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["task", "is_hidden", "created_at", "id"], name="question_task")
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return f"{self.task.get_absolute_url()}#question-{self.pk}"

    def moderated_task(self):
        return self.task

    # The table reads the task's status: a question is open while its task is.
    @property
    def status(self) -> str:
        return self.task.status

    def get_status_display(self) -> str:
        return self.task.get_status_display()

    def parties(self, user) -> set[str]:
        if not user.is_authenticated or not user.is_active:
            return set()
        if user.pk == self.task.customer_id:
            return {Party.CUSTOMER}
        if user.pk == self.asker_id:
            return {self.ASKER}
        return {Task.MEMBER}

    def on_hold(self) -> bool:
        return self.task.is_hidden or self.is_hidden

    def refusal(self, action: str, user) -> str | None:
        if action in ("answer", "edit_answer") and not self.in_state_for(action):
            return (
                "Questions close when the task is no longer open, so this one cannot be answered."
            )
        if reason := super().refusal(action, user):
            return reason
        if action == "answer" and self.answered_at is not None:
            return "This question already has your answer."
        if action == "edit_answer":
            if self.answered_at is None:
                return "This question has no answer to edit yet."
            if timezone.now() >= self.answer_fixed_at:
                minutes = int(ANSWER_EDIT_WINDOW.total_seconds() // 60)
                return f"An answer can be edited for {minutes} minutes; this one is now fixed."
        return None

    @property
    def answer_fixed_at(self):
        """When the answer stops being editable (None before it is given)."""
        return self.answered_at + ANSWER_EDIT_WINDOW if self.answered_at else None
