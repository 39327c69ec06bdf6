"""Settings → Your data: the download holds everything about you, and nothing private of
anyone else's, in a fixed number of queries."""

import json
from decimal import Decimal

import pytest
from axes.models import AccessLog
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Agreement, BidRevision, Report

from .conftest import client_for
from .factories import (
    PASSWORD,
    BidFactory,
    ConversationFactory,
    MessageFactory,
    NotificationFactory,
    QuestionFactory,
    ReportFactory,
    ReviewFactory,
    TaskerFactory,
    TaskFactory,
    UserFactory,
)
from .helpers import make_agreement

DOWNLOAD = reverse("accounts:data_export_download")

pytestmark = pytest.mark.django_db


def download(client) -> dict:
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def give_rows(user, partner, count: int = 1) -> None:
    """`count` of every kind of row the export holds, between `user` and `partner`."""
    for _ in range(count):
        own_task = TaskFactory(customer=user, title="Paint the shed")
        BidFactory(task=own_task, tasker=partner)
        bid = BidFactory(tasker=user, message="Saturday suits me.")
        BidRevision.objects.create(
            bid=bid, old_amount=Decimal("90"), new_amount=bid.amount, old_message="Sunday?"
        )
        agreement = make_agreement(customer=user, tasker=partner, status=Agreement.Status.COMPLETED)
        now = timezone.now()
        ReviewFactory(
            agreement=agreement,
            author=user,
            subject=partner,
            comment="Lovely work.",
            published_at=now,
        )
        ReviewFactory(
            agreement=agreement,
            author=partner,
            subject=user,
            comment="Clear brief.",
            published_at=now,
        )
        conversation = ConversationFactory(user_a=user, user_b=partner, task=own_task)
        MessageFactory(conversation=conversation, sender=user, body="Is Tuesday fine?")
        MessageFactory(conversation=conversation, sender=partner, body="Tuesday is fine.")
        NotificationFactory(recipient=user, text="Your task got a bid.")
        QuestionFactory(asker=user, text="Shed key?")  # on a stranger's task
        QuestionFactory(
            task=own_task, asker=partner, answer="Under the pot.", answered_at=timezone.now()
        )
        ReportFactory(reporter=user, details="Copied from elsewhere.")
        AccessLog.objects.create(
            username=user.username, ip_address="192.0.2.7", user_agent="Firefox"
        )


@pytest.fixture
def alice(db):
    return UserFactory(
        username="alice", email="alice@example.com", display_name="Alice Both", bio="Gardener."
    )


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", email="bob.secret@example.com", display_name="Bob Partner")


def test_the_download_holds_every_kind_of_row(alice, bob):
    give_rows(alice, bob)
    data = download(client_for(alice))

    assert data["account"]["email"] == "alice@example.com"
    assert data["account"]["bio"] == "Gardener."
    assert data["sign_ins"][0]["ip_address"] == "192.0.2.7"
    sections = {
        "bids": ("message", "Saturday suits me."),
        "bid_revisions": ("old_message", "Sunday?"),
        "agreements": ("tasker_name", "Bob Partner"),
        "reviews_written": ("comment", "Lovely work."),
        "reviews_received": ("comment", "Clear brief."),
        "conversations": ("with_name", "Bob Partner"),
        "notifications": ("text", "Your task got a bid."),
        "reports_made": ("details", "Copied from elsewhere."),
        "questions_asked": ("text", "Shed key?"),
        "answers_given": ("answer", "Under the pot."),
    }
    # Her own task, and the one her agreement came from.
    assert len(data["tasks"]) == 2
    assert "Paint the shed" in [row["title"] for row in data["tasks"]]
    for section, (field, value) in sections.items():
        assert [row[field] for row in data[section]] == [value], section
    assert {(m["body"], m["from_you"]) for m in data["messages"]} == {
        ("Is Tuesday fine?", True),
        ("Tuesday is fine.", False),
    }
    assert data["format"] == "tasker-account-data"
    assert data["task_timeline_entries"] == []  # factories write no timeline; services do


def test_the_download_holds_nothing_private_of_anyone_else(alice, bob):
    give_rows(alice, bob)
    carol, dave = UserFactory(email="carol.secret@example.com"), TaskerFactory()
    # Other people's conversation, notifications and reports.
    theirs = ConversationFactory(user_a=carol, user_b=dave)
    MessageFactory(conversation=theirs, sender=carol, body="A private word between others.")
    NotificationFactory(recipient=bob, text="Bob's own notification.")
    ReportFactory(reporter=bob, kind=Report.Kind.USER, object_id=alice.pk, details="Bob's report")
    # A review of Alice not yet published (blind period), and a message a moderator hid.
    unpublished = make_agreement(customer=carol, tasker=alice, status=Agreement.Status.COMPLETED)
    ReviewFactory(agreement=unpublished, author=carol, subject=alice, comment="Not out yet.")
    shared = ConversationFactory(user_a=alice, user_b=carol)
    MessageFactory(conversation=shared, sender=carol, body="Hidden by a moderator.", is_hidden=True)

    body = client_for(alice).get(DOWNLOAD).content.decode()

    for secret in (
        "bob.secret@example.com",
        "carol.secret@example.com",
        "A private word between others.",
        "Bob's own notification.",
        "Bob's report",
        "Not out yet.",
        "Hidden by a moderator.",
        "pbkdf2",  # no password hash, even one's own
    ):
        assert secret not in body, secret
    assert "Bob Partner" in body  # others appear by their public name


def test_each_person_downloads_only_their_own_data(alice, bob):
    give_rows(alice, bob)
    data = download(client_for(bob))
    assert data["account"]["email"] == "bob.secret@example.com"
    assert "alice@example.com" not in json.dumps(data)
    assert data["tasks"] == []  # Alice's tasks are not Bob's
    assert [row["comment"] for row in data["reviews_written"]] == ["Clear brief."]


def test_a_user_id_in_the_query_string_changes_nothing(alice, bob):
    data = json.loads(client_for(bob).get(DOWNLOAD, {"user": alice.pk, "pk": alice.pk}).content)
    assert data["account"]["username"] == "bob"


# Session, user; the account and its sign-ins; one query per marketplace section (14).
EXPORT_QUERIES = 18


@pytest.mark.parametrize("rows", [1, 12])
def test_the_query_count_does_not_grow_with_the_rows(alice, bob, rows, django_assert_num_queries):
    give_rows(alice, bob, count=rows)
    client = client_for(alice)
    with django_assert_num_queries(EXPORT_QUERIES):
        data = download(client)
    assert len(data["messages"]) == 2 * rows
    assert len(data["tasks"]) == 2 * rows


def test_the_file_is_an_attachment_no_cache_keeps(alice):
    response = client_for(alice).get(DOWNLOAD)
    assert response["Content-Disposition"].startswith('attachment; filename="tasker-data-alice-')
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_visitors_are_sent_to_sign_in(client):
    for url in (reverse("accounts:data_export"), DOWNLOAD):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_the_your_data_page_is_linked_from_settings(alice):
    client = client_for(alice)
    settings_page = client.get(reverse("accounts:profile_edit")).content.decode()
    assert reverse("accounts:data_export") in settings_page
    page = client.get(reverse("accounts:data_export")).content.decode()
    assert DOWNLOAD in page
    assert reverse("accounts:delete") in page


def test_the_sign_ins_come_from_the_log_in_form(client, alice):
    client.post(reverse("accounts:login"), {"username": "ALICE@example.com", "password": PASSWORD})
    data = download(client)
    assert [row["ip_address"] for row in data["sign_ins"]] == ["127.0.0.1"]
