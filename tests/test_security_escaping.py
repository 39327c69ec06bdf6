"""Script in anything a user writes is shown as text, on every page that shows it.

Every user-written field holds both payloads below, after a short label of its own. Each page
must show the labelled value escaped where the table says it appears, and never a raw tag,
the admin's changelists, change pages and moderation page included.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from marketplace import services
from marketplace.emails import notification_email
from marketplace.models import Agreement, Notification

from .factories import (
    BidFactory,
    ConversationFactory,
    CustomerFactory,
    MessageFactory,
    ReportFactory,
    ReviewFactory,
    TaskerFactory,
    TaskFactory,
    UserFactory,
)
from .helpers import STRONG_PASSWORD, force_login, make_agreement

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
# Never on any page: the payloads' tags as markup.
RAW = ("<script>alert(1)", "<img src=x onerror", "<i>pc")


def payload(label: str) -> str:
    """Both payloads after a label; short enough for every field (display names hold 80)."""
    return f"{label} {SCRIPT} {ATTRIBUTE}"


# Postcodes hold 10 characters: a shorter tag that breaks out of an attribute all the same.
POSTCODE = '"><i>pc'

VALUES = {
    "carol name": payload("cn"),
    "carol bio": payload("cb"),
    "carol city": payload("cc"),
    "tom name": payload("tn"),
    "tom bio": payload("tb"),
    "tom skills": payload("ts"),
    "task title": payload("tt"),
    "task description": payload("td") + " — a long enough description.",
    "task city": payload("tc"),
    "task postcode": POSTCODE,
    "bid message": payload("bm"),
    "agreement title": payload("at"),
    "cancellation reason": payload("cr"),
    "review by tom": payload("rt"),
    "review by carol": payload("rc"),
    "message body": payload("mb"),
    "report details": payload("rd"),
}


class Objects(dict):
    """The objects holding the payloads, by name; pages are built from their ids."""


@pytest.fixture(scope="module")
def objects(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def build() -> Objects:
    carol = CustomerFactory(
        username="carol",
        display_name=VALUES["carol name"],
        bio=VALUES["carol bio"],
        city=VALUES["carol city"],
    )
    tom = TaskerFactory(
        username="tom",
        display_name=VALUES["tom name"],
        bio=VALUES["tom bio"],
        skills=VALUES["tom skills"],
    )
    staff = UserFactory(username="sam", is_staff=True, is_superuser=True)
    task = TaskFactory(
        customer=carol,
        title=VALUES["task title"],
        description=VALUES["task description"],
        city=VALUES["task city"],
        postcode=VALUES["task postcode"],
    )
    bid = BidFactory(task=task, tasker=tom, message=VALUES["bid message"])
    cancelled = make_agreement(customer=carol, tasker=tom, title=VALUES["agreement title"])
    services.agreement_cancel(agreement=cancelled, by=tom, reason=VALUES["cancellation reason"])
    completed = make_agreement(customer=carol, tasker=tom, status=Agreement.Status.COMPLETED)
    active = make_agreement(customer=carol, tasker=tom, title=VALUES["agreement title"])
    review = ReviewFactory(
        agreement=completed, author=tom, subject=carol, comment=VALUES["review by tom"]
    )
    services.review_create(
        agreement=completed, by=carol, rating=4, comment=VALUES["review by carol"]
    )
    conversation = ConversationFactory(user_a=carol, user_b=tom, task=task)
    message = MessageFactory(conversation=conversation, sender=tom, body=VALUES["message body"])
    report = ReportFactory(
        reporter=tom, kind="task", object_id=task.pk, details=VALUES["report details"]
    )
    return Objects(
        carol=carol,
        tom=tom,
        staff=staff,
        task=task,
        bid=bid,
        cancelled=cancelled,
        active=active,
        completed=completed,
        review=review,
        conversation=conversation,
        message=message,
        report=report,
        notification=Notification.objects.get(recipient=carol, kind="agreement_cancelled"),
    )


def admin(model: str, obj: str | None = None):
    """The admin changelist of `model`, or the change page of `obj`."""
    app = "accounts" if model == "user" else "marketplace"
    if obj is None:
        # The report queue opens on open reports only.
        query = "?status=all" if model == "report" else ""
        return lambda o: reverse(f"admin:{app}_{model}_changelist") + query
    return lambda o: reverse(f"admin:{app}_{model}_change", args=[o[obj].pk])


def page(name: str, *keys: str):
    """The URL of `name`, with the pks of `keys` (objects) as its arguments."""
    return lambda o: reverse(name, args=[o[key].pk for key in keys])


# (who looks, the page, its URL, the values it must show)
PAGES = [
    ("anonymous", "home", page("home"), ["task title"]),
    ("anonymous", "browse", page("marketplace:task_list"), ["task title", "task city"]),
    (
        "anonymous",
        "task",
        page("marketplace:task_detail", "task"),
        ["task title", "task description", "task city", "task postcode", "carol name"],
    ),
    (
        "anonymous",
        "carol's profile",
        lambda o: reverse("accounts:profile", args=["carol"]),
        ["carol name", "carol bio", "carol city", "review by tom"],
    ),
    (
        "anonymous",
        "tom's profile",
        lambda o: reverse("accounts:profile", args=["tom"]),
        ["tom name", "tom bio", "tom skills", "review by carol"],
    ),
    ("carol", "task", page("marketplace:task_detail", "task"), ["bid message", "tom name"]),
    (
        "carol",
        "task edit",
        page("marketplace:task_edit", "task"),
        ["task title", "task description", "task city", "task postcode"],
    ),
    ("carol", "dashboard", page("marketplace:dashboard"), ["task title", "agreement title"]),
    (
        "carol",
        "cancelled agreement",
        page("marketplace:agreement_detail", "cancelled"),
        ["agreement title", "cancellation reason", "tom name"],
    ),
    (
        "carol",
        "completed agreement",
        page("marketplace:agreement_detail", "completed"),
        ["review by tom", "review by carol"],
    ),
    ("carol", "inbox", page("marketplace:inbox"), ["message body", "tom name", "task title"]),
    (
        "carol",
        "conversation",
        page("marketplace:conversation_detail", "conversation"),
        ["message body"],
    ),
    (
        "carol",
        "notifications",
        page("marketplace:notifications"),
        ["cancellation reason", "tom name"],
    ),
    (
        "carol",
        "settings",
        page("accounts:profile_edit"),
        ["carol name", "carol bio", "carol city"],
    ),
    (
        "carol",
        "report a bid",
        lambda o: reverse("marketplace:report_create", args=["bid", o["bid"].pk]),
        [],
    ),
    ("tom", "task", page("marketplace:task_detail", "task"), ["bid message", "task title"]),
    ("tom", "bid edit", page("marketplace:bid_edit", "bid"), ["bid message"]),
    ("tom", "bid form", page("marketplace:bid_create", "task"), ["task title"]),
    ("tom", "settings", page("accounts:profile_edit"), ["tom name", "tom bio", "tom skills"]),
    (
        "tom",
        "agreement cancel",
        page("marketplace:agreement_cancel", "active"),
        ["agreement title", "carol name"],
    ),
    ("staff", "admin users", admin("user"), ["carol name", "carol city"]),
    ("staff", "admin carol", admin("user", "carol"), ["carol name", "carol bio", "carol city"]),
    ("staff", "admin tom", admin("user", "tom"), ["tom name", "tom bio", "tom skills"]),
    ("staff", "admin tasks", admin("task"), ["task title", "task city"]),
    (
        "staff",
        "admin task",
        admin("task", "task"),
        ["task title", "task description", "task city", "task postcode"],
    ),
    ("staff", "admin bids", admin("bid"), ["task title"]),
    ("staff", "admin bid", admin("bid", "bid"), ["bid message"]),
    ("staff", "admin agreements", admin("agreement"), ["agreement title"]),
    (
        "staff",
        "admin cancelled agreement",
        admin("agreement", "cancelled"),
        ["agreement title", "cancellation reason"],
    ),
    (
        "staff",
        "admin completed agreement",
        admin("agreement", "completed"),
        ["review by tom", "review by carol"],
    ),
    ("staff", "admin reviews", admin("review"), []),
    ("staff", "admin review", admin("review", "review"), ["review by tom"]),
    ("staff", "admin messages", admin("message"), ["message body"]),
    ("staff", "admin message", admin("message", "message"), ["message body"]),
    ("staff", "admin conversation", admin("conversation", "conversation"), ["message body"]),
    ("staff", "admin reports", admin("report"), []),
    ("staff", "admin report", admin("report", "report"), ["report details"]),
    ("staff", "admin notifications", admin("notification"), ["cancellation reason"]),
    (
        "staff",
        "admin notification",
        admin("notification", "notification"),
        ["cancellation reason"],
    ),
    ("staff", "admin task events", admin("taskevent"), ["tom name", "carol name"]),
]


def client_for(who: str, o: Objects) -> Client:
    client = Client()
    if who != "anonymous":
        force_login(client, o[who])
    return client


def assert_escaped(html: str, labels: list[str], where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where} shows {raw!r} unescaped"
    for label in labels:
        assert escape(VALUES[label]) in html, f"{where} does not show the {label} (escaped)"


@pytest.mark.parametrize(
    ("who", "url", "labels"),
    [pytest.param(who, url, labels, id=f"{who}: {what}") for who, what, url, labels in PAGES],
)
def test_each_page_shows_what_users_wrote_as_text(objects, who, url, labels):
    address = url(objects)
    response = client_for(who, objects).get(address)

    assert response.status_code == 200, address
    assert_escaped(response.content.decode(), labels, f"{address} (as {who})")


@pytest.mark.parametrize(
    ("model", "key", "label"),
    [("task", "task", "task title"), ("message", "message", "message body")],
)
def test_the_moderation_page_lists_the_content_as_text(objects, model, key, label):
    url = reverse(f"admin:marketplace_{model}_changelist")
    response = client_for("staff", objects).post(
        url, {"action": "hide_selected", "_selected_action": [objects[key].pk]}
    )

    assert response.status_code == 200
    assert_escaped(response.content.decode(), [label], f"hiding a {model}")


def test_the_notification_email_shows_the_reason_as_text(objects):
    email = notification_email(objects["notification"])
    html = email.alternatives[0].content

    assert_escaped(html, ["cancellation reason"], "the notification email")


def test_a_username_with_markup_is_refused_and_shown_back_as_text(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": SCRIPT,
            "email": "x@example.com",
            "display_name": ATTRIBUTE,
            "role": User.Role.CUSTOMER,
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("username")
    assert not User.objects.filter(email="x@example.com").exists()
    html = response.content.decode()
    assert escape(SCRIPT) in html and escape(ATTRIBUTE) in html
    assert not any(raw in html for raw in RAW)


@pytest.mark.parametrize(
    ("url", "reflected"),
    [
        (f"/tasks/?q={SCRIPT}&city={ATTRIBUTE}", [SCRIPT, ATTRIBUTE]),
        (f"/accounts/login/?next={ATTRIBUTE}", [ATTRIBUTE]),
        (f"/tasks/?budget_min={ATTRIBUTE}", [ATTRIBUTE]),
    ],
)
def test_what_is_typed_into_a_url_comes_back_as_text(client, db, url, reflected):
    html = client.get(url).content.decode()

    assert not any(raw in html for raw in RAW)
    assert all(escape(value) in html for value in reflected)
