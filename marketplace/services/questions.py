from django.db import transaction
from django.utils import timezone

from accounts.models import User
from tasker.listing import listing_changed

from .. import texts
from ..models import QUESTION_MAX_LENGTH, Bid, Question, Task
from ..notifications import notify
from ..states import DomainError
from .tasks import Kind, _event, _locked_task


def _clean(text: str, *, what: str) -> str:
    text = text.strip()
    if not text:
        raise DomainError(f"Write your {what} first.")
    if len(text) > QUESTION_MAX_LENGTH:
        raise DomainError(f"Keep your {what} to {QUESTION_MAX_LENGTH:,} characters.")
    return text


@transaction.atomic
def question_ask(*, task: Task, by: User, text: str) -> Question:
    """Ask `by`'s public question on an open task that is not theirs; tell the customer."""
    text = _clean(text, what="question")
    task = _locked_task(task.pk)
    task.require("question", by)
    question = Question.objects.create(task=task, asker=by, text=text)
    _event(task, by, Kind.QUESTION_ASKED)
    notify(
        recipients=[task.customer],
        **texts.notice("question_asked", name=by.name, title=task.title),
        url=question.get_absolute_url(),
    )
    return question


@transaction.atomic
def question_answer(*, question: Question, by: User, answer: str) -> Question:
    """Give the customer's answer to a question, or change it while it is still editable.

    The first answer tells the asker and the task's live bidders (once each); an edit
    within the window tells nobody again.
    """
    answer = _clean(answer, what="answer")
    task = _locked_task(question.task_id)
    question = Question.objects.select_related("asker").get(pk=question.pk)
    question.task = task
    first = question.answered_at is None
    question.require("answer" if first else "edit_answer", by)
    now = timezone.now()
    if first:
        updated = Question.objects.filter(pk=question.pk, answered_at__isnull=True).update(
            answer=answer, answered_at=now
        )
    else:
        updated = Question.objects.filter(pk=question.pk, answered_at=question.answered_at).update(
            answer=answer
        )
    if updated != 1:
        raise DomainError("Someone else changed this a moment ago. Please try again.")
    question.answer = answer
    listing_changed()  # a bulk update sends no post_save
    if not first:
        return question
    question.answered_at = now
    _event(task, by, Kind.QUESTION_ANSWERED)
    url = question.get_absolute_url()
    notify(
        recipients=[question.asker],
        **texts.notice("question_answered_asker", name=by.name, title=task.title),
        url=url,
    )
    bidders = [
        bid.tasker
        for bid in Bid.objects.live().filter(task=task).select_related("tasker")
        if bid.tasker_id != question.asker_id
    ]
    notify(
        recipients=bidders,
        **texts.notice("question_answered_bidder", name=by.name, title=task.title),
        url=url,
    )
    return question
