"""The transition tables, edge by edge, through the services that use them.

The rules are written out here again, from the design, independently of the models' tables:
a wrong edge in a model fails `test_*_table_is_the_designed_one`, and a service that does not
follow its table fails the edge tests. Every (action, state, persona) is tried: the allowed ones
must move the state and write a TaskEvent, the others must raise DomainError and change nothing.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace import services
from marketplace.models import Agreement, Bid, Notification, Review, Task, TaskEvent
from marketplace.states import DomainError, Party

from .factories import BidFactory, TaskFactory
from .helpers import make_agreement, snapshot

TS, BS, AS = Task.Status, Bid.Status, Agreement.Status
SYSTEM = "system"

TASK_TABLE = {
    "edit": ({TS.OPEN}, None, {Party.CUSTOMER}),
    "bid": ({TS.OPEN}, None, {Task.BIDDER}),
    "accept": ({TS.OPEN}, TS.ASSIGNED, {Party.CUSTOMER}),
    "cancel": ({TS.OPEN}, TS.CANCELLED, {Party.CUSTOMER}),
    "expire": ({TS.OPEN}, TS.EXPIRED, {Party.SYSTEM}),
    "complete": ({TS.ASSIGNED}, TS.COMPLETED, {Party.SYSTEM}),
    "cancel_assigned": ({TS.ASSIGNED}, TS.CANCELLED, {Party.SYSTEM}),
    "repost": ({TS.CANCELLED, TS.EXPIRED}, None, {Party.CUSTOMER}),
    "ask": ({TS.OPEN}, None, {Task.MEMBER}),
    "report": (set(TS.values), None, {Task.MEMBER}),
    "question": ({TS.OPEN}, None, {Task.MEMBER}),
}
BID_TABLE = {
    "edit": ({BS.PENDING}, None, {Party.TASKER}),
    "withdraw": ({BS.PENDING}, BS.WITHDRAWN, {Party.TASKER}),
    "accept": ({BS.PENDING}, BS.ACCEPTED, {Party.CUSTOMER}),
    "reject": ({BS.PENDING}, BS.REJECTED, {Party.SYSTEM}),
}
AGREEMENT_TABLE = {
    "deliver": ({AS.ACTIVE}, AS.DELIVERED, {Party.TASKER}),
    "confirm": ({AS.DELIVERED}, AS.COMPLETED, {Party.CUSTOMER}),
    "cancel": ({AS.ACTIVE, AS.DELIVERED}, AS.CANCELLED, {Party.CUSTOMER, Party.TASKER}),
    "review": ({AS.COMPLETED}, None, {Party.CUSTOMER, Party.TASKER}),
}

# Persona → the role it plays on the object each test builds (None: no role).
TASK_ROLES = {
    "customer": {Party.CUSTOMER},  # the task's owner
    "tasker": {Task.BIDDER, Task.MEMBER},
    "other_customer": {Task.MEMBER},  # a customer only: may ask and report, not bid
    "staff": {Task.BIDDER, Task.MEMBER},  # staff have the role "both": moderation is in the admin
}
BID_ROLES = {
    "tasker": Party.TASKER,  # the bid's author
    "customer": Party.CUSTOMER,  # the task's owner
    "other_tasker": None,
    "staff": None,
}
AGREEMENT_ROLES = {
    "customer": Party.CUSTOMER,
    "tasker": Party.TASKER,
    "other_customer": None,
    "other_tasker": None,
    "staff": None,
}


def allowed(table, roles, action, status, persona) -> bool:
    sources, _, by = table[action]
    who = {Party.SYSTEM} if persona == SYSTEM else roles.get(persona) or set()
    who = {who} if isinstance(who, str) else who
    return status in sources and bool(who & by)


def as_table(model) -> dict:
    return {
        action: (set(rule.sources), rule.target, set(rule.by))
        for action, rule in model.TRANSITIONS.items()
    }


def last_event(task) -> TaskEvent:
    return TaskEvent.objects.filter(task=task).order_by("-id").first()


class People(dict):
    """The personas by name, each made only when a test first asks for it."""

    def __init__(self, request):
        super().__init__({SYSTEM: None})
        self.request = request

    def __missing__(self, name):
        self[name] = self.request.getfixturevalue(name)
        return self[name]


@pytest.fixture
def people(request, db):
    return People(request)


# --- The tables themselves ---


@pytest.mark.parametrize(
    ("model", "table"), [(Task, TASK_TABLE), (Bid, BID_TABLE), (Agreement, AGREEMENT_TABLE)]
)
def test_the_table_is_the_designed_one(model, table):
    assert as_table(model) == table


@pytest.mark.parametrize("model", [Task, Bid, Agreement])
def test_every_state_in_the_table_is_a_real_status(model):
    states = set(model.Status.values)
    parties = {Party.CUSTOMER, Party.TASKER, Party.SYSTEM, Task.BIDDER, Task.MEMBER}
    for action, rule in model.TRANSITIONS.items():
        assert rule.sources, action
        assert rule.sources <= states, action
        assert rule.target is None or rule.target in states, action
        assert rule.by and rule.by <= parties, action
        assert rule.label, action


# --- Task ---


def task_in(status, people) -> Task:
    task = TaskFactory(customer=people["customer"], status=status)
    # A pending bid, to accept; other_tasker is left out of TASK_ROLES since a second bid
    # from them is refused for another reason (tests/test_bids.py).
    BidFactory(task=task, tasker=people["other_tasker"])
    return task


def do_task_action(action, task, user):
    if action == "edit":
        task.title = "Assemble two wardrobes, not one"
        return services.task_edit(task=task, by=user, changed=["title"])
    if action == "bid":
        return services.bid_place(
            task=task,
            by=user,
            amount=Decimal("65.00"),
            message="I can do it tomorrow morning.",
            estimated_hours=None,
        )
    if action == "accept":
        return services.bid_accept(bid=task.bids.get(), by=user)
    if action == "cancel":
        return services.task_cancel(task=task, by=user)
    if action == "expire":
        return services.task_expire(task=task)
    if action == "repost":
        new = Task(
            title=task.title,
            description=task.description,
            category=task.category,
            budget=task.budget,
            city=task.city,
            due_date=task.due_date,
            reposted_from=task,
        )
        return services.task_post(task=new, by=user)
    raise AssertionError(action)


TASK_SERVICE_ACTIONS = ["edit", "bid", "accept", "cancel", "repost"]
TASK_CASES = [
    (action, status, persona)
    for action in TASK_SERVICE_ACTIONS
    for status in TS.values
    for persona in TASK_ROLES
] + [("expire", status, SYSTEM) for status in TS.values]


@pytest.mark.parametrize(("action", "status", "persona"), TASK_CASES)
def test_task_edge(action, status, persona, people):
    task = task_in(status, people)
    user = people[persona]
    if not allowed(TASK_TABLE, TASK_ROLES, action, status, persona):
        before = snapshot()
        with pytest.raises(DomainError):
            do_task_action(action, task, user)
        assert snapshot() == before
        return

    result = do_task_action(action, task, user)
    task.refresh_from_db()
    target = TASK_TABLE[action][1]
    event = last_event(result if action == "repost" else task)
    assert event.actor == user
    if target is not None:
        assert task.status == target
        assert (event.from_status, event.to_status) == (status, target)
    if action == "edit":
        assert task.title == "Assemble two wardrobes, not one"
        assert event.kind == TaskEvent.Kind.EDITED
        assert Notification.objects.filter(
            recipient=people["other_tasker"], kind=Notification.Kind.TASK_CHANGED
        ).exists()
    elif action == "bid":
        assert result.status == BS.PENDING and result.tasker == user
        assert event.kind == TaskEvent.Kind.BID_PLACED
    elif action == "accept":
        assert Agreement.objects.get(task=task).tasker == people["other_tasker"]
        assert event.kind == TaskEvent.Kind.BID_ACCEPTED
    elif action == "cancel":
        assert event.kind == TaskEvent.Kind.CANCELLED
        assert set(task.bids.values_list("status", flat=True)) == {BS.REJECTED}
    elif action == "expire":
        assert event.kind == TaskEvent.Kind.EXPIRED
        assert set(task.bids.values_list("status", flat=True)) == {BS.REJECTED}
    elif action == "repost":
        assert task.status == status  # the old task stays as it was
        assert result.status == TS.OPEN and result.reposted_from == task
        assert event.kind == TaskEvent.Kind.REPOSTED


@pytest.mark.parametrize("status", TS.values)
@pytest.mark.parametrize("action", ["complete", "cancel_assigned"])
def test_only_the_system_moves_an_assigned_task_on(action, status, people):
    task = task_in(status, people)
    for persona in TASK_ROLES:
        with pytest.raises(DomainError):
            task.move(action, people[persona])
    if status == TS.ASSIGNED:
        assert task.move(action, None) == TS.ASSIGNED
        task.refresh_from_db()
        assert task.status == TASK_TABLE[action][1]
    else:
        with pytest.raises(DomainError):
            task.move(action, None)
        task.refresh_from_db()
        assert task.status == status


@pytest.mark.parametrize("status", TS.values)
def test_task_available_actions_per_persona(status, people):
    task = task_in(status, people)
    for persona in TASK_ROLES:
        expected = [a for a in TASK_TABLE if allowed(TASK_TABLE, TASK_ROLES, a, status, persona)]
        assert task.available_actions(people[persona]) == expected, persona
    assert task.available_actions(AnonymousUser()) == []


def test_a_suspended_customer_can_do_nothing_with_their_task(people):
    task = task_in(TS.OPEN, people)
    people["customer"].is_active = False
    assert task.available_actions(people["customer"]) == []
    with pytest.raises(DomainError):
        services.task_cancel(task=task, by=people["customer"])


# --- Bid ---


def do_bid_action(action, bid, user):
    if action == "edit":
        return services.bid_edit(
            bid=bid,
            by=user,
            amount=Decimal("55.00"),
            message="Cheaper: I am nearby that day.",
            estimated_hours=Decimal("2.0"),
        )
    if action == "withdraw":
        return services.bid_withdraw(bid=bid, by=user)
    if action == "accept":
        return services.bid_accept(bid=bid, by=user)
    raise AssertionError(action)


BID_CASES = [
    (action, status, persona)
    for action in ["edit", "withdraw", "accept"]
    for status in BS.values
    for persona in BID_ROLES
]


@pytest.mark.parametrize(("action", "status", "persona"), BID_CASES)
def test_bid_edge_on_an_open_task(action, status, persona, people):
    bid = BidFactory(
        task=TaskFactory(customer=people["customer"]), tasker=people["tasker"], status=status
    )
    user = people[persona]
    if not allowed(BID_TABLE, BID_ROLES, action, status, persona):
        before = snapshot()
        with pytest.raises(DomainError):
            do_bid_action(action, bid, user)
        assert snapshot() == before
        return

    do_bid_action(action, bid, user)
    bid.refresh_from_db()
    bid.task.refresh_from_db()
    event = last_event(bid.task)
    assert event.actor == user
    if action == "edit":
        assert bid.status == BS.PENDING and bid.amount == Decimal("55.00")
        assert bid.revisions.get().old_amount == Decimal("70.00")
        assert event.kind == TaskEvent.Kind.BID_EDITED
    elif action == "withdraw":
        assert bid.status == BS.WITHDRAWN
        assert event.kind == TaskEvent.Kind.BID_WITHDRAWN
        assert (event.from_status, event.to_status) == (BS.PENDING, BS.WITHDRAWN)
    elif action == "accept":
        assert bid.status == BS.ACCEPTED
        assert bid.task.status == TS.ASSIGNED
        assert event.kind == TaskEvent.Kind.BID_ACCEPTED
        assert (event.from_status, event.to_status) == (TS.OPEN, TS.ASSIGNED)


@pytest.mark.parametrize("task_status", [s for s in TS.values if s != TS.OPEN])
@pytest.mark.parametrize("action", ["edit", "withdraw", "accept"])
def test_a_pending_bid_cannot_change_once_its_task_is_not_open(action, task_status, people):
    bid = BidFactory(
        task=TaskFactory(customer=people["customer"], status=task_status),
        tasker=people["tasker"],
    )
    user = people["customer"] if action == "accept" else people["tasker"]
    assert bid.available_actions(user) == []
    before = snapshot()
    with pytest.raises(DomainError, match="no longer open"):
        do_bid_action(action, bid, user)
    assert snapshot() == before


@pytest.mark.parametrize("via", ["cancel", "expire", "accept another"])
def test_the_system_rejects_pending_bids_and_nothing_else(via, people):
    task = TaskFactory(customer=people["customer"])
    pending = BidFactory(task=task, tasker=people["tasker"])
    withdrawn = BidFactory(task=task, tasker=people["other_customer"], status=BS.WITHDRAWN)
    chosen = BidFactory(task=task, tasker=people["other_tasker"])
    if via == "cancel":
        services.task_cancel(task=task, by=people["customer"])
    elif via == "expire":
        services.task_expire(task=task)
    else:
        services.bid_accept(bid=chosen, by=people["customer"])
    for bid in (pending, withdrawn, chosen):
        bid.refresh_from_db()
    assert pending.status == BS.REJECTED
    assert withdrawn.status == BS.WITHDRAWN
    assert chosen.status == (BS.ACCEPTED if via == "accept another" else BS.REJECTED)


@pytest.mark.parametrize("status", BS.values)
def test_bid_available_actions_per_persona(status, people):
    bid = BidFactory(
        task=TaskFactory(customer=people["customer"]), tasker=people["tasker"], status=status
    )
    for persona in BID_ROLES:
        expected = [a for a in BID_TABLE if allowed(BID_TABLE, BID_ROLES, a, status, persona)]
        assert bid.available_actions(people[persona]) == expected, persona
    assert bid.available_actions(AnonymousUser()) == []


# --- Agreement ---


def do_agreement_action(action, agreement, user):
    if action == "deliver":
        return services.agreement_deliver(agreement=agreement, by=user)
    if action == "confirm":
        return services.agreement_confirm(agreement=agreement, by=user)
    if action == "cancel":
        return services.agreement_cancel(
            agreement=agreement, by=user, reason="I am ill and cannot do it, sorry."
        )
    if action == "review":
        return services.review_create(agreement=agreement, by=user, rating=4, comment="Good.")
    raise AssertionError(action)


AGREEMENT_CASES = [
    (action, status, persona)
    for action in AGREEMENT_TABLE
    for status in AS.values
    for persona in AGREEMENT_ROLES
]


@pytest.mark.parametrize(("action", "status", "persona"), AGREEMENT_CASES)
def test_agreement_edge(action, status, persona, people):
    agreement = make_agreement(customer=people["customer"], tasker=people["tasker"], status=status)
    task = agreement.task
    user = people[persona]
    if not allowed(AGREEMENT_TABLE, AGREEMENT_ROLES, action, status, persona):
        before = snapshot()
        with pytest.raises(DomainError):
            do_agreement_action(action, agreement, user)
        assert snapshot() == before
        return

    do_agreement_action(action, agreement, user)
    agreement.refresh_from_db()
    task.refresh_from_db()
    event = last_event(task)
    assert event.actor == user
    if action == "deliver":
        assert agreement.status == AS.DELIVERED and agreement.delivered_at
        assert task.status == TS.ASSIGNED
        assert event.kind == TaskEvent.Kind.DELIVERED
        assert (event.from_status, event.to_status) == (AS.ACTIVE, AS.DELIVERED)
    elif action == "confirm":
        assert agreement.status == AS.COMPLETED and agreement.completed_at
        assert task.status == TS.COMPLETED
        assert event.kind == TaskEvent.Kind.COMPLETED
        assert (event.from_status, event.to_status) == (TS.ASSIGNED, TS.COMPLETED)
    elif action == "cancel":
        assert agreement.status == AS.CANCELLED and agreement.cancelled_by == user
        assert agreement.cancellation_reason == "I am ill and cannot do it, sorry."
        assert task.status == TS.CANCELLED
        assert event.kind == TaskEvent.Kind.AGREEMENT_CANCELLED
        assert (event.from_status, event.to_status) == (TS.ASSIGNED, TS.CANCELLED)
    elif action == "review":
        review = Review.objects.get(agreement=agreement)
        assert review.author == user and review.subject == agreement.counterpart(user)
        assert agreement.status == AS.COMPLETED
        assert event.kind == TaskEvent.Kind.REVIEWED


@pytest.mark.parametrize("status", AS.values)
def test_agreement_available_actions_per_persona(status, people):
    agreement = make_agreement(customer=people["customer"], tasker=people["tasker"], status=status)
    for persona in AGREEMENT_ROLES:
        expected = [
            a
            for a in AGREEMENT_TABLE
            if allowed(AGREEMENT_TABLE, AGREEMENT_ROLES, a, status, persona)
        ]
        assert agreement.available_actions(people[persona]) == expected, persona
    assert agreement.available_actions(AnonymousUser()) == []


def test_review_is_no_longer_available_to_its_author(people):
    agreement = make_agreement(
        customer=people["customer"], tasker=people["tasker"], status=AS.COMPLETED
    )
    services.review_create(agreement=agreement, by=people["customer"], rating=5, comment="Top.")
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.available_actions(people["customer"]) == []
    assert agreement.available_actions(people["tasker"]) == ["review"]
