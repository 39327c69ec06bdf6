"""The dashboard: what waits for me, my tasks, bids and agreements, spent and earned."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.alerts import alert_task
from marketplace.models import REVIEW_BLIND_DAYS, Agreement, Bid, Task
from marketplace.places import place_for_city

from .conftest import client_for
from .factories import (
    BidFactory,
    CustomerFactory,
    ReviewFactory,
    SavedSearchFactory,
    TaskerFactory,
    TaskFactory,
    UserFactory,
    seed_categories,
)
from .helpers import days_ago, make_agreement

DASHBOARD = reverse("marketplace:dashboard")
S = Agreement.Status


def total(html: str, heading: str) -> str:
    match = re.search(rf'<h2 class="h6">{heading}</h2><p class="fs-4 mb-0">([^<]*)</p>', html)
    assert match, heading
    return match.group(1)


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_totals_count_completed_agreements_only(db, other_customer, other_tasker):
    me = UserFactory()  # both a customer and a tasker
    for status, price in [
        (S.COMPLETED, "100.00"),
        (S.COMPLETED, "50.50"),
        (S.ACTIVE, "999.00"),
        (S.DELIVERED, "888.00"),
        (S.CANCELLED, "777.00"),
    ]:
        make_agreement(customer=me, tasker=other_tasker, status=status, price=Decimal(price))
    for status, price in [(S.COMPLETED, "30.00"), (S.CANCELLED, "70.00")]:
        make_agreement(customer=other_customer, tasker=me, status=status, price=Decimal(price))
    # Other people's agreements are none of my business.
    make_agreement(customer=other_customer, tasker=other_tasker, status=S.COMPLETED)

    response = client_for(me).get(DASHBOARD)
    assert (response.context["spent"], response.context["earned"]) == (
        Decimal("150.50"),
        Decimal("30.00"),
    )
    html = response.content.decode()
    assert total(html, "Total spent") == "£150.50"
    assert total(html, "Total earned") == "£30.00"


def test_totals_start_at_zero(customer_client, tasker_client):
    assert total(customer_client.get(DASHBOARD).content.decode(), "Total spent") == "£0.00"
    assert total(tasker_client.get(DASHBOARD).content.decode(), "Total earned") == "£0.00"


def test_what_waits_for_each_party(customer, tasker, customer_client, tasker_client):
    active = make_agreement(customer=customer, tasker=tasker, title="Hang three shelves")
    delivered = make_agreement(
        customer=customer, tasker=tasker, status=S.DELIVERED, title="Fix the garden gate"
    )
    tasker_waiting = tasker_client.get(DASHBOARD).context["needs_action"]
    customer_waiting = customer_client.get(DASHBOARD).context["needs_action"]
    assert list(tasker_waiting) == [active]
    assert list(customer_waiting) == [delivered]
    html = customer_client.get(DASHBOARD).content.decode()
    assert "Tom Tasker says it is delivered: confirm completion" in html


def test_my_tasks_and_bids_are_mine_only(customer, tasker, other_customer, other_tasker):
    mine = TaskFactory(customer=customer, title="Clean the oven please")
    theirs = TaskFactory(customer=other_customer, title="Walk the neighbour's dog")
    BidFactory(task=theirs, tasker=tasker, amount=Decimal("42.00"))
    BidFactory(task=mine, tasker=other_tasker, amount=Decimal("37.00"))

    customer_html = client_for(customer).get(DASHBOARD).content.decode()
    assert "Clean the oven please" in customer_html
    assert "Walk the neighbour&#x27;s dog" not in customer_html

    tasker_html = client_for(tasker).get(DASHBOARD).content.decode()
    assert "Walk the neighbour&#x27;s dog" in tasker_html and "£42.00" in tasker_html
    assert "£37.00" not in tasker_html


def test_each_section_pages_on_its_own(customer_client, customer):
    TaskFactory.create_batch(12, customer=customer)
    first = customer_client.get(DASHBOARD)
    assert len(first.context["tasks"]) == 10
    assert "?tasks_page=2" in first.content.decode()
    second = customer_client.get(DASHBOARD, {"tasks_page": 2, "bids_page": 1})
    assert len(second.context["tasks"]) == 2


def test_my_agreements_are_counted_without_those_waiting_for_me(customer, tasker):
    # Waiting on the customer: delivered work to confirm, a completed one to review.
    make_agreement(customer=customer, tasker=tasker, status=S.DELIVERED)
    make_agreement(customer=customer, tasker=tasker, status=S.COMPLETED)
    for _ in range(10):  # waiting on the tasker, not on the customer
        make_agreement(customer=customer, tasker=tasker, status=S.ACTIVE)
    make_agreement(customer=customer, tasker=tasker, status=S.CANCELLED)
    response = client_for(customer).get(DASHBOARD)
    assert len(response.context["needs_action"]) == 2
    agreements = response.context["agreements"]
    assert (agreements.paginator.count, agreements.paginator.num_pages) == (11, 2)
    # The tasker: ten to deliver and one to review; the delivered and the cancelled one listed.
    response = client_for(tasker).get(DASHBOARD)
    assert len(response.context["needs_action"]) == 11
    assert response.context["agreements"].paginator.count == 2


@pytest.mark.parametrize("number", ["0", "-1", "999", "abc", "1e9", "\x00"])
def test_a_bad_page_number_is_not_an_error(customer_client, customer, number):
    TaskFactory.create_batch(11, customer=customer)
    response = customer_client.get(DASHBOARD, {"tasks_page": number, "agreements_page": number})
    assert response.status_code == 200


def test_reviews_still_to_write_wait_for_each_party(
    customer, tasker, customer_client, tasker_client
):
    completed = make_agreement(
        customer=customer, tasker=tasker, status=S.COMPLETED, title="Paint the fence"
    )
    make_agreement(  # reviews closed: completed too long ago
        customer=customer,
        tasker=tasker,
        status=S.COMPLETED,
        completed_at=days_ago(REVIEW_BLIND_DAYS + 1),
    )
    ReviewFactory(agreement=completed, author=customer, subject=tasker)
    response = tasker_client.get(DASHBOARD)
    assert list(response.context["needs_action"]) == [completed]
    assert list(customer_client.get(DASHBOARD).context["needs_action"]) == []
    html = response.content.decode()
    assert "Write your review of Carol Customer" in html
    assert reverse("marketplace:review_create", args=[completed.pk]) in html
    # Not listed twice: what waits is left out of "My agreements".
    assert completed not in response.context["agreements"]


# --- Empty states and suggestions ---


def _empty_state_titles(html: str) -> list[str]:
    return re.findall(r'<div class="empty-state">.*?<h3 class="h5 mb-1">([^<]*)</h3>', html, re.S)


def test_a_new_taskers_dashboard_suggests_open_tasks_in_their_city_or_skills(db, customer):
    me = TaskerFactory(city="Leeds", skills="piano, Gardening")
    york = {"city": "York", "customer": customer}
    gardening = next(c for c in seed_categories() if c.slug == "gardening")
    in_my_city = TaskFactory(customer=customer, city="LEEDS", created_at=days_ago(3))
    by_skill = TaskFactory(title="Move an upright piano", created_at=days_ago(2), **york)
    by_category = TaskFactory(category=gardening, created_at=days_ago(1), **york)
    # Not suggested: elsewhere with no skill of mine, not open, hidden, or my own.
    TaskFactory(title="Paint a fence", **york)
    TaskFactory(customer=customer, status=Task.Status.ASSIGNED)
    TaskFactory(customer=customer, status=Task.Status.CANCELLED)
    TaskFactory(customer=customer, is_hidden=True)
    TaskFactory(customer=me)

    response = client_for(me).get(DASHBOARD)

    assert list(response.context["suggestions"]) == [by_category, by_skill, in_my_city]
    html = response.content.decode()
    assert "New tasks for you" in html
    assert "You have not bid yet" in _empty_state_titles(html)
    for task in (in_my_city, by_skill, by_category):
        assert f'href="{task.get_absolute_url()}"' in html
    assert 'href="/tasks/">See all open tasks</a>' in html


def test_a_taskers_area_is_ten_miles_around_their_city(db, customer):
    me = TaskerFactory(city="cardiff ", skills="")
    penarth = TaskFactory(customer=customer, city="Penarth", town=place_for_city("Penarth"))
    TaskFactory(customer=customer, city="Leeds", town=place_for_city("Leeds"))
    TaskFactory(customer=customer, city="Newport", town=place_for_city("Newport, Wales"))
    assert list(client_for(me).get(DASHBOARD).context["suggestions"]) == [penarth]


def test_a_city_that_names_no_place_suggests_tasks_in_a_city_of_that_name(db, customer):
    me = TaskerFactory(city="Nowhere Green", skills="")
    here = TaskFactory(customer=customer, city="Nowhere green")
    TaskFactory(customer=customer, city="Penarth", town=place_for_city("Penarth"))
    assert list(client_for(me).get(DASHBOARD).context["suggestions"]) == [here]


def test_at_most_six_tasks_are_suggested_newest_first(db, customer):
    me = TaskerFactory(city="Leeds", skills="")
    tasks = [TaskFactory(customer=customer, created_at=days_ago(n)) for n in range(8)]
    assert list(client_for(me).get(DASHBOARD).context["suggestions"]) == tasks[:6]


def test_tasks_a_tasker_has_bid_on_are_not_suggested_again(db, customer):
    me = TaskerFactory(city="Leeds")
    new = TaskFactory(customer=customer)
    bid_on = TaskFactory(customer=customer)
    BidFactory(task=bid_on, tasker=me, status=Bid.Status.WITHDRAWN)
    response = client_for(me).get(DASHBOARD)
    assert list(response.context["suggestions"]) == [new]
    assert "You have not bid yet" not in response.content.decode()


def test_a_taskers_saved_searches_suggest_what_they_found(db, customer):
    me = TaskerFactory(city="", skills="")
    SavedSearchFactory(owner=me, q="fence", city="Cardiff", created_at=days_ago(1))
    fence = TaskFactory(customer=customer, title="Mend a garden fence", city="Cardiff")
    leeds = TaskFactory(customer=customer, title="Mend a garden fence", city="Leeds")
    hallway = TaskFactory(customer=customer, title="Paint a hallway", city="Cardiff")
    for task in (fence, leeds, hallway):
        alert_task(task.pk)  # as the worker does when each is posted
    response = client_for(me).get(DASHBOARD)
    assert list(response.context["suggestions"]) == [fence]
    assert f'href="{fence.get_absolute_url()}"' in response.content.decode()


def test_a_tasker_with_no_city_or_skills_is_asked_for_them(db, customer):
    me = TaskerFactory(city="", skills="")
    TaskFactory(customer=customer)
    response = client_for(me).get(DASHBOARD)
    assert not response.context["suggestions"]
    html = response.content.decode()
    assert "Tell us what you look for" in _empty_state_titles(html)
    assert f'href="{reverse("accounts:profile_edit")}">Add your city and skills</a>' in html
    assert 'href="/tasks/">Find a task</a>' in html


def test_a_tasker_with_nothing_near_them_is_sent_to_browse(db, customer):
    me = TaskerFactory(city="Leeds", skills="piano")
    TaskFactory(customer=customer, city="York")
    response = client_for(me).get(DASHBOARD)
    assert not response.context["suggestions"]
    assert 'href="/tasks/">Find a task</a>' in response.content.decode()


def test_a_new_customers_dashboard_suggests_posting_a_task(db):
    me = CustomerFactory()
    html = client_for(me).get(DASHBOARD).content.decode()
    assert _empty_state_titles(html) == [
        "Nothing needs your action right now",
        "You have not posted a task yet",
        "No other agreements",
    ]
    assert f'href="{reverse("marketplace:task_create")}">Post your first task</a>' in html
    assert "You have not bid yet" not in html
