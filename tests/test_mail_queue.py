"""Every email leaves through the task queue (tasker/mail.py), never from inside a request.

With the database queue that production uses, a page only writes a task row; the worker
(`manage.py db_worker`) sends, and a send that fails is tried again later and stays visible
in the admin.
"""

import logging
import socket
from datetime import timedelta
from smtplib import SMTPException
from unittest import mock

import pytest
from asgiref.local import Local
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.tasks import task_backends
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from marketplace.models import Bid
from tasker.mail import message_from_json, message_to_json

from .factories import TaskFactory

QUEUED = "tasker.mail.QueuedEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SEND = "tasker.mail.send_email"


def forget_task_backends() -> None:
    """Let django.tasks read TASKS again (it keeps its backends once made)."""
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def database_queue(settings, db):
    """The production set-up: the queued mailer in front, tasks in the database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_QUEUE = "database"
    settings.MAILERS = {"default": {"BACKEND": QUEUED}, "outgoing": {"BACKEND": LOCMEM}}
    settings.EMAIL_RETRY_DELAYS = [60, 300]
    forget_task_backends()
    yield
    forget_task_backends()


def run_worker() -> None:
    """What `manage.py db_worker` does, until the queue holds nothing due.

    The worker closes connections it finds inside a transaction, as a test's is: here it
    keeps it, so the test's rows stay visible and are rolled back after."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def sends(status=None):
    rows = DBTaskResult.objects.filter(task_path=SEND)
    return rows.filter(status=status) if status else rows


def place_bid(client, task):
    return client.post(
        reverse("marketplace:bid_create", args=[task.pk]),
        {"amount": "45", "message": "I have fixed many gates and can come on Monday."},
    )


def test_a_bid_queues_its_email_and_the_worker_sends_it(
    database_queue, customer, tasker_client, django_capture_on_commit_callbacks
):
    task = TaskFactory(customer=customer, title="Fix the gate")

    with django_capture_on_commit_callbacks(execute=True):
        response = place_bid(tasker_client, task)

    assert response.status_code == 302
    assert Bid.objects.filter(task=task).exists()
    assert mail.outbox == []  # nothing was sent inside the request
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    run_worker()

    assert [m.to for m in mail.outbox] == [[customer.email]]
    assert "Fix the gate" in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sends("SUCCESSFUL").count() == 1


def test_a_password_reset_email_is_queued_too(database_queue, client, customer):
    page = client.get(reverse("accounts:password_reset"))
    assert page.status_code == 200

    response = client.post(reverse("accounts:password_reset"), {"email": customer.email})

    assert response.status_code == 302
    assert mail.outbox == []
    assert sends("READY").count() == 1
    run_worker()
    assert mail.outbox[0].to == [customer.email]
    assert f"{settings.SITE_URL}/accounts/password/reset/" in mail.outbox[0].body


def test_a_failed_send_is_tried_again_later_and_delivered(database_queue, customer, caplog):
    with mock.patch.object(EmailBackend, "send_messages", side_effect=SMTPException("busy")):
        EmailMultiAlternatives("Hello", "Body", to=[customer.email]).send()
        with caplog.at_level(logging.WARNING, logger="tasker.mail"):
            run_worker()

    failed = sends("FAILED").get()
    assert "SMTPException" in failed.traceback  # the attempt stays visible, with its cause
    retry = sends("READY").get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    wait = retry.run_after - failed.enqueued_at
    assert timedelta(seconds=55) < wait < timedelta(seconds=120)
    assert "trying again in 60 s" in caplog.text
    assert mail.outbox == []

    run_worker()  # not due yet: nothing happens
    assert mail.outbox == []
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # a minute later
    run_worker()

    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert sends("SUCCESSFUL").count() == 1


def test_after_the_last_retry_the_send_is_given_up_and_logged(database_queue, settings, caplog):
    settings.EMAIL_RETRY_DELAYS = [0]
    with (
        mock.patch.object(EmailBackend, "send_messages", side_effect=SMTPException("no")),
        caplog.at_level(logging.WARNING, logger="tasker.mail"),
    ):
        EmailMultiAlternatives("Hello", "Body", to=["someone@example.com"]).send()
        run_worker()

    assert sends("FAILED").count() == 2
    assert not sends("READY").exists()
    assert "Gave up sending the email 'Hello' after 2 attempt(s)" in caplog.text


def test_failed_sends_are_listed_in_the_admin(database_queue, staff_client):
    with mock.patch.object(EmailBackend, "send_messages", side_effect=SMTPException("no")):
        EmailMultiAlternatives("Hello", "Body", to=["someone@example.com"]).send()
        run_worker()
    failed = sends("FAILED").get()

    listing = staff_client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"status__exact": "FAILED"}
    )
    detail = staff_client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
    )

    assert listing.status_code == detail.status_code == 200
    assert "send_email" in listing.content.decode()
    assert "SMTPException" in detail.content.decode()


def refused_port() -> int:
    """A local port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refusing_mail_server_is_no_500_even_without_a_worker(settings, client, customer, caplog):
    """In development the immediate backend sends inside the request: still no error page."""
    settings.MAILERS = {
        "default": {"BACKEND": QUEUED},
        "outgoing": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": refused_port(), "timeout": 2},
        },
    }
    with caplog.at_level(logging.ERROR, logger="tasker.mail"):
        response = client.post(reverse("accounts:password_reset"), {"email": customer.email})

    assert response.status_code == 302
    assert "Gave up sending the email" in caplog.text
    assert "ConnectionRefusedError" in caplog.text


def test_a_message_survives_the_trip_through_json():
    message = EmailMultiAlternatives(
        subject="Subject “quoted”",
        body="Plain body",
        from_email="Tasker <no-reply@example.com>",
        to=["a@example.com"],
        cc=["c@example.com"],
        bcc=["b@example.com"],
        reply_to=["r@example.com"],
        headers={"List-Unsubscribe": "<https://example.com/u/>"},
    )
    message.attach_alternative("<p>HTML body</p>", "text/html")
    message.attach("notes.txt", "some text", "text/plain")
    message.attach("photo.png", b"\x89PNG\r\n\x00binary", "image/png")

    again = message_from_json(message_to_json(message))

    for name in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to", "extra_headers"):
        assert getattr(again, name) == getattr(message, name), name
    assert again.alternatives == message.alternatives
    assert [tuple(a) for a in again.attachments] == [tuple(a) for a in message.attachments]
    assert again.message().as_bytes().count(b"Content-Type") == (
        message.message().as_bytes().count(b"Content-Type")
    )
