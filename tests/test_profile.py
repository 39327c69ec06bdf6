"""A public profile's reputation: rating, reviews, completed agreements, completion rate."""

import re

from django.utils import timezone

from marketplace.models import Agreement

from .factories import CompletedAgreementFactory, ReviewFactory, TaskerFactory, TaskFactory
from .helpers import make_agreement

S = Agreement.Status


def fact(html: str, term: str) -> str:
    """The text of the <dd> after the <dt> named `term`, whitespace squeezed."""
    match = re.search(rf"<dt>{term}</dt>\s*<dd>(.*?)(<div|</dd>)", html, re.S)
    assert match, term
    return " ".join(match.group(1).split())


def test_a_taskers_profile_shows_their_track_record(client, tasker, other_customer):
    completed = [
        make_agreement(customer=other_customer, tasker=tasker, status=S.COMPLETED) for _ in range(3)
    ]
    make_agreement(customer=other_customer, tasker=tasker, status=S.CANCELLED)
    make_agreement(customer=other_customer, tasker=tasker, status=S.ACTIVE)
    make_agreement(customer=other_customer, tasker=tasker, status=S.DELIVERED)
    now = timezone.now()
    # Two published reviews of the tasker, one still blind, one hidden by a moderator.
    ReviewFactory(agreement=completed[0], rating=5, published_at=now)
    ReviewFactory(agreement=completed[1], rating=4, published_at=now)
    ReviewFactory(agreement=completed[2], rating=1)
    ReviewFactory(
        agreement=CompletedAgreementFactory(bid__tasker=tasker),
        rating=1,
        published_at=now,
        is_hidden=True,
    )
    # Reviews the tasker wrote, and agreements where they were the customer, do not count.
    ReviewFactory(
        agreement=completed[0], author=tasker, subject=other_customer, rating=1, published_at=now
    )

    response = client.get(tasker.get_absolute_url())
    html = response.content.decode()
    profile = response.context["profile"]
    assert (profile.review_count, profile.completed_count, profile.cancelled_count) == (2, 4, 1)
    assert float(profile.rating_avg) == 4.5
    assert "4.5 out of 5, 2 reviews" in fact(html, "Rating")
    assert fact(html, "Completed agreements") == "4"
    assert fact(html, "Completion rate") == "80%"


def test_a_new_taskers_profile_says_so(client, db):
    newcomer = TaskerFactory()
    html = client.get(newcomer.get_absolute_url()).content.decode()
    assert "No reviews yet" in fact(html, "Rating")
    assert fact(html, "Completed agreements") == "0"
    assert fact(html, "Completion rate") == "No finished agreements yet"


def test_a_customers_profile_counts_their_tasks(client, customer):
    TaskFactory.create_batch(3, customer=customer)
    html = client.get(customer.get_absolute_url()).content.decode()
    assert fact(html, "Tasks posted") == "3"
    assert "Completion rate" not in html


def test_a_suspended_users_profile_is_404(client, tasker):
    tasker.is_active = False
    tasker.save()
    assert client.get(tasker.get_absolute_url()).status_code == 404
