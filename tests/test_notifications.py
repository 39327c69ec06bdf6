"""Every service tells the people concerned, and nobody else; the notifications page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace import services
from marketplace.models import Agreement, Bid, Notification, Task

from .conftest import client_for
from .factories import (
    AgreementFactory,
    BidFactory,
    CompletedAgreementFactory,
    NotificationFactory,
    ReviewFactory,
    TaskFactory,
    UserFactory,
)

K = Notification.Kind


def written(since: int = 0) -> set[tuple[str, str]]:
    """The (recipient username, kind) of every notification with a pk above `since`."""
    return set(Notification.objects.filter(pk__gt=since).values_list("recipient__username", "kind"))


def last_pk() -> int:
    latest = Notification.objects.order_by("-pk").first()
    return latest.pk if latest else 0


@pytest.fixture
def task(customer):
    return TaskFactory(customer=customer, title="Paint the fence")


@pytest.fixture
def bid(task, tasker):
    return BidFactory(task=task, tasker=tasker)


@pytest.fixture
def other_bid(task, other_tasker):
    return BidFactory(task=task, tasker=other_tasker)


@pytest.fixture
def withdrawn_bid(task):
    return BidFactory(task=task, tasker=UserFactory(username="wendy"), status=Bid.Status.WITHDRAWN)


# --- Who each service notifies ---


def test_placing_a_bid_tells_the_customer_only(task, tasker):
    services.bid_place(
        task=task, by=tasker, amount=Decimal("60"), message="I can do it.", estimated_hours=None
    )
    assert written() == {("carol", K.BID_PLACED)}
    notification = Notification.objects.get()
    assert "£60" in notification.text and "Paint the fence" in notification.text
    assert notification.url == task.get_absolute_url()


def test_editing_a_bid_tells_the_customer_only(bid, tasker):
    services.bid_edit(
        bid=bid, by=tasker, amount=Decimal("65"), message="Revised.", estimated_hours=None
    )
    assert written() == {("carol", K.BID_CHANGED)}


def test_withdrawing_a_bid_tells_the_customer_only(bid, tasker):
    services.bid_withdraw(bid=bid, by=tasker)
    assert written() == {("carol", K.BID_CHANGED)}


def test_accepting_a_bid_tells_the_winner_and_the_other_pending_bidders(
    bid, other_bid, withdrawn_bid, customer
):
    agreement = services.bid_accept(bid=bid, by=customer)
    assert written() == {("tom", K.BID_ACCEPTED), ("tina", K.BID_REJECTED)}
    assert Notification.objects.get(kind=K.BID_ACCEPTED).url == agreement.get_absolute_url()


def test_editing_a_task_tells_its_pending_bidders_only(
    task, bid, other_bid, withdrawn_bid, customer
):
    task.budget = Decimal("90")
    services.task_edit(task=task, by=customer, changed=["budget"])
    assert written() == {("tom", K.TASK_CHANGED), ("tina", K.TASK_CHANGED)}


def test_saving_a_task_unchanged_tells_nobody(task, bid, customer):
    services.task_edit(task=task, by=customer, changed=[])
    assert written() == set()


def test_editing_a_task_through_the_form_names_what_changed(task, bid, customer_client):
    data = {
        "title": task.title,
        "description": task.description,
        "category": task.category_id,
        "budget": "95.00",
        "city": task.city,
        "postcode": task.postcode,
        "due_date": task.due_date.isoformat(),
    }
    customer_client.post(reverse("marketplace:task_edit", args=[task.pk]), data)
    assert written() == {("tom", K.TASK_CHANGED)}
    assert "(budget)" in Notification.objects.get().text
    customer_client.post(reverse("marketplace:task_edit", args=[task.pk]), data)
    assert Notification.objects.count() == 1


def test_cancelling_a_task_tells_its_pending_bidders_only(
    task, bid, other_bid, withdrawn_bid, customer
):
    services.task_cancel(task=task, by=customer)
    assert written() == {("tom", K.TASK_CHANGED), ("tina", K.TASK_CHANGED)}


def test_expiry_tells_the_customer_and_the_pending_bidders(task, bid, withdrawn_bid):
    services.task_expire(task=task)
    assert written() == {("carol", K.TASK_CHANGED), ("tom", K.TASK_CHANGED)}


def test_a_task_without_bids_notifies_nobody_when_edited_or_cancelled(task, customer):
    services.task_edit(task=task, by=customer, changed=["title"])
    services.task_cancel(task=task, by=customer)
    assert written() == set()


def test_delivery_tells_the_customer_only(db):
    agreement = AgreementFactory()
    services.agreement_deliver(agreement=agreement, by=agreement.tasker)
    assert written() == {(agreement.customer.username, K.AGREEMENT_DELIVERED)}


def test_confirmation_tells_the_tasker_only(db):
    agreement = AgreementFactory(status=Agreement.Status.DELIVERED)
    services.agreement_confirm(agreement=agreement, by=agreement.customer)
    assert written() == {(agreement.tasker.username, K.AGREEMENT_COMPLETED)}


@pytest.mark.parametrize("side", ["customer", "tasker"])
def test_cancelling_an_agreement_tells_the_other_side_only(db, side):
    agreement = AgreementFactory()
    by = getattr(agreement, side)
    services.agreement_cancel(agreement=agreement, by=by, reason="Plans changed, sorry.")
    assert written() == {(agreement.counterpart(by).username, K.AGREEMENT_CANCELLED)}


def test_reviews_are_announced_to_their_subjects_once_both_are_written(db):
    agreement = CompletedAgreementFactory()
    services.review_create(agreement=agreement, by=agreement.customer, rating=5, comment="Great")
    assert written() == set()
    services.review_create(agreement=agreement, by=agreement.tasker, rating=4, comment="Kind")
    assert written() == {
        (agreement.tasker.username, K.REVIEW_PUBLISHED),
        (agreement.customer.username, K.REVIEW_PUBLISHED),
    }


def test_a_message_tells_the_other_participant_only(task, tasker, other_tasker):
    conversation = services.conversation_start(task=task, by=tasker)
    services.message_send(conversation=conversation, by=tasker, body="Which colour?")
    assert written() == {("carol", K.MESSAGE)}
    notification = Notification.objects.get()
    assert notification.url == conversation.get_absolute_url()
    assert "Paint the fence" in notification.text


def test_messages_nudge_once_until_the_recipient_reads(task, tasker, customer):
    conversation = services.conversation_start(task=task, by=tasker)
    for body in ["One", "Two", "Three"]:
        services.message_send(conversation=conversation, by=tasker, body=body)
    assert Notification.objects.filter(recipient=customer, kind=K.MESSAGE).count() == 1

    client_for(customer).get(conversation.get_absolute_url())
    assert not Notification.objects.filter(recipient=customer, is_read=False).exists()

    services.message_send(conversation=conversation, by=tasker, body="Four")
    assert Notification.objects.filter(recipient=customer, is_read=False).count() == 1


def test_each_conversation_nudges_separately(customer, tasker):
    first = services.conversation_start(task=TaskFactory(customer=customer), by=tasker)
    second = services.conversation_start(task=TaskFactory(customer=customer), by=tasker)
    services.message_send(conversation=first, by=tasker, body="Hi")
    services.message_send(conversation=second, by=tasker, body="Hi")
    assert Notification.objects.filter(recipient=customer, kind=K.MESSAGE).count() == 2


def test_a_refused_action_notifies_nobody(task, customer):
    task.status = Task.Status.CANCELLED
    task.save()
    with pytest.raises(services.DomainError):
        services.task_cancel(task=task, by=customer)
    assert written() == set()


# --- The notifications page ---


def test_the_page_lists_my_notifications_newest_first(customer, customer_client, tasker):
    old = NotificationFactory(recipient=customer, text="Older news")
    new = NotificationFactory(recipient=customer, text="Newer news")
    NotificationFactory(recipient=tasker, text="Not for Carol")
    response = customer_client.get(reverse("marketplace:notifications"))
    assert list(response.context["notification_list"]) == [new, old]
    html = response.content.decode()
    assert "Not for Carol" not in html
    assert html.index("Newer news") < html.index("Older news")


def test_the_page_is_paginated(customer, customer_client):
    NotificationFactory.create_batch(21, recipient=customer)
    response = customer_client.get(reverse("marketplace:notifications"))
    assert len(response.context["notification_list"]) == 20
    assert response.context["page_obj"].paginator.num_pages == 2


def test_the_page_needs_sign_in(client):
    response = client.get(reverse("marketplace:notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_marks_nothing_read(customer, customer_client):
    notification = NotificationFactory(recipient=customer)
    customer_client.get(reverse("marketplace:notifications"))
    notification.refresh_from_db()
    assert not notification.is_read


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(customer, customer_client):
    task = TaskFactory(customer=customer)
    notification = NotificationFactory(recipient=customer, url=task.get_absolute_url())
    other = NotificationFactory(recipient=customer)
    response = customer_client.post(
        reverse("marketplace:notification_open", args=[notification.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == task.get_absolute_url()
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.is_read
    assert not other.is_read


def test_opening_by_get_goes_there_and_leaves_it_unread(customer, customer_client):
    notification = NotificationFactory(recipient=customer, url="/tasks/")
    url = reverse("marketplace:notification_open", args=[notification.pk])
    assert customer_client.get(url)["Location"] == "/tasks/"
    notification.refresh_from_db()
    assert not notification.is_read


def test_opening_someone_elses_notification_is_404(tasker, customer_client):
    notification = NotificationFactory(recipient=tasker)
    url = reverse("marketplace:notification_open", args=[notification.pk])
    assert customer_client.post(url).status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_opening_never_redirects_off_site(customer, customer_client):
    notification = NotificationFactory(recipient=customer, url="https://evil.example/")
    response = customer_client.post(
        reverse("marketplace:notification_open", args=[notification.pk])
    )
    assert response["Location"] == reverse("marketplace:notifications")


def test_mark_all_read_marks_only_mine(customer, customer_client, tasker):
    mine = NotificationFactory.create_batch(3, recipient=customer)
    theirs = NotificationFactory(recipient=tasker)
    response = customer_client.post(reverse("marketplace:notifications_mark_all_read"), follow=True)
    assert "Marked 3 notifications as read." in response.content.decode()
    assert all(Notification.objects.get(pk=n.pk).is_read for n in mine)
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_all_read_by_get_shows_the_notifications(customer, customer_client):
    NotificationFactory(recipient=customer)
    response = customer_client.get(reverse("marketplace:notifications_mark_all_read"))
    assert response["Location"] == reverse("marketplace:notifications")
    assert Notification.objects.filter(is_read=False).count() == 1


def test_the_navbar_counts_unread_notifications(customer, customer_client):
    NotificationFactory.create_batch(3, recipient=customer)
    NotificationFactory(recipient=customer, is_read=True)
    html = customer_client.get(reverse("marketplace:notifications")).content.decode()
    link = html[html.index('href="/notifications/"') :].split("</a>")[0]
    assert '3<span class="visually-hidden"> unread</span>' in link


def test_review_notification_links_to_the_subjects_profile(db):
    review = ReviewFactory()
    agreement = review.agreement
    services.review_create(agreement=agreement, by=agreement.tasker, rating=4, comment="Kind")
    urls = set(Notification.objects.values_list("url", flat=True))
    assert urls == {agreement.tasker.get_absolute_url(), agreement.customer.get_absolute_url()}
