"""Whole pages from the page cache (tasker/pagecache.py): never stale, never someone else's.

A signed-in person's browse, home, task, profile, dashboard and inbox pages are cached for
them alone. Every change they could notice — made by them, by someone else, or by the site
itself — must show on their very next request; each form on a cached page must still post
with the request's own CSRF token; and a flash message is shown once, never cached.
"""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from marketplace import services
from marketplace.models import Bid, Notification
from marketplace.notifications import notify
from tasker import listing, pagecache

from .conftest import client_for
from .factories import TaskFactory
from .helpers import force_login, page_form, post_forms

BROWSE = reverse("marketplace:task_list")
HOME = reverse("home")
DASHBOARD = reverse("marketplace:dashboard")
INBOX = reverse("marketplace:inbox")


def shown(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def twice(client, url) -> str:
    """The page as rendered, then as served from the cache (which must be the same)."""
    first = shown(client, url)
    second = shown(client, url)
    assert pagecache.without_tokens(second.encode()) == pagecache.without_tokens(first.encode())
    return second


def sent_by(response, path: str) -> dict:
    """What the page's one form posting to `path` sends as shown."""
    (form,) = post_forms(response, path)
    return form.data


def badge(page: str, label: str) -> int:
    """The navbar's unread count beside `label` ("Messages", "Notifications"), or 0."""
    found = re.search(rf"{label}</span> <span class=\"badge[^>]*>(\d+)", page)
    return int(found[1]) if found else 0


@pytest.fixture
def task(customer):
    return TaskFactory(customer=customer, title="Paint the shed", budget=Decimal("80"))


def bid_on(task, tasker, amount="60") -> Bid:
    return services.bid_place(
        task=task, by=tasker, amount=Decimal(amount), message="I can do it.", estimated_hours=None
    )


# --- What a cached page may show ---


def test_every_model_is_public_private_or_never_on_a_cached_page():
    """A model a page comes to show must say which generation its changes move."""
    labels = {
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in ("accounts", "marketplace")
    }
    public = set(listing.LISTING_MODELS)
    private = set(listing.PERSON_MODELS)
    unshown = set(listing.UNSHOWN_MODELS)
    assert not (public & private or public & unshown or private & unshown)
    assert labels == public | private | unshown, labels ^ (public | private | unshown)


@pytest.mark.parametrize("url", [BROWSE, HOME, DASHBOARD, INBOX, "task", "profile"])
def test_a_persons_page_is_served_again_for_their_session_and_user_alone(
    tasker_client, tasker, task, url, django_assert_num_queries
):
    url = {"task": task.get_absolute_url(), "profile": task.customer.get_absolute_url()}.get(
        url, url
    )
    first = shown(tasker_client, url)
    with django_assert_num_queries(2):  # the session and the user
        again = shown(tasker_client, url)
    assert pagecache.without_tokens(again.encode()) == pagecache.without_tokens(first.encode())


def test_a_persons_page_never_reaches_another_person(customer, tasker, task):
    carol, tom = client_for(customer), client_for(tasker)
    for url in (DASHBOARD, INBOX, BROWSE, task.get_absolute_url()):
        twice(carol, url)
        navbar = twice(tom, url).split("</nav>")[0]
        assert tasker.name in navbar
        assert customer.name not in navbar
    for url in (BROWSE, task.get_absolute_url()):  # the public ones
        assert "Sign out" not in shown(Client(), url)


# --- Changes someone else makes show at once ---


def test_a_bid_on_my_task_shows_on_my_task_page_and_dashboard_at_once(customer, tasker, task):
    carol, tom = client_for(customer), client_for(tasker)
    assert "I can do it" not in twice(carol, task.get_absolute_url())
    twice(carol, DASHBOARD)
    form = tom.get(task.get_absolute_url())
    data = page_form(form, reverse("marketplace:bid_create", args=[task.pk]))
    data |= {"amount": "65", "message": "I can do it this week."}
    assert tom.post(reverse("marketplace:bid_create", args=[task.pk]), data).status_code == 302
    assert Bid.objects.filter(task=task, tasker=tasker, amount=65).exists()
    assert "I can do it this week." in shown(carol, task.get_absolute_url())
    assert badge(shown(carol, DASHBOARD), "Notifications") == 1


def test_a_withdrawn_bid_leaves_the_owners_page_and_the_cards_count_at_once(customer, tasker, task):
    """A withdrawal (a transition, and an entry on the timeline) shows everywhere at once."""
    bid = bid_on(task, tasker)
    carol, tom = client_for(customer), client_for(tasker)
    assert "I can do it." in twice(carol, task.get_absolute_url())
    assert "1 bid" in twice(Client(), BROWSE)
    assert "1 bid" in twice(tom, BROWSE)
    url = reverse("marketplace:bid_withdraw", args=[bid.pk])
    assert tom.post(url, page_form(tom.get(url))).status_code == 302
    assert Bid.objects.get(pk=bid.pk).status == Bid.Status.WITHDRAWN
    for client in (Client(), tom):
        page = shown(client, BROWSE)
        assert "0 bids" in page
        assert "1 bid" not in page
    assert "Withdrawn" in shown(carol, task.get_absolute_url())


def test_an_accepted_bid_shows_on_the_taskers_dashboard_at_once(customer, tasker, task):
    bid = bid_on(task, tasker)
    tom = client_for(tasker)
    assert "Paint the shed" in twice(tom, DASHBOARD)
    agreement = services.bid_accept(bid=bid, by=customer)
    link = reverse("marketplace:agreement_detail", args=[agreement.pk])
    assert link in shown(tom, DASHBOARD)


def test_a_message_shows_in_the_inbox_and_the_badge_at_once(customer, tasker, task):
    carol, tom = client_for(customer), client_for(tasker)
    conversation = services.conversation_start(task=task, by=tasker)
    twice(carol, INBOX)
    twice(carol, task.get_absolute_url())
    page = tom.get(conversation.get_absolute_url())
    data = sent_by(page, conversation.get_absolute_url()) | {"body": "Is the paint already there?"}
    assert tom.post(conversation.get_absolute_url(), data).status_code == 302
    assert "Is the paint already there?" in shown(carol, INBOX)
    assert badge(shown(carol, task.get_absolute_url()), "Messages") == 1


def test_reading_a_conversation_clears_its_mark_in_the_inbox_at_once(customer, tasker, task):
    carol = client_for(customer)
    conversation = services.conversation_start(task=task, by=tasker)
    services.message_send(conversation=conversation, by=tasker, body="Hello Carol")
    assert badge(twice(carol, INBOX), "Messages") == 1
    shown(carol, conversation.get_absolute_url())
    assert badge(shown(carol, INBOX), "Messages") == 0


def test_marking_notifications_read_clears_the_badge_at_once(customer, tasker, task):
    bid_on(task, tasker)
    carol = client_for(customer)
    assert badge(twice(carol, DASHBOARD), "Notifications") == 1
    url = reverse("marketplace:notifications_mark_all_read")
    carol.post(url, sent_by(carol.get(reverse("marketplace:notifications")), url))
    assert badge(shown(carol, DASHBOARD), "Notifications") == 0


def test_an_edited_answer_shows_at_once(customer, tasker, task):
    question = services.question_ask(task=task, by=tasker, text="Which colour is the shed?")
    services.question_answer(question=question, by=customer, answer="Green")
    tom = client_for(tasker)
    assert "Green" in twice(tom, task.get_absolute_url())
    services.question_answer(question=question, by=customer, answer="Dark blue")
    assert "Dark blue" in shown(tom, task.get_absolute_url())


# --- Forms and flash messages on a cached page ---


def test_a_form_on_a_cached_page_posts_with_the_requests_own_token(customer, tasker, task):
    """The page is stored without its tokens; each serving fills in the request's own, so
    the form posts whichever session the page was first rendered for."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    force_login(first, tasker)
    force_login(second, tasker)
    url = task.get_absolute_url()
    twice(first, url)
    bid_url = reverse("marketplace:bid_create", args=[task.pk])
    cached = second.get(url)
    assert pagecache.TOKEN_PLACEHOLDER not in cached.content
    data = page_form(cached, bid_url) | {"amount": "55", "message": "I can come tomorrow morning."}
    assert second.post(bid_url, data).status_code == 302
    assert Bid.objects.filter(task=task, tasker=tasker, amount=55).exists()


def test_a_flash_message_is_shown_once_and_never_stored(customer, tasker, task):
    bid = bid_on(task, tasker)
    tom = client_for(tasker)
    twice(tom, task.get_absolute_url())
    url = reverse("marketplace:bid_withdraw", args=[bid.pk])
    response = tom.post(url, page_form(tom.get(url)), follow=True)
    assert "Your bid was withdrawn." in response.content.decode()
    assert "Your bid was withdrawn." not in shown(tom, task.get_absolute_url())
    assert "Your bid was withdrawn." not in shown(tom, task.get_absolute_url())


def test_a_conversation_is_served_again_until_the_other_person_writes(
    customer, tasker, task, django_assert_num_queries
):
    conversation = services.conversation_start(task=task, by=tasker)
    services.message_send(conversation=conversation, by=tasker, body="Hello Carol")
    carol, url = client_for(customer), conversation.get_absolute_url()
    assert "Hello Carol" in shown(carol, url)  # read now: the unread mark goes
    twice(carol, url)
    with django_assert_num_queries(3):  # the session, the user, the conversation
        shown(carol, url)
    services.message_send(conversation=conversation, by=tasker, body="Are you there?")
    assert "Are you there?" in shown(carol, url)


# --- Writes that send no signal move the generations all the same ---


def test_a_notification_alone_shows_in_the_badge_at_once(customer, task):
    """notify() inserts in bulk (no post_save): it moves the recipients' generations."""
    carol = client_for(customer)
    assert badge(twice(carol, DASHBOARD), "Notifications") == 0
    notify(
        recipients=[customer],
        kind=Notification.Kind.BID_PLACED,
        text="A new bid on Paint the shed.",
        url=task.get_absolute_url(),
    )
    assert badge(shown(carol, DASHBOARD), "Notifications") == 1


def test_a_transition_alone_moves_the_listing_generation(tasker, task):
    """A transition is a conditional bulk update (states.apply): no post_save is sent."""
    bid = bid_on(task, tasker)
    before = listing.generation()
    bid.move("withdraw", tasker)
    assert listing.generation() != before
