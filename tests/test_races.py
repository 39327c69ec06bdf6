"""Contested transitions, raced for real: threads, each with its own database connection.

Run on the file SQLite test database (WAL, IMMEDIATE transactions) and on PostgreSQL
(`DATABASE_URL=postgres://...`). Whatever the interleaving, exactly one racer wins and the
others get a DomainError (the page shows its message): no other exception, no 500.

A race that passes once may still lose one time in ten: `RACE_REPEATS=10` runs every test
here ten times in one run (CI does; the default is once).
"""

import os
from decimal import Decimal

import pytest
from django.test import Client

from marketplace import services
from marketplace.models import Agreement, Bid, Message, Review, Task, TaskEvent
from marketplace.states import DomainError

from .factories import BidFactory, ConversationFactory, TaskerFactory, TaskFactory
from .helpers import make_agreement, race

pytestmark = pytest.mark.django_db(transaction=True)

RACE_REPEATS = int(os.environ.get("RACE_REPEATS", "1"))


@pytest.fixture(autouse=True)
def race_run() -> int:
    """Which run of the race this is; `pytest_generate_tests` below makes RACE_REPEATS."""
    return 1


def pytest_generate_tests(metafunc):
    if RACE_REPEATS > 1 and "race_run" in metafunc.fixturenames:
        runs = range(1, RACE_REPEATS + 1)
        metafunc.parametrize("race_run", runs, ids=[f"run{n}" for n in runs])


def split(outcomes: list) -> tuple[list, list]:
    """The winners' results and the losers' errors; any error but DomainError fails the test."""
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    unexpected = [e for e in errors if not isinstance(e, DomainError)]
    assert not unexpected, [f"{type(e).__name__}: {e}" for e in unexpected]
    return [o for o in outcomes if not isinstance(o, BaseException)], errors


def test_fifty_accepts_of_different_bids_make_one_agreement(customer):
    task = TaskFactory(customer=customer)
    bids = [BidFactory(task=task, tasker=TaskerFactory()) for _ in range(50)]

    wins, losses = split(race(50, lambda i: services.bid_accept(bid=bids[i], by=customer)))

    assert len(wins) == 1 and len(losses) == 49
    agreement = Agreement.objects.get()
    assert agreement == wins[0]
    task.refresh_from_db()
    assert task.status == Task.Status.ASSIGNED
    statuses = list(Bid.objects.values_list("status", flat=True))
    assert statuses.count("accepted") == 1 and statuses.count("rejected") == 49
    assert Bid.objects.get(status="accepted") == agreement.bid
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.BID_ACCEPTED).count() == 1


def test_fifty_accepts_of_the_same_bid_make_one_agreement(customer, tasker):
    task = TaskFactory(customer=customer)
    bid = BidFactory(task=task, tasker=tasker)
    BidFactory(task=task, tasker=TaskerFactory())

    wins, losses = split(race(50, lambda i: services.bid_accept(bid=bid, by=customer)))

    assert len(wins) == 1 and len(losses) == 49
    assert Agreement.objects.get().bid == bid
    assert sorted(Bid.objects.values_list("status", flat=True)) == ["accepted", "rejected"]
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.BID_ACCEPTED).count() == 1


def test_twenty_confirmations_make_one_transition(customer, tasker):
    agreement = make_agreement(customer=customer, tasker=tasker, status=Agreement.Status.DELIVERED)

    wins, losses = split(
        race(20, lambda i: services.agreement_confirm(agreement=agreement, by=customer))
    )

    assert len(wins) == 1 and len(losses) == 19
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.COMPLETED
    assert Task.objects.get().status == Task.Status.COMPLETED
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.COMPLETED).count() == 1


def test_confirm_and_cancel_racing_leave_agreement_and_task_agreeing(customer, tasker):
    agreement = make_agreement(customer=customer, tasker=tasker, status=Agreement.Status.DELIVERED)

    def act(i):
        if i % 2:
            return services.agreement_confirm(agreement=agreement, by=customer)
        return services.agreement_cancel(
            agreement=agreement, by=tasker, reason="Cannot come back to finish it."
        )

    wins, _ = split(race(20, act))

    assert len(wins) == 1
    agreement.refresh_from_db()
    expected = {"completed": "completed", "cancelled": "cancelled"}[agreement.status]
    assert Task.objects.get().status == expected
    assert TaskEvent.objects.exclude(from_status="").count() == 1


def test_twenty_reviews_by_one_author_make_one_review(customer, tasker):
    agreement = make_agreement(customer=customer, tasker=tasker, status=Agreement.Status.COMPLETED)

    wins, losses = split(
        race(
            20,
            lambda i: services.review_create(
                agreement=agreement, by=customer, rating=5, comment=f"Great, take {i}."
            ),
        )
    )

    assert len(wins) == 1 and len(losses) == 19
    assert Review.objects.get().author == customer
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.REVIEWED).count() == 1


def test_bids_placed_while_an_accept_is_in_flight_are_never_left_pending(customer, tasker):
    bidders = [TaskerFactory() for _ in range(15)]
    for _ in range(3):  # a few rounds, for a few interleavings
        task = TaskFactory(customer=customer)
        chosen = BidFactory(task=task, tasker=tasker)

        def act(i, task=task, chosen=chosen):
            if i == 0:
                return services.bid_accept(bid=chosen, by=customer)
            return services.bid_place(
                task=task,
                by=bidders[i - 1],
                amount=Decimal("60.00"),
                message="I can start straight away.",
                estimated_hours=None,
            )

        outcomes = race(len(bidders) + 1, act)
        split(outcomes)
        assert isinstance(outcomes[0], Agreement)
        assert not task.bids.filter(status=Bid.Status.PENDING).exists()
        assert task.bids.filter(status=Bid.Status.ACCEPTED).get() == chosen
        placed = [o for o in outcomes[1:] if isinstance(o, Bid)]
        assert task.bids.count() == 1 + len(placed)


def test_twenty_bids_by_one_tasker_make_one_live_bid(customer, tasker):
    task = TaskFactory(customer=customer)

    wins, losses = split(
        race(
            20,
            lambda i: services.bid_place(
                task=task,
                by=tasker,
                amount=Decimal(50 + i),
                message="I can start straight away.",
                estimated_hours=None,
            ),
        )
    )

    assert len(wins) == 1 and len(losses) == 19
    assert task.bids.count() == 1


def test_withdraw_and_accept_racing_leave_a_consistent_task(customer, tasker):
    task = TaskFactory(customer=customer)
    bid = BidFactory(task=task, tasker=tasker)

    def act(i):
        if i % 2:
            return services.bid_withdraw(bid=bid, by=tasker)
        return services.bid_accept(bid=bid, by=customer)

    wins, _ = split(race(20, act))

    assert len(wins) == 1
    bid.refresh_from_db()
    task.refresh_from_db()
    if bid.status == Bid.Status.ACCEPTED:
        assert task.status == Task.Status.ASSIGNED and Agreement.objects.count() == 1
    else:
        assert bid.status == Bid.Status.WITHDRAWN
        assert task.status == Task.Status.OPEN and not Agreement.objects.exists()


def test_racing_accept_requests_all_get_a_page_and_one_agreement(customer):
    task = TaskFactory(customer=customer)
    bids = [BidFactory(task=task, tasker=TaskerFactory()) for _ in range(10)]
    browser = Client()
    browser.force_login(customer)
    cookies = browser.cookies

    def post(i):
        client = Client()
        client.cookies = cookies
        return client.post(f"/bids/{bids[i].pk}/accept/").status_code

    codes, _ = split(race(10, post))

    assert codes == [302] * 10
    assert Agreement.objects.count() == 1


def test_bidding_and_confirming_between_the_same_two_people_do_not_deadlock(db):
    """Ann bids on Ben's tasks while confirming Ben's work on hers, all at once.

    Locking a task or an agreement must not lock the people on it: a bid needs a key-share
    lock on its tasker, and a confirmation that held its parties' rows would wait for the
    bid's customer while the bid waited for it (PostgreSQL reports a deadlock; a 500).
    """
    from .factories import UserFactory

    ann, ben = UserFactory(), UserFactory()  # both roles
    tasks = [TaskFactory(customer=ben) for _ in range(10)]
    agreements = [
        make_agreement(customer=ann, tasker=ben, status=Agreement.Status.DELIVERED)
        for _ in range(10)
    ]

    def act(i):
        if i % 2:
            return services.agreement_confirm(agreement=agreements[i // 2], by=ann)
        return services.bid_place(
            task=tasks[i // 2],
            by=ann,
            amount=Decimal("40.00"),
            message="I can start straight away.",
            estimated_hours=None,
        )

    wins, losses = split(race(20, act))

    assert len(wins) == 20 and not losses


def test_twenty_submissions_of_one_rendered_form_make_one_message(customer, tasker):
    conversation = ConversationFactory(user_a=customer, user_b=tasker)
    token = "1f8fad5b-d9cb-469f-a165-70867728950e"

    def send(i):
        try:
            return services.submit_once(
                token=token,
                by=tasker,
                create=lambda: services.message_send(
                    conversation=conversation, by=tasker, body="Once only."
                ),
                url_of=lambda message: message.get_absolute_url(),
            )
        except services.AlreadySubmitted as done:
            return done.url

    outcomes = race(20, send)
    message = Message.objects.get()
    assert sorted(map(str, outcomes)) == sorted([str(message)] + [message.get_absolute_url()] * 19)
