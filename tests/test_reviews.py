"""Reviews: once per side after completion, blind until both reviewed or 14 days passed."""

import pytest
from django.urls import reverse

from marketplace.models import Agreement, Notification, Review, TaskEvent

from .helpers import days_ago, make_agreement, messages_of, snapshot

CUSTOMER_SAYS = "Tom was quick, careful and tidied up after."
TASKER_SAYS = "Carol had everything ready and paid promptly."


def review_url(agreement) -> str:
    return reverse("marketplace:review_create", args=[agreement.pk])


@pytest.fixture
def completed(customer, tasker):
    return make_agreement(customer=customer, tasker=tasker, status=Agreement.Status.COMPLETED)


def review(client, agreement, rating=5, comment=CUSTOMER_SAYS):
    return client.post(review_url(agreement), {"rating": rating, "comment": comment})


def test_a_party_reviews_the_other_after_completion(customer_client, completed, tasker):
    assert customer_client.get(review_url(completed)).status_code == 200
    response = review(customer_client, completed, rating=4)
    assert response["Location"] == completed.get_absolute_url()
    assert messages_of(response)[0].startswith("Thanks for your review.")
    written = Review.objects.get()
    assert (written.author, written.subject, written.rating) == (completed.customer, tasker, 4)
    assert written.published_at is None
    assert completed.task.events.get().kind == TaskEvent.Kind.REVIEWED
    assert not Notification.objects.exists()  # nothing is published yet


def test_a_review_is_hidden_from_everyone_but_its_author_until_both_reviewed(
    request, customer_client, tasker_client, completed, tasker
):
    review(customer_client, completed)
    author_page = customer_client.get(completed.get_absolute_url()).content.decode()
    assert CUSTOMER_SAYS in author_page and "Only you can see this" in author_page

    assert CUSTOMER_SAYS not in tasker_client.get(completed.get_absolute_url()).content.decode()
    for persona in ("client", "tasker_client", "other_customer_client"):
        profile = request.getfixturevalue(persona).get(tasker.get_absolute_url())
        assert CUSTOMER_SAYS not in profile.content.decode(), persona
        assert profile.context["profile"].review_count == 0

    review(tasker_client, completed, rating=3, comment=TASKER_SAYS)
    for client in (customer_client, tasker_client):
        page = client.get(completed.get_absolute_url()).content.decode()
        assert CUSTOMER_SAYS in page and TASKER_SAYS in page
        assert "Only you can see this" not in page
    profile = request.getfixturevalue("client").get(tasker.get_absolute_url())
    assert CUSTOMER_SAYS in profile.content.decode()
    assert Review.objects.filter(published_at__isnull=True).count() == 0
    published = Notification.objects.filter(kind=Notification.Kind.REVIEW_PUBLISHED)
    assert sorted(n.recipient.username for n in published) == ["carol", "tom"]


def test_staff_see_an_unpublished_review(customer_client, staff_client, completed):
    review(customer_client, completed)
    assert CUSTOMER_SAYS in staff_client.get(completed.get_absolute_url()).content.decode()


@pytest.mark.parametrize(("days", "shown"), [(13, False), (15, True)])
def test_a_lone_review_is_published_after_14_days(
    client, tasker_client, customer_client, completed, tasker, days, shown
):
    review(customer_client, completed)
    Agreement.objects.filter(pk=completed.pk).update(completed_at=days_ago(days))
    for page in (
        client.get(tasker.get_absolute_url()),
        tasker_client.get(completed.get_absolute_url()),
    ):
        assert (CUSTOMER_SAYS in page.content.decode()) is shown
    author_page = customer_client.get(completed.get_absolute_url()).content.decode()
    assert CUSTOMER_SAYS in author_page
    assert ("Only you can see this" in author_page) is not shown


def test_no_review_after_the_14_days(tasker_client, completed):
    Agreement.objects.filter(pk=completed.pk).update(completed_at=days_ago(15))
    before = snapshot()
    response = review(tasker_client, completed, comment=TASKER_SAYS)
    assert response.status_code == 200
    assert "Reviews can only be written within 14 days of completion." in response.content.decode()
    assert snapshot() == before


def test_reviewing_twice_is_a_form_error(customer_client, completed):
    review(customer_client, completed)
    before = snapshot()
    response = review(customer_client, completed, rating=1, comment="Changed my mind.")
    assert response.status_code == 200
    assert "You have already reviewed this agreement." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "status", [Agreement.Status.ACTIVE, Agreement.Status.DELIVERED, Agreement.Status.CANCELLED]
)
def test_no_review_before_completion(customer_client, customer, tasker, status):
    agreement = make_agreement(customer=customer, tasker=tasker, status=status)
    before = snapshot()
    response = review(customer_client, agreement)
    assert response.status_code == 200
    label = agreement.get_status_display().lower()
    assert f"You cannot review: it is {label}." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "6", "comment": "Fine."}, "Select a valid choice"),
        ({"rating": "0", "comment": "Fine."}, "Select a valid choice"),
        ({"rating": "five", "comment": "Fine."}, "Select a valid choice"),
        ({"rating": "", "comment": "Fine."}, "This field is required"),
        ({"rating": "5", "comment": ""}, "This field is required"),
        ({"rating": "5", "comment": "x" * 2001}, "at most 2000 characters"),
        ({"rating": "5", "comment": "\x00"}, "Null characters are not allowed"),
    ],
)
def test_bad_reviews_are_form_errors(customer_client, completed, data, message):
    response = customer_client.post(review_url(completed), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "persona", ["other_customer_client", "other_tasker_client", "staff_client"]
)
def test_only_the_parties_can_review(request, persona, completed):
    client = request.getfixturevalue(persona)
    assert client.get(review_url(completed)).status_code == 404
    assert review(client, completed).status_code == 404
    assert not Review.objects.exists()


def test_anonymous_is_sent_to_log_in_to_review(client, completed):
    response = review(client, completed)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Review.objects.exists()


def test_a_review_hidden_by_a_moderator_is_shown_only_to_its_author(
    client, customer_client, tasker_client, completed, tasker
):
    review(customer_client, completed)
    review(tasker_client, completed, comment=TASKER_SAYS)
    Review.objects.filter(author=completed.customer).update(
        is_hidden=True, hidden_reason="Personal details"
    )
    assert CUSTOMER_SAYS not in client.get(tasker.get_absolute_url()).content.decode()
    assert CUSTOMER_SAYS not in tasker_client.get(completed.get_absolute_url()).content.decode()
    author_page = customer_client.get(completed.get_absolute_url()).content.decode()
    assert CUSTOMER_SAYS in author_page and "Hidden by a moderator" in author_page


def test_the_message_says_what_happened_to_each_review(customer_client, tasker_client, completed):
    until = completed.reviews_open_until.strftime("%-d %B %Y")
    first = review(customer_client, completed)
    assert messages_of(first) == [
        "Thanks for your review. It stays private until Tom Tasker reviews you too, "
        f"or until {until}, whichever comes first."
    ]
    second = review(tasker_client, completed, comment="Clear brief and kind.")
    assert messages_of(second) == [
        "Thanks for your review. Carol Customer had already reviewed you, so both reviews "
        "are now published."
    ]
