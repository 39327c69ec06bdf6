"""A form page submitted twice (Back, then submit again) creates one thing and says so."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace import services
from marketplace.models import Bid, FormSubmission, Message, Report, Review, Task

from .factories import ConversationFactory, TaskFactory
from .helpers import make_agreement, messages_of, post_forms

pytestmark = pytest.mark.django_db

ALREADY = "This was already posted: the same form was sent twice. Here it is."


def submit_twice(client, page_url: str, typed: dict, action: str | None = None):
    """Load the page once, then send its form twice, as Back and submit again would."""
    page = client.get(page_url)
    form = post_forms(page, action or page_url)[0]
    assert form.data.get("submission"), "the form carries no one-time token"
    data = form.data | typed
    return client.post(action or page_url, data), client.post(action or page_url, data)


def test_a_task_posted_twice_is_one_task(customer_client, customer):
    typed = {
        "title": "Paint the garden fence",
        "description": "Two coats on a twelve-metre fence; paint and brushes are here.",
        "category": "1",
        "budget": "120",
        "city": "York",
        "due_date": (timezone.localdate() + timezone.timedelta(days=9)).isoformat(),
    }
    first, second = submit_twice(customer_client, reverse("marketplace:task_create"), typed)
    task = Task.objects.get()
    assert first["Location"] == second["Location"] == task.get_absolute_url()
    assert messages_of(second)[-1] == ALREADY


def test_a_bid_sent_twice_from_the_task_page_is_one_bid(tasker_client, customer):
    task = TaskFactory(customer=customer)
    typed = {"amount": "70", "message": "I can come on Saturday with my own tools."}
    action = reverse("marketplace:bid_create", args=[task.pk])
    first, second = submit_twice(tasker_client, task.get_absolute_url(), typed, action)
    bid = Bid.objects.get()
    assert second["Location"] == first["Location"] == bid.get_absolute_url()
    assert messages_of(second)[-1] == ALREADY


def test_a_message_sent_twice_is_one_message(customer, tasker, tasker_client):
    conversation = ConversationFactory(user_a=customer, user_b=tasker)
    first, second = submit_twice(
        tasker_client, conversation.get_absolute_url(), {"body": "Is it still boxed?"}
    )
    assert Message.objects.count() == 1
    assert messages_of(second)[-1] == ALREADY


def test_a_review_sent_twice_is_one_review(customer, tasker, customer_client):
    agreement = make_agreement(customer=customer, tasker=tasker, status="completed")
    url = reverse("marketplace:review_create", args=[agreement.pk])
    first, second = submit_twice(customer_client, url, {"rating": "5", "comment": "Great."})
    assert Review.objects.count() == 1
    assert second["Location"] == first["Location"] == agreement.get_absolute_url()
    assert messages_of(second)[-1] == ALREADY


def test_a_report_sent_twice_is_one_report(tasker_client, customer):
    task = TaskFactory(customer=customer)
    url = reverse("marketplace:report_create", args=["task", task.pk])
    first, second = submit_twice(tasker_client, url, {"reason": "spam"})
    assert Report.objects.count() == 1
    assert messages_of(second)[-1] == ALREADY


def test_a_refused_submission_frees_its_token(tasker, customer):
    """A form shown again with an error keeps its token: the corrected one must go through."""
    task = TaskFactory(customer=customer, status=Task.Status.CANCELLED)
    token = "0f8fad5b-d9cb-469f-a165-70867728950e"

    def place():
        return services.bid_place(
            task=task,
            by=tasker,
            amount=Decimal(5),
            message="Hello there friend",
            estimated_hours=None,
        )

    with pytest.raises(services.DomainError):
        services.submit_once(token=token, by=tasker, create=place, url_of=str)
    assert not FormSubmission.objects.exists()
    Task.objects.filter(pk=task.pk).update(status=Task.Status.OPEN)
    services.submit_once(token=token, by=tasker, create=place, url_of=lambda bid: "/x/")
    assert FormSubmission.objects.get().url == "/x/"
