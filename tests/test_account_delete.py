"""Delete my account: password and confirmation first; the person's data goes, what other
people rely on stays under "Deleted user"; nothing happens while an agreement is in progress."""

import re

import pytest
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import User
from marketplace import services
from marketplace.models import Agreement, Bid, Message, Notification, Review, Task, TaskEvent
from marketplace.states import DomainError

from .conftest import client_for
from .factories import (
    PASSWORD,
    BidFactory,
    ConversationFactory,
    MessageFactory,
    NotificationFactory,
    ReviewFactory,
    TaskFactory,
)
from .helpers import STRONG_PASSWORD, make_agreement, messages_of, snapshot

DELETE = reverse("accounts:delete")

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """What the confirmation page's form posts, read off the page (a browser's view)."""
    html = response.content.decode()
    form = re.search(rf'<form method="post" action="{DELETE}".*?</form>', html, re.DOTALL)
    assert form, "no deletion form on the page"
    fields = set(re.findall(r'<input[^>]* name="([^"]+)"', form.group(0)))
    assert fields == {"csrfmiddlewaretoken", "password"}
    return {"password": PASSWORD}


@pytest.fixture
def history(customer, tasker):
    """A finished piece of work between Carol and Tom: both reviewed, messages exchanged."""
    agreement = make_agreement(customer=customer, tasker=tasker, status=Agreement.Status.COMPLETED)
    ReviewFactory(agreement=agreement, author=tasker, subject=customer, comment="Kind and clear.")
    ReviewFactory(agreement=agreement, author=customer, subject=tasker, comment="Tidy work.")
    Review.objects.update(published_at=agreement.completed_at)
    conversation = ConversationFactory(user_a=customer, user_b=tasker, task=agreement.task)
    MessageFactory(conversation=conversation, sender=tasker, body="On my way.")
    MessageFactory(conversation=conversation, sender=customer, body="The gate code is 4711.")
    return agreement


def delete(client) -> object:
    return client.post(DELETE, form_data(client.get(DELETE)))


def test_the_confirmation_page_changes_nothing(customer_client, history):
    before = snapshot(sessions=True)
    response = customer_client.get(DELETE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Deleted user" in page and "cannot be undone" in page
    assert snapshot(sessions=True) == before


def test_deleting_keeps_what_the_other_person_relies_on(customer, tasker, history):
    client = client_for(tasker)
    response = delete(client)

    assert response.status_code == 302 and response.url == reverse("home")
    tasker.refresh_from_db()
    assert tasker.is_deleted and not tasker.is_active
    assert tasker.name == "Deleted user"
    assert not tasker.has_usable_password()
    assert tasker.email.endswith("@deleted.invalid") and tasker.username.startswith("deleted-")
    assert (tasker.display_name, tasker.bio, tasker.city, tasker.skills) == ("", "", "", "")
    # The agreement, both reviews and both messages are still there, for Carol.
    assert Agreement.objects.filter(pk=history.pk, tasker=tasker).exists()
    assert Review.objects.filter(agreement=history).count() == 2
    assert Message.objects.filter(conversation__task=history.task).count() == 2

    carol = client_for(customer)
    for url in (
        history.get_absolute_url(),
        Message.objects.first().conversation.get_absolute_url(),
        reverse("marketplace:inbox"),
        reverse("marketplace:dashboard"),
        customer.get_absolute_url(),  # Tom's review of her, by "Deleted user"
    ):
        page = carol.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert "Deleted user" in html, url
        assert "Tom Tasker" not in html and "tom@example.com" not in html, url


def test_a_deleted_profile_says_so_and_shows_nothing_of_who_it_was(client, tasker, history):
    delete(client_for(tasker))
    tasker.refresh_from_db()
    response = client.get(tasker.get_absolute_url())
    assert response.status_code == 410
    assert "Deleted user" in response.content.decode()
    assert "Tom" not in response.content.decode()
    assert client.get(reverse("accounts:profile", args=["tom"])).status_code == 404


def test_the_account_cannot_sign_in_again(client, tasker, history):
    delete(client_for(tasker))
    for login in ("tom", "tom@example.com"):
        client.post(reverse("accounts:login"), {"username": login, "password": PASSWORD})
        assert "_auth_user_id" not in client.session


def test_every_session_is_signed_out(tasker, history):
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        device.post(reverse("accounts:login"), {"username": "tom", "password": PASSWORD})
    assert laptop.get(reverse("marketplace:dashboard")).status_code == 200

    response = delete(phone)
    assert "Your account has been deleted" in " ".join(messages_of(response))
    assert "_auth_user_id" not in phone.session
    response = laptop.get(reverse("marketplace:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    signed_in = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]
    assert signed_in == []


def test_open_tasks_are_cancelled_and_pending_bids_withdrawn_with_notices(
    customer, tasker, other_customer
):
    own_task = TaskFactory(customer=tasker, title="Fix my gate")
    bidder_bid = BidFactory(task=own_task, tasker=customer)
    # Tom is a tasker, but may also post; his own task gets a bid from Carol (role "both").
    customer.role = User.Role.BOTH
    customer.save()
    pending = BidFactory(
        task=TaskFactory(customer=other_customer, title="Mow the lawn"), tasker=tasker
    )

    delete(client_for(tasker))

    own_task.refresh_from_db(), bidder_bid.refresh_from_db(), pending.refresh_from_db()
    assert own_task.status == Task.Status.CANCELLED
    assert bidder_bid.status == Bid.Status.REJECTED
    assert pending.status == Bid.Status.WITHDRAWN
    told_carol = Notification.objects.get(recipient=customer)
    assert told_carol.kind == Notification.Kind.TASK_CHANGED and "Fix my gate" in told_carol.text
    told_oscar = Notification.objects.get(recipient=other_customer)
    assert told_oscar.text == "Deleted user withdrew their bid on “Mow the lawn”."
    kinds = set(TaskEvent.objects.values_list("kind", flat=True))
    assert kinds == {TaskEvent.Kind.CANCELLED, TaskEvent.Kind.BID_WITHDRAWN}


def test_the_users_own_notifications_and_sign_in_records_go(tasker, history):
    NotificationFactory(recipient=tasker, text="Carol confirmed completion.")
    client = Client()
    client.post(reverse("accounts:login"), {"username": "tom", "password": PASSWORD})
    assert AccessLog.objects.filter(username="tom").exists()
    delete(client)
    assert not Notification.objects.filter(recipient=tasker).exists()
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("status", [Agreement.Status.ACTIVE, Agreement.Status.DELIVERED])
def test_an_agreement_in_progress_refuses_and_changes_nothing(customer, tasker, status):
    agreement = make_agreement(customer=customer, tasker=tasker, status=status)
    TaskFactory(customer=tasker)
    client = client_for(tasker)
    page = client.get(DELETE).content.decode()
    assert "cannot be deleted yet" in page and agreement.title in page
    before = snapshot(sessions=True)

    response = client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 200
    assert "finish or cancel it from your dashboard" in response.content.decode()
    assert snapshot(sessions=True) == before


def test_a_wrong_password_refuses_and_changes_nothing(tasker_client, history):
    before = snapshot(sessions=True)
    response = tasker_client.post(DELETE, {"password": "not-my-password"})
    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    response = tasker_client.post(DELETE, {})
    assert response.status_code == 200
    assert snapshot(sessions=True) == before


def test_staff_accounts_are_closed_by_an_administrator(staff_client, staff):
    before = snapshot(sessions=True)
    response = staff_client.post(DELETE, {"password": PASSWORD})
    assert "Staff accounts cannot be deleted here" in response.content.decode()
    assert snapshot(sessions=True) == before


def test_nobody_deletes_someone_else(customer, tasker, history):
    """The form has no say over whose account goes: it is always the signed-in user's."""
    client = client_for(tasker)
    client.post(DELETE, {"password": PASSWORD, "user": customer.pk, "username": "carol"})
    customer.refresh_from_db()
    tasker.refresh_from_db()
    assert tasker.is_deleted
    assert not customer.is_deleted and customer.is_active and customer.username == "carol"


def test_visitors_are_sent_to_sign_in(client, tasker):
    before = snapshot(sessions=True)
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert snapshot(sessions=True) == before


def test_the_old_username_and_email_are_free_again(client, tasker, history):
    delete(client_for(tasker))
    password = STRONG_PASSWORD
    client.post(
        reverse("accounts:signup"),
        {
            "username": "tom",
            "email": "tom@example.com",
            "role": User.Role.TASKER,
            "password1": password,
            "password2": password,
        },
    )
    newcomer = User.objects.get(username="tom")
    assert newcomer.pk != tasker.pk
    assert not Review.objects.filter(author=newcomer).exists()


def test_nobody_can_write_to_a_deleted_account(customer, tasker, history):
    delete(client_for(tasker))
    conversation = Message.objects.first().conversation
    carol = client_for(customer)
    page = carol.get(conversation.get_absolute_url()).content.decode()
    assert "nobody can reply" in page and 'name="body"' not in page
    agreement_page = carol.get(history.get_absolute_url()).content.decode()
    assert "Message Deleted user" not in agreement_page
    # A form sent anyway (an old tab) is refused.
    carol.post(conversation.get_absolute_url(), {"body": "Hello?"})
    assert Message.objects.count() == 2
    with pytest.raises(DomainError, match="This account has been deleted"):
        services.message_send(conversation=conversation, by=customer, body="Hello?")
    with pytest.raises(DomainError, match="This account has been deleted"):
        services.conversation_start(task=history.task, by=customer)


def test_the_timeline_forgets_the_name(customer, tasker):
    """The notes that bid_accept and review_create write name the parties."""
    task = TaskFactory(customer=customer, title="Clean the oven")
    services.bid_accept(bid=BidFactory(task=task, tasker=tasker), by=customer)
    agreement = Agreement.objects.get(task=task)
    services.agreement_deliver(agreement=agreement, by=tasker)
    services.agreement_confirm(agreement=agreement, by=customer)
    services.review_create(agreement=agreement, by=customer, rating=5, comment="Spotless.")
    services.review_create(agreement=agreement, by=tasker, rating=5, comment="Kind.")
    assert TaskEvent.objects.filter(note__contains="Tom Tasker").count() == 3

    delete(client_for(tasker))

    assert not TaskEvent.objects.filter(note__contains="Tom Tasker").exists()
    notes = set(TaskEvent.objects.exclude(note="").values_list("note", flat=True))
    assert notes == {
        "Deleted user's bid accepted.",
        "Carol Customer reviewed Deleted user.",
        "Deleted user reviewed Carol Customer.",
    }
    page = client_for(customer).get(task.get_absolute_url()).content.decode()
    assert "Tom Tasker" not in page and "Deleted user" in page


def test_a_deleted_account_cannot_be_reinstated(tasker, staff, history):
    delete(client_for(tasker))
    tasker.refresh_from_db()
    with pytest.raises(DomainError):
        account_services.user_reinstate(user=tasker, by=staff)
    tasker.refresh_from_db()
    assert not tasker.is_active
