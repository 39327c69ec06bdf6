from django.contrib import messages
from django.shortcuts import redirect

from tasker.ratelimit import allow

from .. import services
from ..forms import AnswerForm, QuestionForm
from ..models import Question, Task
from ..selectors import with_people
from ..states import DomainError
from .base import ServiceFormView

QUESTIONS_PER_PAGE = 10
TOO_MANY = "You have asked a lot of questions in the last hour. Please wait a while and ask again."


def question_context(request, task: Task) -> dict:
    """What the task page's questions section needs, in one query: a page of questions
    (oldest first), each with what `request.user` may do to it, and the forms.

    The page reads one row past its end to know whether there is a next page, rather than
    counting every question of the task.
    """
    user = request.user
    try:
        number = max(1, int(request.GET.get("questions", 1)))
    except ValueError:
        number = 1
    start = (number - 1) * QUESTIONS_PER_PAGE
    questions = list(
        with_people(Question.objects.filter(task=task).shown_to(user), "asker")[
            start : start + QUESTIONS_PER_PAGE + 1
        ]
    )
    has_next = len(questions) > QUESTIONS_PER_PAGE
    questions = questions[:QUESTIONS_PER_PAGE]
    for question in questions:
        question.task = task  # the page's task: no query per question
        question.actions = question.available_actions(user)
        if {"answer", "edit_answer"} & set(question.actions):
            question.form = AnswerForm(
                initial={"answer": question.answer}, prefix=f"question-{question.pk}"
            )
    actions = task.available_actions(user)
    return {
        "questions": questions,
        "questions_page": {
            "number": number,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if has_next else None,
        },
        # Its own ids: the bid form beside it has a submission field too.
        "question_form": QuestionForm(auto_id="id_question_%s") if "question" in actions else None,
        # A visitor could ask once signed in; after the task closes, nobody can.
        "question_sign_in": not user.is_authenticated and task.in_state_for("question"),
        "questions_closed": not task.in_state_for("question"),
    }


class QuestionCreateView(ServiceFormView):
    """Ask a public question. The task page holds the form; this page shows it again with
    what went wrong, the question as typed kept."""

    form_class = QuestionForm
    template_name = "marketplace/question_form.html"
    success_message = "Your question is on the task page. The customer has been told."

    def get_queryset(self):
        # A bidder on a task hidden since is told it is on hold rather than shown a 404.
        return Task.objects.reachable_by(self.request.user).select_related("customer")

    def get(self, request, *args, **kwargs):
        if reason := self.object.refusal("question", request.user):
            messages.error(request, reason)
            return redirect(self.object)
        return super().get(request, *args, **kwargs)

    def act(self, form):
        if not allow(self.request, "question"):
            raise DomainError(TOO_MANY)
        return services.question_ask(
            task=self.object, by=self.request.user, text=form.cleaned_data["text"]
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class QuestionAnswerView(ServiceFormView):
    """The customer answers a question, or edits the answer while it is still editable."""

    form_class = AnswerForm
    template_name = "marketplace/question_answer.html"
    context_object_name = "question"

    def get_queryset(self):
        return Question.objects.filter(task__customer=self.request.user).select_related(
            "task", "asker"
        )

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"prefix": f"question-{self.object.pk}"}

    def get_initial(self):
        return {"answer": self.object.answer}

    @property
    def action(self) -> str:
        return "answer" if self.object.answered_at is None else "edit_answer"

    def get(self, request, *args, **kwargs):
        if reason := self.object.refusal(self.action, request.user):
            messages.error(request, reason)
            return redirect(self.object)
        return super().get(request, *args, **kwargs)

    def act(self, form):
        return services.question_answer(
            question=self.object, by=self.request.user, answer=form.cleaned_data["answer"]
        )

    def get_success_message(self) -> str:
        if self.action == "answer":
            return "Your answer is on the task page. The asker and the bidders have been told."
        return "Your answer was updated."

    def get_success_url(self):
        return self.object.get_absolute_url()
