"""Query counts, pinned: every page costs the same number of queries for 1 row and for 50.

Each test measures a page with one row of what it lists (or of what surrounds it), adds 49
more, and measures it again against the same pinned number: a query in a template loop
(N+1) fails it. The budget is 8 queries a page; a test says what each query is for.
"""

from decimal import Decimal
from uuid import uuid4

import pytest
from django.core.cache import cache
from django.urls import reverse

from marketplace import services
from marketplace.emails import unsubscribe_token
from marketplace.models import (
    MAX_PHOTOS,
    Agreement,
    BidRevision,
    Notification,
    TaskAlert,
    TaskEvent,
)

from .conftest import client_for
from .factories import (
    BidFactory,
    ConversationFactory,
    MessageFactory,
    NotificationFactory,
    QuestionFactory,
    ReviewFactory,
    SavedSearchFactory,
    TaskerFactory,
    TaskFactory,
    TaskPhotoFactory,
    UserFactory,
    category,
    seed_categories,
)
from .helpers import make_agreement

BROWSE = reverse("marketplace:task_list")
MORE = 49
# The most any page may take: the dashboard of someone who both posts and bids, and the
# task page of a customer with bids.
BUDGET = 8

# Every signed-in page reads its session and its user, and the navbar's two unread counts
# (messages, notifications) in one query. The task page and the dashboard read those counts
# with their own first query, so their pins below are SIGNED_IN plus the queries listed, less
# one.
SIGNED_IN = 3


@pytest.fixture
def pinned(django_assert_num_queries):
    def check(client, url, expected: int, *, grow) -> None:
        assert expected <= BUDGET, f"{url} is over the budget of {BUDGET} queries"
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200
        grow()
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200

    return check


def more_tasks(customer, **fields):
    return lambda: TaskFactory.create_batch(MORE, customer=customer, **fields)


def more_notifications(user):
    return lambda: NotificationFactory.create_batch(MORE, recipient=user)


# --- Browsing ---


def uncached(grow):
    """`grow`, then nothing cached: the filter form is cached under a counter that new
    tasks do not move (tasker/listing.py), so without this the second visit would skip it."""

    def both():
        grow()
        cache.clear()

    return both


def test_browse_anonymous(client, customer, pinned):
    TaskFactory(customer=customer)
    # the count, the page's tasks, the category choices of the filter form
    pinned(client, BROWSE, 3, grow=uncached(more_tasks(customer)))


def test_browse_filtered_and_signed_in(tasker_client, customer, pinned):
    gardening = next(c for c in seed_categories() if c.slug == "gardening")
    TaskFactory(customer=customer, title="Weed the beds", category=gardening)
    url = f"{BROWSE}?q=weed&category=gardening&sort=budget_asc&budget_min=1&city=leeds"
    # The filter form looks up the chosen category, and the search the category names.
    pinned(
        tasker_client,
        url,
        SIGNED_IN + 5,
        grow=uncached(more_tasks(customer, title="Weed the beds", category=gardening)),
    )


def test_browse_signed_in_from_the_page_cache(tasker_client, customer, pinned):
    """Once rendered, a signed-in person's browse page is theirs from the page cache: it
    costs their session and their user alone (measured twice, nothing changed between)."""
    TaskFactory(customer=customer)
    assert tasker_client.get(BROWSE).status_code == 200
    pinned(tasker_client, BROWSE, SIGNED_IN - 1, grow=lambda: None)


def test_browse_anonymous_from_the_page_cache(client, customer, pinned):
    TaskFactory(customer=customer)
    assert client.get(BROWSE).status_code == 200
    pinned(client, BROWSE, 0, grow=lambda: None)


def test_home_page(client, customer, pinned):
    TaskFactory(customer=customer)
    # the categories, the latest open tasks
    pinned(client, reverse("home"), 2, grow=more_tasks(customer))


# --- The task page ---


def bids_with_history(task, n: int) -> None:
    """n bids from n taskers, each revised once, each tasker with a track record."""
    for _ in range(n):
        bid = BidFactory(task=task, tasker=TaskerFactory(), amount=Decimal("60.00"))
        BidRevision.objects.create(
            bid=bid, old_amount=Decimal("75.00"), new_amount=bid.amount, old_message="First go."
        )
        TaskEvent.objects.create(task=task, actor=bid.tasker, kind=TaskEvent.Kind.BID_PLACED)
        done = make_agreement(customer=task.customer, tasker=bid.tasker, status="completed")
        ReviewFactory(agreement=done, published_at=done.completed_at)


def test_task_page_as_owner_with_bids(customer_client, customer, pinned):
    task = TaskFactory(customer=customer)
    bids_with_history(task, 1)
    # task (with the customer's reputation and the agreement), events, questions, photos, bids (with
    # each tasker's), revisions
    pinned(
        customer_client,
        task.get_absolute_url(),
        SIGNED_IN + 5,
        grow=lambda: bids_with_history(task, MORE),
    )


def test_task_page_sorted_by_rating(customer_client, customer, pinned):
    task = TaskFactory(customer=customer)
    bids_with_history(task, 1)
    pinned(
        customer_client,
        task.get_absolute_url() + "?sort=rating",
        SIGNED_IN + 5,
        grow=lambda: bids_with_history(task, MORE),
    )


def test_task_page_as_anonymous_visitor(client, customer, pinned):
    task = TaskFactory(customer=customer)
    bids_with_history(task, 1)
    # task (with the agreement), events, questions, photos
    pinned(client, task.get_absolute_url(), 4, grow=lambda: bids_with_history(task, MORE))


def test_task_page_as_a_bidder(tasker_client, tasker, customer, pinned):
    task = TaskFactory(customer=customer)
    bid = BidFactory(task=task, tasker=tasker)

    def grow():
        bids_with_history(task, MORE)
        for i in range(MORE):
            BidRevision.objects.create(
                bid=bid, old_amount=Decimal(80 + i), new_amount=bid.amount, old_message="Before."
            )

    # task (with the agreement), events, questions, photos, my bid, its revisions
    pinned(tasker_client, task.get_absolute_url(), SIGNED_IN + 5, grow=grow)


def test_task_page_as_a_tasker_who_may_bid(tasker_client, customer, pinned):
    task = TaskFactory(customer=customer)
    bids_with_history(task, 1)
    # task (with the agreement), events, questions, photos, my (absent) bid; the forms need nothing
    pinned(
        tasker_client,
        task.get_absolute_url(),
        SIGNED_IN + 4,
        grow=lambda: bids_with_history(task, MORE),
    )


def more_questions(task, n: int) -> None:
    """n questions from n askers, every other one answered."""
    for i in range(n):
        question = QuestionFactory(task=task, asker=TaskerFactory())
        if i % 2:
            services.question_answer(question=question, by=task.customer, answer="Yes.")


@pytest.mark.parametrize("viewer", ["owner", "tasker", "anonymous"])
def test_task_page_with_questions(viewer, customer, customer_client, tasker_client, client, pinned):
    task = TaskFactory(customer=customer)
    more_questions(task, 1)
    # task (with the agreement, and the navbar's badges when signed in), events, photos, a page
    # of questions with their askers; the owner's page also reads the (no) bids, a tasker's
    # their (absent) bid; answer forms need nothing
    clients = {"owner": customer_client, "tasker": tasker_client, "anonymous": client}
    expected = {"owner": SIGNED_IN + 4, "tasker": SIGNED_IN + 4, "anonymous": 4}[viewer]
    pinned(
        clients[viewer],
        task.get_absolute_url(),
        expected,
        grow=lambda: more_questions(task, MORE),
    )


def test_a_later_page_of_questions(client, customer, pinned):
    task = TaskFactory(customer=customer)
    more_questions(task, 11)
    pinned(
        client,
        task.get_absolute_url() + "?questions=2",
        4,
        grow=lambda: more_questions(task, MORE),
    )


def test_ask_a_question_form(tasker_client, customer, pinned):
    task = TaskFactory(customer=customer)
    # the task (with its customer)
    pinned(
        tasker_client,
        reverse("marketplace:question_create", args=[task.pk]),
        SIGNED_IN + 1,
        grow=lambda: more_questions(task, MORE),
    )


def test_answer_a_question_form(customer_client, customer, pinned):
    task = TaskFactory(customer=customer)
    question = QuestionFactory(task=task)
    # the question (with its task and asker)
    pinned(
        customer_client,
        reverse("marketplace:question_answer", args=[question.pk]),
        SIGNED_IN + 1,
        grow=lambda: more_questions(task, MORE),
    )


# --- Forms about a task, a bid or an agreement ---


def test_post_a_task_form(customer_client, customer, pinned):
    # the category choices
    pinned(
        customer_client,
        reverse("marketplace:task_create"),
        SIGNED_IN + 1,
        grow=more_tasks(customer),
    )


def test_edit_a_task_form(customer_client, customer, pinned):
    task = TaskFactory(customer=customer)
    # the task, the category choices, how many photos it has (the photo field's limit)
    pinned(
        customer_client,
        reverse("marketplace:task_edit", args=[task.pk]),
        SIGNED_IN + 3,
        grow=lambda: bids_with_history(task, MORE),
    )


def test_bid_form(tasker_client, customer, pinned):
    task = TaskFactory(customer=customer)
    BidFactory(task=task)
    # the task (with its customer)
    pinned(
        tasker_client,
        reverse("marketplace:bid_create", args=[task.pk]),
        SIGNED_IN + 1,
        grow=lambda: BidFactory.create_batch(MORE, task=task),
    )


def test_revise_a_bid_form(tasker_client, tasker, customer, pinned):
    bid = BidFactory(task=TaskFactory(customer=customer), tasker=tasker)

    def grow():
        for i in range(MORE):
            BidRevision.objects.create(
                bid=bid, old_amount=Decimal(80 + i), new_amount=bid.amount, old_message="Before."
            )

    # the bid (with its task)
    pinned(tasker_client, reverse("marketplace:bid_edit", args=[bid.pk]), SIGNED_IN + 1, grow=grow)


def more_events(agreement):
    def grow():
        for _ in range(MORE):
            TaskEvent.objects.create(
                task=agreement.task, actor=agreement.tasker, kind=TaskEvent.Kind.BID_PLACED
            )

    return grow


def test_agreement_page(customer_client, customer, tasker, pinned):
    agreement = make_agreement(customer=customer, tasker=tasker, status="completed")
    ReviewFactory(agreement=agreement, published_at=agreement.completed_at)
    # agreement (with task and parties), its reviews, the task's events
    pinned(
        customer_client, agreement.get_absolute_url(), SIGNED_IN + 3, grow=more_events(agreement)
    )


def test_cancel_an_agreement_form(customer_client, customer, tasker, pinned):
    agreement = make_agreement(customer=customer, tasker=tasker)
    # the agreement (with task and parties)
    pinned(
        customer_client,
        reverse("marketplace:agreement_cancel", args=[agreement.pk]),
        SIGNED_IN + 1,
        grow=more_events(agreement),
    )


def test_review_form(customer_client, customer, tasker, pinned):
    agreement = make_agreement(customer=customer, tasker=tasker, status="completed")
    # the agreement (with its parties)
    pinned(
        customer_client,
        reverse("marketplace:review_create", args=[agreement.pk]),
        SIGNED_IN + 1,
        grow=more_events(agreement),
    )


def message_from(sender, *, to):
    conversation = ConversationFactory(user_a=to, user_b=sender)
    return MessageFactory(conversation=conversation, sender=sender)


@pytest.mark.parametrize("kind", ["task", "bid", "review", "message", "question", "user"])
def test_report_form(kind, customer, customer_client, tasker, pinned):
    task = TaskFactory()  # someone else's
    targets = {
        "task": lambda: task,
        "bid": lambda: BidFactory(task=TaskFactory(customer=customer), tasker=tasker),
        "review": lambda: ReviewFactory(
            agreement=make_agreement(customer=tasker, tasker=customer, status="completed"),
            published_at=task.created_at,
        ),
        "message": lambda: message_from(TaskerFactory(), to=customer),
        "question": lambda: QuestionFactory(task=task),
        "user": lambda: tasker,
    }
    target = targets[kind]()
    # what is reported, looked up among what the user may report
    pinned(
        customer_client,
        reverse("marketplace:report_create", args=[kind, target.pk]),
        SIGNED_IN + 1,
        grow=lambda: [targets[kind]() for _ in range(MORE)],
    )


# --- People ---


def test_profile_page(client, tasker, pinned):
    def review_of_tasker():
        done = make_agreement(customer=TaskerFactory(), tasker=tasker, status="completed")
        ReviewFactory(agreement=done, published_at=done.completed_at)

    review_of_tasker()
    # the user with reputation, the reviews' count, the page of reviews
    pinned(
        client,
        tasker.get_absolute_url(),
        3,
        grow=lambda: [review_of_tasker() for _ in range(MORE)],
    )


def test_profile_settings_form(customer_client, customer, pinned):
    # nothing beyond the signed-in user
    pinned(customer_client, reverse("accounts:profile_edit"), SIGNED_IN, grow=more_tasks(customer))


def test_dashboard(db, pinned):
    me = UserFactory()  # both roles, so every section shows
    other = UserFactory()

    def one_of_each():
        TaskFactory(customer=me)
        BidFactory(tasker=me)
        make_agreement(customer=me, tasker=other, status=Agreement.Status.DELIVERED)
        make_agreement(customer=other, tasker=me, status=Agreement.Status.COMPLETED)  # to review
        make_agreement(customer=me, tasker=other, status=Agreement.Status.CANCELLED)

    one_of_each()
    # the sections' counts, the totals and the badges (one query); waiting for me; a page
    # each of agreements, tasks and bids; the new tasks for me
    pinned(
        client_for(me),
        reverse("marketplace:dashboard"),
        SIGNED_IN + 5,
        grow=lambda: [one_of_each() for _ in range(MORE)],
    )


def test_dashboard_of_a_new_tasker_with_suggestions(db, customer, pinned):
    me = TaskerFactory(city="Leeds", skills="piano, gardening")
    TaskFactory(customer=customer, city="Leeds")
    # the sections' counts, the totals and the badges (one query); waiting for me; the
    # suggested tasks (what my saved searches found, a subquery of the same query)
    pinned(
        client_for(me),
        reverse("marketplace:dashboard"),
        SIGNED_IN + 2,
        grow=lambda: (
            [
                TaskFactory(customer=customer, city=city, title=f"Tune a piano {n}")
                for n, city in enumerate(["Leeds", "York"] * MORE)
            ]
            + [
                TaskAlert(
                    search=SavedSearchFactory(owner=me), task=TaskFactory(), batch=uuid4()
                ).save()
                for _ in range(MORE)
            ]
        ),
    )


def test_saved_search_list(tasker, tasker_client, pinned):
    SavedSearchFactory(owner=tasker, category=category())
    # the count, the page of searches (with their categories)
    pinned(
        tasker_client,
        reverse("marketplace:saved_search_list"),
        SIGNED_IN + 2,
        grow=lambda: SavedSearchFactory.create_batch(MORE, owner=tasker, category=category()),
    )


# --- Messages and notifications ---


def test_inbox(customer, customer_client, pinned):
    message_from(TaskerFactory(), to=customer)
    # the count with the navbar's, the page of conversations (last message and unread
    # count as subqueries)
    pinned(
        customer_client,
        reverse("marketplace:inbox"),
        SIGNED_IN + 1,
        grow=lambda: [message_from(TaskerFactory(), to=customer) for _ in range(MORE)],
    )


def test_conversation_with_unread_messages(customer, customer_client, tasker, pinned):
    conversation = ConversationFactory(user_a=customer, user_b=tasker)

    def from_tasker(n: int):
        return lambda: [
            services.message_send(conversation=conversation, by=tasker, body=f"Hello {i}")
            for i in range(n)
        ]

    from_tasker(1)()
    # the conversation (with its messages' count); marking it read (the read marker, the
    # message notifications); the page of messages. Each request finds new messages.
    pinned(
        customer_client,
        conversation.get_absolute_url(),
        SIGNED_IN + 4,
        grow=from_tasker(MORE),
    )


def test_conversation_already_read(customer, customer_client, tasker, pinned):
    conversation = ConversationFactory(user_a=customer, user_b=tasker)
    MessageFactory(conversation=conversation, sender=tasker)
    customer_client.get(conversation.get_absolute_url())  # read it
    cache.clear()  # and not served from the page cache: rendered

    def from_me():
        for i in range(MORE):
            services.message_send(conversation=conversation, by=customer, body=f"Me {i}")

    # the conversation (with its messages' count), the page of messages; nothing to mark
    # read, so nothing written
    pinned(customer_client, conversation.get_absolute_url(), SIGNED_IN + 2, grow=from_me)


def test_notifications(customer, customer_client, pinned):
    NotificationFactory(recipient=customer)
    # the count, the page of notifications
    pinned(
        customer_client,
        reverse("marketplace:notifications"),
        SIGNED_IN + 2,
        grow=more_notifications(customer),
    )


def test_email_preferences_form(customer, customer_client, pinned):
    # nothing beyond the signed-in user, who holds the preferences
    pinned(
        customer_client,
        reverse("marketplace:email_preferences"),
        SIGNED_IN,
        grow=more_notifications(customer),
    )


def test_unsubscribe_page_signed_out(client, customer, pinned):
    token = unsubscribe_token(customer, Notification.Kind.BID_PLACED)
    # the user the signed token names
    pinned(
        client,
        reverse("marketplace:email_unsubscribe", args=[token]),
        1,
        grow=more_notifications(customer),
    )


# --- Signing in and account pages ---


@pytest.mark.parametrize(
    "name",
    ["accounts:login", "accounts:signup", "accounts:password_reset"],
)
def test_signed_out_account_pages(client, customer, pinned, name):
    # nothing: no session yet, no user
    pinned(client, reverse(name), 0, grow=more_tasks(customer))


def test_password_change_form(customer_client, customer, pinned):
    pinned(
        customer_client, reverse("accounts:password_change"), SIGNED_IN, grow=more_tasks(customer)
    )


# --- Photos ---


def more_tasks_with_photos(customer):
    def grow():
        for task in TaskFactory.create_batch(MORE, customer=customer):
            TaskPhotoFactory(task=task)

    return grow


def test_browse_with_photos(client, customer, pinned):
    TaskPhotoFactory(task=TaskFactory(customer=customer))
    # the count, the page's tasks (each with its first photo's thumbnail), the categories
    pinned(client, BROWSE, 3, grow=uncached(more_tasks_with_photos(customer)))


def test_task_page_with_photos_as_a_visitor(client, customer, pinned):
    task = TaskFactory(customer=customer)
    TaskPhotoFactory(task=task)
    # task (with its agreement), events, questions, photos
    pinned(
        client,
        task.get_absolute_url(),
        4,
        grow=lambda: TaskPhotoFactory.create_batch(MAX_PHOTOS - 1, task=task),
    )


def test_task_photos_page(customer_client, customer, pinned):
    task = TaskFactory(customer=customer)
    TaskPhotoFactory(task=task)
    # the task, its photos
    pinned(
        customer_client,
        reverse("marketplace:task_photos", args=[task.pk]),
        SIGNED_IN + 2,
        grow=lambda: TaskPhotoFactory.create_batch(MAX_PHOTOS - 1, task=task),
    )


def test_photo_removal_page(customer_client, customer, pinned):
    task = TaskFactory(customer=customer)
    photo = TaskPhotoFactory(task=task)
    # the photo with its task
    pinned(
        customer_client,
        reverse("marketplace:photo_delete", args=[photo.pk]),
        SIGNED_IN + 1,
        grow=lambda: TaskPhotoFactory.create_batch(MAX_PHOTOS - 1, task=task),
    )


def test_the_task_page_shows_the_same_unread_badges_as_other_pages(customer_client, customer):
    """The task page reads the badges with its task: the counts must be the navbar's own."""
    task = TaskFactory(customer=customer)
    NotificationFactory.create_batch(2, recipient=customer)
    badge = '<span class="badge rounded-pill nav-count">2<span class="visually-hidden"> unread'
    for url in (task.get_absolute_url(), reverse("marketplace:dashboard")):
        assert badge in customer_client.get(url).content.decode(), url
