"""No garbage posted to any form is a server error: odd values, unexpected fields, a field
sent twice. (Who may reach each URL, and by which method, is tests/test_routes_*.py.)"""

import pytest
from django.urls import reverse

from marketplace.models import Agreement

from .factories import BidFactory, TaskFactory
from .helpers import make_agreement

GARBAGE = ["", "-1", "0", "1e999", "NaN", "\x00", "x" * 6000, "<b>", "🚀", "2024-13-45"]


@pytest.fixture
def objects(customer, tasker, other_tasker):
    task = TaskFactory(customer=customer)
    bid = BidFactory(task=task, tasker=other_tasker)
    agreement = make_agreement(customer=customer, tasker=tasker)
    completed = make_agreement(customer=customer, tasker=tasker, status=Agreement.Status.COMPLETED)
    cancelled = TaskFactory(customer=customer, status="cancelled")
    return {
        "task": task,
        "bid": bid,
        "agreement": agreement,
        "completed": completed,
        "cancelled": cancelled,
    }


# (url name, the object its pk comes from, who may use it)
PRIVATE = [
    ("task_create", None, "customer"),
    ("task_edit", "task", "customer"),
    ("task_cancel", "task", "customer"),
    ("task_repost", "cancelled", "customer"),
    ("bid_create", "task", "tasker"),
    ("bid_edit", "bid", "other_tasker"),
    ("bid_withdraw", "bid", "other_tasker"),
    ("bid_accept", "bid", "customer"),
    ("agreement_detail", "agreement", "customer"),
    ("agreement_deliver", "agreement", "tasker"),
    ("agreement_confirm", "agreement", "customer"),
    ("agreement_cancel", "agreement", "customer"),
    ("review_create", "completed", "customer"),
    ("dashboard", None, "customer"),
]
FORMS = {
    "task_create": ["title", "description", "category", "budget", "city", "due_date"],
    "task_edit": ["title", "description", "category", "budget", "city", "due_date"],
    "task_repost": ["title", "description", "category", "budget", "city", "due_date"],
    "bid_create": ["amount", "message", "estimated_hours"],
    "bid_edit": ["amount", "message", "estimated_hours"],
    "agreement_cancel": ["reason"],
    "review_create": ["rating", "comment"],
}


def url_of(name, key, objects) -> str:
    args = [objects[key].pk] if key else []
    return reverse(f"marketplace:{name}", args=args)


@pytest.mark.parametrize(("name", "key", "user"), [p for p in PRIVATE if p[0] in FORMS])
def test_garbage_posted_to_any_form_is_never_a_server_error(request, objects, name, key, user):
    client = request.getfixturevalue(f"{user}_client")
    url = url_of(name, key, objects)
    for value in GARBAGE:
        response = client.post(url, dict.fromkeys(FORMS[name], value))
        assert response.status_code in (200, 302), (value, response.status_code)
    for junk in ({}, {"unexpected": "field"}, {FORMS[name][0]: ["two", "values"]}):
        assert client.post(url, junk).status_code in (200, 302)
