"""What pages say to people: their words, not the code's."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from accounts.models import User
from marketplace import services

from .factories import BidFactory, TaskFactory, UserFactory
from .helpers import make_agreement

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's text, as a person reads it."""
    return " ".join(strip_tags(response.content.decode()).split())


def test_the_timeline_shows_no_state_names(customer, tasker, customer_client):
    task = TaskFactory(customer=customer)
    bid = BidFactory(task=task, tasker=tasker)
    agreement = services.bid_accept(bid=bid, by=customer)
    services.agreement_deliver(agreement=agreement, by=tasker)
    page = words(customer_client.get(agreement.get_absolute_url()))
    assert "Bid accepted by Carol Customer" in page
    assert "Marked as delivered by Tom Tasker" in page
    for internal in ("→", "(open", "in progress →", "assigned)"):
        assert internal not in page


def test_an_edit_names_the_fields_as_the_form_does(customer, customer_client):
    task = TaskFactory(customer=customer)
    task.due_date = task.due_date.replace(day=1) if task.due_date.day > 1 else task.due_date
    services.task_edit(task=task, by=customer, changed=["due_date", "is_remote"])
    page = words(customer_client.get(task.get_absolute_url()))
    assert "Changed: due date, can be done remotely." in page
    assert "due_date" not in page


def test_the_timeline_never_names_the_moderator(customer, customer_client, tasker, tasker_client):
    moderator = UserFactory(display_name="Alex Morgan", is_staff=True, is_superuser=True)
    task = TaskFactory(customer=customer)
    BidFactory(task=task, tasker=tasker)
    services.content_hide(obj=task, by=moderator, reason="Looks like a scam.")
    page = words(customer_client.get(task.get_absolute_url()))
    assert "Hidden by a moderator" in page
    assert "Alex Morgan" not in page
    bidder_page = words(tasker_client.get(task.get_absolute_url()))
    assert "Hidden by a moderator" in bidder_page
    assert "Looks like a scam" not in bidder_page  # the reason is for the author
    assert "Looks like a scam.." not in page


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (User.Role.CUSTOMER, "Posts tasks"),
        (User.Role.TASKER, "Does tasks"),
        (User.Role.BOTH, "Posts tasks and does tasks"),
    ],
)
def test_a_public_profile_says_what_the_person_does(client, role, shown):
    person = UserFactory(role=role)
    page = words(client.get(person.get_absolute_url()))
    assert f"@{person.username} · {shown}" in page
    assert "I post tasks" not in page and "I do tasks" not in page


def test_the_agreement_page_does_not_mix_task_and_agreement_states(customer, tasker, tasker_client):
    agreement = make_agreement(customer=customer, tasker=tasker)
    services.agreement_deliver(agreement=agreement, by=tasker)
    page = words(tasker_client.get(reverse("marketplace:agreement_detail", args=[agreement.pk])))
    assert "(in progress → delivered)" not in page
