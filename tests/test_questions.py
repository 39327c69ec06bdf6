"""Public questions on a task: who may ask and answer, what everyone sees, who is told."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from marketplace import services
from marketplace.models import (
    ANSWER_EDIT_WINDOW,
    Notification,
    Question,
    Report,
    Task,
    TaskEvent,
)
from marketplace.states import DomainError

from .conftest import client_for
from .factories import BidFactory, QuestionFactory, TaskerFactory, TaskFactory, UserFactory
from .helpers import messages_of, page_form, race, snapshot

N = Notification.Kind


@pytest.fixture
def task(customer):
    return TaskFactory(customer=customer, title="Fit a garden gate")


def create_url(task) -> str:
    return reverse("marketplace:question_create", args=[task.pk])


def answer_url(question) -> str:
    return reverse("marketplace:question_answer", args=[question.pk])


def ask_on_the_page(client, task, text: str):
    """Post the question form as the task page shows it."""
    page = client.get(task.get_absolute_url())
    data = page_form(page, create_url(task)) | {"text": text}
    return client.post(create_url(task), data)


def answer_on_the_page(client, question, text: str):
    page = client.get(question.task.get_absolute_url())
    data = page_form(page, answer_url(question))
    data[f"question-{question.pk}-answer"] = text
    return client.post(answer_url(question), data)


# --- Asking ---


def test_a_tasker_asks_and_the_customer_is_told(task, tasker, tasker_client, customer):
    response = ask_on_the_page(tasker_client, task, "Is the old gate to be taken away?")
    question = Question.objects.get()
    assert (question.task, question.asker) == (task, tasker)
    assert question.text == "Is the old gate to be taken away?"
    assert response.status_code == 302
    assert response.url == f"{task.get_absolute_url()}#question-{question.pk}"
    assert TaskEvent.objects.filter(
        task=task, kind=TaskEvent.Kind.QUESTION_ASKED, actor=tasker
    ).exists()
    notification = Notification.objects.get(recipient=customer)
    assert notification.kind == N.QUESTION
    assert "Fit a garden gate" in notification.text
    assert notification.url == question.get_absolute_url()


def test_a_customer_who_is_not_a_tasker_may_ask_too(task, other_customer_client):
    ask_on_the_page(other_customer_client, task, "Which side does it hinge?")
    assert Question.objects.count() == 1


def test_the_form_says_contact_details_do_not_belong_here(task, tasker_client):
    page = tasker_client.get(task.get_absolute_url()).content.decode()
    assert "Keep contact details out" in page
    assert "private message" in page


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Write your question first."),
        ("   ", "Write your question first."),
        ("x" * 5001, "Keep your question to 5000 characters (it has 5001)."),
    ],
)
def test_an_empty_or_too_long_question_is_refused(task, tasker_client, text, error):
    before = snapshot()
    response = ask_on_the_page(tasker_client, task, text)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert snapshot() == before
    if text.strip():
        assert response.context["form"]["text"].value() == text  # what was typed is kept


def test_the_longest_question_is_taken(task, tasker_client):
    ask_on_the_page(tasker_client, task, "y" * 5000)
    assert len(Question.objects.get().text) == 5000


def test_the_customer_cannot_ask_on_their_own_task(task, customer_client):
    assert customer_client.get(task.get_absolute_url()).context["question_form"] is None
    before = snapshot()
    response = customer_client.post(create_url(task), {"text": "Am I here?"})
    assert response.status_code == 200
    assert "This is your own task" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("status", [s for s in Task.Status.values if s != Task.Status.OPEN])
def test_no_questions_once_the_task_is_not_open(customer, tasker_client, status):
    task = TaskFactory(customer=customer, status=status)
    page = tasker_client.get(task.get_absolute_url())
    assert page.context["question_form"] is None
    assert "Questions are closed" in page.content.decode()
    before = snapshot()
    response = tasker_client.post(create_url(task), {"text": "Still free?"})
    assert "Questions close when the task is no longer open." in response.content.decode()
    assert snapshot() == before
    # GET explains on the task page rather than showing a form that cannot work
    response = tasker_client.get(create_url(task))
    assert response.status_code == 302
    assert messages_of(tasker_client.get(response.url)) == [
        "Questions close when the task is no longer open."
    ]


def test_no_questions_on_a_hidden_task(customer, tasker, tasker_client, other_tasker_client):
    task = TaskFactory(customer=customer)
    BidFactory(task=task, tasker=tasker)
    Task.objects.filter(pk=task.pk).update(is_hidden=True, hidden_reason="Spam")
    before = snapshot()
    # A bidder still reaches the task and is told why; anyone else finds nothing.
    response = tasker_client.post(create_url(task), {"text": "Still on?"})
    assert "A moderator has hidden this task" in response.content.decode()
    assert other_tasker_client.post(create_url(task), {"text": "Still on?"}).status_code == 404
    assert snapshot() == before
    task.refresh_from_db()
    with pytest.raises(DomainError):
        services.question_ask(task=task, by=tasker, text="Still on?")


def test_a_suspended_user_cannot_ask(task):
    suspended = TaskerFactory(is_active=False)
    with pytest.raises(DomainError):
        services.question_ask(task=task, by=suspended, text="Hello?")
    assert not Question.objects.exists()


def test_a_visitor_is_asked_to_sign_in(client, task):
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Sign in to ask a question" in page
    assert client.post(create_url(task), {"text": "Hi"}).status_code == 302
    assert not Question.objects.exists()


def test_too_many_questions_is_a_message_on_the_form(task, tasker_client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "question": "1/h"}
    ask_on_the_page(tasker_client, task, "First question?")
    before = snapshot()
    response = ask_on_the_page(tasker_client, task, "Second question?")
    assert response.status_code == 200
    assert "You have asked a lot of questions" in response.content.decode()
    assert response.context["form"]["text"].value() == "Second question?"
    assert snapshot() == before


def test_the_question_and_the_answer_are_emailed_unless_muted(
    task, customer, tasker, other_tasker, django_capture_on_commit_callbacks
):
    BidFactory(task=task, tasker=other_tasker)
    other_tasker.email_muted_kinds = [N.ANSWER]
    other_tasker.save()
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_ask(task=task, by=tasker, text="Hinges included?")
    assert [m.to for m in mail.outbox] == [[customer.email]]
    assert "asked a public question on “Fit a garden gate”" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(question=question, by=customer, answer="Yes.")
    assert [m.to for m in mail.outbox[1:]] == [[tasker.email]]  # the muted bidder: no email
    assert question.get_absolute_url() in mail.outbox[1].body


# --- Answering ---


def test_the_customer_answers_and_the_asker_and_bidders_are_told_once(
    task, customer, customer_client, tasker, other_tasker
):
    BidFactory(task=task, tasker=tasker)  # the asker bid too: told once
    BidFactory(task=task, tasker=other_tasker)
    withdrawn = BidFactory(task=task, tasker=TaskerFactory(), status="withdrawn")
    question = QuestionFactory(task=task, asker=tasker)
    response = answer_on_the_page(customer_client, question, "Yes, I will leave it out.")
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "Yes, I will leave it out."
    assert question.answered_at is not None
    answers = Notification.objects.filter(kind=N.ANSWER)
    assert sorted(answers.values_list("recipient", flat=True)) == sorted(
        [tasker.pk, other_tasker.pk]
    )
    assert "your question" in answers.get(recipient=tasker).text
    assert "which you bid on" in answers.get(recipient=other_tasker).text
    assert not answers.filter(recipient=withdrawn.tasker).exists()
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.QUESTION_ANSWERED, actor=customer).exists()


def test_nobody_but_the_customer_may_answer(task, tasker, tasker_client, other_tasker_client):
    question = QuestionFactory(task=task, asker=tasker)
    before = snapshot()
    for client in (tasker_client, other_tasker_client):
        data = {f"question-{question.pk}-answer": "I answer myself."}
        assert client.get(answer_url(question)).status_code == 404
        assert client.post(answer_url(question), data).status_code == 404
    with pytest.raises(DomainError):
        services.question_answer(question=question, by=tasker, answer="Me!")
    assert snapshot() == before
    page = tasker_client.get(task.get_absolute_url())
    assert page.context["questions"][0].actions == []


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "Write your answer first."), ("z" * 5001, "Keep your answer to 5000 characters")],
)
def test_an_empty_or_too_long_answer_is_refused(task, customer_client, text, error):
    question = QuestionFactory(task=task)
    before = snapshot()
    response = answer_on_the_page(customer_client, question, text)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert snapshot() == before


def test_the_answer_can_be_edited_for_a_while_then_it_is_fixed(task, customer, customer_client):
    question = QuestionFactory(task=task)
    answer_on_the_page(customer_client, question, "Tuesday.")
    told = Notification.objects.count()
    answer_on_the_page(customer_client, question, "Wednesday, sorry.")
    question.refresh_from_db()
    assert question.answer == "Wednesday, sorry."
    assert Notification.objects.count() == told  # an edit tells nobody again

    long_ago = timezone.now() - ANSWER_EDIT_WINDOW - timedelta(seconds=1)
    Question.objects.filter(pk=question.pk).update(answered_at=long_ago)
    page = customer_client.get(task.get_absolute_url())
    assert page.context["questions"][0].actions == ["report"]
    before = snapshot()
    response = customer_client.post(
        answer_url(question), {f"question-{question.pk}-answer": "Thursday."}
    )
    assert "this one is now fixed" in response.content.decode()
    assert snapshot() == before


def test_no_answers_once_the_task_is_not_open(task, customer, customer_client):
    question = QuestionFactory(task=task, text="Can it wait a week?")
    services.task_cancel(task=task, by=customer)
    page = customer_client.get(task.get_absolute_url())
    assert "Can it wait a week?" in page.content.decode()  # still shown
    assert not hasattr(page.context["questions"][0], "form")
    before = snapshot()
    response = customer_client.post(
        answer_url(question), {f"question-{question.pk}-answer": "Too late."}
    )
    assert "Questions close when the task is no longer open" in response.content.decode()
    assert snapshot() == before


# --- What everyone sees ---


def test_everyone_sees_the_question_and_answer_links_and_numbers_as_plain_text(
    task, customer, tasker, client
):
    question = services.question_ask(
        task=task, by=tasker, text="Is https://example.com/gate the model? <b>Call</b> 07700 900123"
    )
    services.question_answer(question=question, by=customer, answer="See www.example.org")
    for viewer in (client, client_for(UserFactory())):
        page = viewer.get(task.get_absolute_url()).content.decode()
        assert "Is https://example.com/gate the model? &lt;b&gt;Call&lt;/b&gt; 07700 900123" in page
        assert "See www.example.org" in page
        assert 'href="https://example.com' not in page
        assert "tel:" not in page


def test_a_hidden_question_is_gone_for_everyone_but_its_asker_and_the_admin(
    task, tasker, tasker_client, customer_client, staff, staff_client
):
    question = QuestionFactory(task=task, asker=tasker, text="Buy my fence panels!")
    services.content_hide(obj=question, by=staff, reason="Advertising")
    assert (
        "Buy my fence panels!" not in customer_client.get(task.get_absolute_url()).content.decode()
    )
    assert (
        "Buy my fence panels!"
        not in client_for(UserFactory()).get(task.get_absolute_url()).content.decode()
    )
    own = tasker_client.get(task.get_absolute_url()).content.decode()
    assert "Buy my fence panels!" in own and "Advertising" in own
    assert Notification.objects.filter(recipient=tasker, kind=N.MODERATION).exists()
    admin = staff_client.get(reverse("admin:marketplace_question_changelist")).content.decode()
    assert "Buy my fence panels!" in admin


def test_a_question_can_be_reported(task, tasker, customer, customer_client):
    question = QuestionFactory(task=task, asker=tasker)
    page = customer_client.get(task.get_absolute_url()).content.decode()
    url = reverse("marketplace:report_create", args=["question", question.pk])
    assert url in page
    customer_client.post(url, {"reason": "spam", "details": ""})
    report = Report.objects.get()
    assert (report.kind, report.object_id, report.reporter) == ("question", question.pk, customer)


def test_the_asker_is_not_offered_to_report_their_own_question(task, tasker, tasker_client):
    question = QuestionFactory(task=task, asker=tasker)
    url = reverse("marketplace:report_create", args=["question", question.pk])
    assert url not in tasker_client.get(task.get_absolute_url()).content.decode()
    assert tasker_client.get(url).status_code == 404


def test_questions_come_ten_a_page_oldest_first(task, client):
    questions = [QuestionFactory(task=task, text=f"Question number {i:02}") for i in range(12)]
    first = client.get(task.get_absolute_url())
    assert [q.pk for q in first.context["questions"]] == [q.pk for q in questions[:10]]
    assert "?questions=2#questions" in first.content.decode()
    second = client.get(task.get_absolute_url() + "?questions=2")
    assert [q.pk for q in second.context["questions"]] == [q.pk for q in questions[10:]]
    for junk in ("x", "-3", "99"):
        assert client.get(task.get_absolute_url() + f"?questions={junk}").status_code == 200


def test_the_timeline_lists_questions_and_answers(task, customer, tasker, client):
    question = services.question_ask(task=task, by=tasker, text="Painted?")
    services.question_answer(question=question, by=customer, answer="No.")
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Question asked" in page and "Question answered" in page


# --- Raced for real (threads, each with its own connection) ---


@pytest.mark.django_db(transaction=True)
def test_twenty_answers_at_once_make_one_answer_and_tell_the_asker_once(customer, tasker):
    question = QuestionFactory(task=TaskFactory(customer=customer), asker=tasker)
    outcomes = race(
        20,
        lambda i: services.question_answer(question=question, by=customer, answer=f"Answer {i}"),
    )
    # The first is the answer, the others edits of it (the window is open): none fails.
    assert not [o for o in outcomes if isinstance(o, BaseException)]
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.QUESTION_ANSWERED).count() == 1
    assert Notification.objects.filter(recipient=tasker, kind=N.ANSWER).count() == 1
    question.refresh_from_db()
    assert question.answer.startswith("Answer ")


@pytest.mark.django_db(transaction=True)
def test_questions_racing_a_cancellation_are_asked_before_it_or_refused(customer):
    task = TaskFactory(customer=customer)
    askers = [TaskerFactory() for _ in range(10)]

    def act(i):
        if i == len(askers):
            return services.task_cancel(task=task, by=customer)
        return services.question_ask(task=task, by=askers[i], text=f"Question {i}?")

    outcomes = race(len(askers) + 1, act)
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert all(isinstance(e, DomainError) for e in errors), errors
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED
    cancelled_at = TaskEvent.objects.get(kind=TaskEvent.Kind.CANCELLED).pk
    asked = TaskEvent.objects.filter(kind=TaskEvent.Kind.QUESTION_ASKED)
    assert asked.count() == Question.objects.count() == len(askers) - len(errors)
    assert not asked.filter(pk__gt=cancelled_at).exists()
