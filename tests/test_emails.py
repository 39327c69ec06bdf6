"""Notification emails: sent after commit through django.tasks, as the user allows."""

import logging
from decimal import Decimal
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse

from marketplace import services
from marketplace.emails import unsubscribe_token
from marketplace.models import Bid, Notification
from marketplace.tasks import send_notification_email

from .factories import NotificationFactory, TaskFactory

K = Notification.Kind


@pytest.fixture
def task(customer):
    return TaskFactory(customer=customer, title="Fix the gate")


def place_bid(task, tasker) -> Bid:
    return services.bid_place(
        task=task, by=tasker, amount=Decimal("45"), message="Can do.", estimated_hours=None
    )


def unsubscribe_path(message) -> str:
    """The site path of the email's List-Unsubscribe link."""
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    return link.removeprefix("http://127.0.0.1:8000")


# --- Sending ---


def test_a_notification_is_emailed_after_commit(
    task, tasker, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        place_bid(task, tasker)
        assert mail.outbox == []  # nothing leaves before the transaction commits
    # One for the email; the other moves the listing generation on (tasker/listing.py).
    assert len([c for c in callbacks if c.__module__ != "tasker.listing"]) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer.email]
    assert message.subject == "Tom Tasker bid £45.00 on “Fix the gate”."
    assert "Tom Tasker bid £45.00" in message.body
    assert f"http://127.0.0.1:8000{task.get_absolute_url()}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://127.0.0.1:8000{task.get_absolute_url()}"' in html


def test_the_email_carries_list_unsubscribe_headers(
    task, tasker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        place_bid(task, tasker)
    message = mail.outbox[0]
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http://127.0.0.1:8000/notifications/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.strip("<>") in message.body
    assert link.strip("<>") in message.alternatives[0].content
    assert "List-Unsubscribe" in message.message()


def test_html_escapes_what_users_wrote_and_text_keeps_it_plain(customer):
    notification = NotificationFactory(
        recipient=customer, text="Bid on “<script>x</script> gate & fence”."
    )
    send_notification_email.call(notification_id=notification.pk)
    message = mail.outbox[0]
    assert "“<script>x</script> gate & fence”" in message.body
    html = message.alternatives[0].content
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; gate &amp; fence" in html


def test_nothing_is_emailed_if_the_action_rolls_back(
    task, tasker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            place_bid(task, tasker)
            raise RuntimeError("something later failed")
    assert mail.outbox == []
    assert not Bid.objects.exists()


def test_a_muted_kind_is_not_emailed_but_still_notified(
    task, tasker, customer, django_capture_on_commit_callbacks
):
    customer.email_muted_kinds = [K.BID_PLACED]
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        place_bid(task, tasker)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=customer, kind=K.BID_PLACED).exists()


def test_other_kinds_are_still_emailed_when_one_is_muted(
    task, tasker, customer, django_capture_on_commit_callbacks
):
    customer.email_muted_kinds = [K.MESSAGE]
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        place_bid(task, tasker)
    assert len(mail.outbox) == 1


def test_preferences_are_read_again_when_sending(customer):
    notification = NotificationFactory(recipient=customer, kind=K.BID_PLACED)
    customer.email_muted_kinds = [K.BID_PLACED]
    customer.save()
    result = send_notification_email.enqueue(notification_id=notification.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is False
    assert mail.outbox == []


def test_suspended_users_and_users_without_email_get_none(customer, tasker):
    customer.is_active = False
    customer.save()
    tasker.email = ""
    tasker.save()
    for user in (customer, tasker):
        notification = NotificationFactory(recipient=user)
        assert send_notification_email.call(notification_id=notification.pk) is False
    assert mail.outbox == []


def test_the_task_runs_through_django_tasks(customer):
    notification = NotificationFactory(recipient=customer, text="Hello from the queue")
    result = send_notification_email.enqueue(notification_id=notification.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is True
    assert mail.outbox[0].subject == "Hello from the queue"


def test_one_email_per_conversation_until_read(task, tasker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        conversation = services.conversation_start(task=task, by=tasker)
        for body in ["One", "Two", "Three"]:
            services.message_send(conversation=conversation, by=tasker, body=body)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Tom Tasker sent you a message about “Fix the gate”."
    assert "One" not in mail.outbox[0].body  # the message itself stays on the site


def test_a_multi_line_text_makes_a_one_line_subject(customer):
    notification = NotificationFactory(
        recipient=customer, text="Cancelled: moving\nhouse " + "x" * 200
    )
    send_notification_email.call(notification_id=notification.pk)
    subject = mail.outbox[0].subject
    assert "\n" not in subject
    assert len(subject) == 100


def test_a_failing_mail_server_does_not_undo_the_action(
    task, tasker_client, customer, caplog, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(EmailBackend, "send_messages", side_effect=SMTPException("down")),
        caplog.at_level(logging.ERROR, logger="marketplace.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = tasker_client.post(
            reverse("marketplace:bid_create", args=[task.pk]),
            {"amount": "45", "message": "I have fixed many gates and can come on Monday."},
        )
    assert response.status_code == 302
    assert Bid.objects.filter(task=task).exists()
    assert Notification.objects.filter(recipient=customer, kind=K.BID_PLACED).exists()
    assert mail.outbox == []
    assert "Could not email notification" in caplog.text
    assert "SMTPException" in caplog.text


# --- Email preferences ---


def test_the_preferences_page_needs_sign_in(client):
    response = client.get(reverse("marketplace:email_preferences"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_preferences_page_has_a_checkbox_per_kind(customer, customer_client):
    customer.email_muted_kinds = [K.MESSAGE]
    customer.save()
    response = customer_client.get(reverse("marketplace:email_preferences"))
    html = response.content.decode()
    for kind in K:
        assert f'value="{kind.value}"' in html
        assert str(kind.label) in html
    assert set(response.context["form"].initial["emailed_kinds"]) == set(K.values) - {K.MESSAGE}


def test_saving_preferences_mutes_the_unticked_kinds(customer, customer_client):
    response = customer_client.post(
        reverse("marketplace:email_preferences"),
        {"emailed_kinds": [K.BID_PLACED, K.MESSAGE]},
        follow=True,
    )
    assert "Your email preferences were saved." in response.content.decode()
    customer.refresh_from_db()
    assert set(customer.email_muted_kinds) == set(K.values) - {K.BID_PLACED, K.MESSAGE}


def test_unticking_everything_mutes_every_kind(customer, customer_client):
    customer_client.post(reverse("marketplace:email_preferences"), {})
    customer.refresh_from_db()
    assert set(customer.email_muted_kinds) == set(K.values)


def test_an_unknown_kind_is_a_form_error(customer, customer_client):
    response = customer_client.post(
        reverse("marketplace:email_preferences"), {"emailed_kinds": ["nonsense"]}
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.email_muted_kinds == []


def test_the_profile_page_links_to_the_preferences(customer_client):
    html = customer_client.get(reverse("accounts:profile_edit")).content.decode()
    assert f'href="{reverse("marketplace:email_preferences")}"' in html


# --- One-click unsubscribe ---


def test_the_emailed_unsubscribe_link_asks_then_unsubscribes(
    task, tasker, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        place_bid(task, tasker)
    path = unsubscribe_path(mail.outbox[0])
    anonymous = Client(enforce_csrf_checks=True)

    page = anonymous.get(path)
    assert page.status_code == 200
    assert "Stop these emails?" in page.content.decode()
    assert str(K.BID_PLACED.label) in page.content.decode()
    customer.refresh_from_db()
    assert customer.email_muted_kinds == []  # a GET changes nothing

    # A mail client's one-click POST carries no CSRF token: the signature is the check.
    done = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    customer.refresh_from_db()
    assert customer.email_muted_kinds == [K.BID_PLACED]

    # Once more changes nothing and still answers kindly.
    assert anonymous.post(path).status_code == 200
    customer.refresh_from_db()
    assert customer.email_muted_kinds == [K.BID_PLACED]


def test_unsubscribing_keeps_the_other_muted_kinds(client, customer):
    customer.email_muted_kinds = [K.MESSAGE]
    customer.save()
    client.post(
        reverse("marketplace:email_unsubscribe", args=[unsubscribe_token(customer, K.BID_PLACED)])
    )
    customer.refresh_from_db()
    assert customer.email_muted_kinds == [K.MESSAGE, K.BID_PLACED]


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: unsubscribe_token(user, K.BID_PLACED)[:-2] + "xx",
        lambda user: unsubscribe_token(user, K.BID_PLACED).replace(":", "x:", 1),
        lambda user: signing.dumps({"u": user.pk, "k": K.BID_PLACED}),  # another salt
        lambda user: signing.dumps(
            {"u": user.pk, "k": "nonsense"}, salt="marketplace.emails.unsubscribe"
        ),
        lambda user: signing.dumps(
            {"u": 999999, "k": K.BID_PLACED}, salt="marketplace.emails.unsubscribe"
        ),
        lambda user: "not-a-token",
    ],
)
def test_a_tampered_link_is_refused_and_changes_nothing(client, customer, make_token):
    path = reverse("marketplace:email_unsubscribe", args=[make_token(customer)])
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    customer.refresh_from_db()
    assert customer.email_muted_kinds == []


def test_a_link_for_one_user_cannot_unsubscribe_another(customer_client, customer, tasker):
    # Posted by someone signed in as the customer: the token says whom it unsubscribes.
    customer_client.post(
        reverse("marketplace:email_unsubscribe", args=[unsubscribe_token(tasker, K.MESSAGE)])
    )
    customer.refresh_from_db()
    tasker.refresh_from_db()
    assert customer.email_muted_kinds == []
    assert tasker.email_muted_kinds == [K.MESSAGE]
