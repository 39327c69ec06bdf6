"""The listing caches (tasker/listing.py) never show stale or someone else's content.

Browse and the home page are cached whole for signed-out visitors, and browse's results
for everybody. Every change a visitor could notice must show on the very next request, a
page cached whole must hold nothing per-person, and a cache that is down must only make the
pages slower.
"""

import socket
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import reverse

from accounts import services as account_services
from marketplace import paging, services
from marketplace.forms import TaskFilterForm
from marketplace.models import Category, Task
from tasker import listing, pagecache

from .conftest import client_for
from .factories import PASSWORD, TaskFactory, UserFactory, seed_categories

BROWSE = reverse("marketplace:task_list")
HOME = reverse("home")


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mo", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture(params=["signed out", "signed in"])
def visitor(request, client, db):
    """A signed-out visitor (whole page cached) and a signed-in one (results cached)."""
    if request.param == "signed out":
        return client
    return client_for(UserFactory(username="vera", display_name="Vera Visitor"))


def shown(client, url=BROWSE) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Every change a visitor could notice shows at once ---


@pytest.mark.parametrize("url", [BROWSE, HOME])
def test_a_new_task_shows_at_once(visitor, customer, url):
    TaskFactory(customer=customer, title="Paint the shed")
    assert "Paint the shed" in shown(visitor, url)
    task = Task(
        title="Mow the lawn",
        description="A small front lawn; the mower is in the garage.",
        category=Category.objects.order_by("pk").first(),
        budget=Decimal("30"),
        city="Leeds",
        due_date=TaskFactory.build().due_date,
    )
    services.task_post(task=task, by=customer)
    assert "Mow the lawn" in shown(visitor, url)


def test_an_edited_task_shows_at_once(visitor, customer):
    task = TaskFactory(customer=customer, title="Paint the shed")
    assert "Paint the shed" in shown(visitor)
    task.title = "Paint the fence"
    services.task_edit(task=task, by=customer, changed=["title"])
    page = shown(visitor)
    assert "Paint the fence" in page
    assert "Paint the shed" not in page


def test_a_hidden_task_goes_at_once(visitor, customer, moderator):
    task = TaskFactory(customer=customer, title="Paint the shed")
    assert "Paint the shed" in shown(visitor)
    services.content_hide(obj=task, by=moderator, reason="Spam.")
    assert "Paint the shed" not in shown(visitor)


def test_a_new_bid_counts_at_once(visitor, customer, tasker):
    task = TaskFactory(customer=customer, title="Paint the shed")
    assert "0 bids" in shown(visitor)
    services.bid_place(
        task=task, by=tasker, amount=Decimal("40"), message="I can do it.", estimated_hours=None
    )
    page = shown(visitor)
    assert "1 bid<" in page or "1 bid\n" in page or "1 bid " in page
    assert "0 bids" not in page


def test_a_suspended_customers_tasks_go_and_come_back_at_once(visitor, customer, moderator):
    TaskFactory(customer=customer, title="Paint the shed")
    assert "Paint the shed" in shown(visitor)
    account_services.user_suspend(user=customer, by=moderator, reason="Fake listings.")
    assert "Paint the shed" not in shown(visitor)
    customer.refresh_from_db()
    account_services.user_reinstate(user=customer, by=moderator)
    assert "Paint the shed" in shown(visitor)


def test_a_renamed_category_shows_at_once(visitor, customer):
    task = TaskFactory(customer=customer, title="Paint the shed")
    assert task.category.name in shown(visitor)
    task.category.name = "Painting and decorating"
    task.category.save()
    assert "Painting and decorating" in shown(visitor)


def test_a_changed_display_name_moves_the_generation(customer):
    """No card shows a customer's name today; one that does is right at once all the same."""
    before = listing.generation()
    customer.display_name = "Carol C."
    customer.save()
    assert listing.generation() > before


def test_a_sign_in_does_not_empty_the_caches(client, customer):
    before = listing.generation()
    client.post(reverse("accounts:login"), {"username": customer.username, "password": PASSWORD})
    assert listing.generation() == before


def test_the_generation_moves_again_when_the_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    """A page rendered between the change and its commit saw the old rows: the generation
    it was stored under must be gone once the change is visible."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        listing.listing_changed()
        during = listing.generation()
    assert listing.generation() > during


def test_each_filter_and_page_has_its_own_results(visitor, customer):
    gardening = next(c for c in seed_categories() if c.slug == "gardening")
    TaskFactory(customer=customer, title="Weed the beds", category=gardening)
    TaskFactory(customer=customer, title="Paint the shed", budget=Decimal("500"))
    assert "Paint the shed" in shown(visitor)
    page = shown(visitor, f"{BROWSE}?category=gardening")
    assert "Weed the beds" in page
    assert "Paint the shed" not in page
    page = shown(visitor, f"{BROWSE}?budget_min=100")
    assert "Paint the shed" in page
    assert "Weed the beds" not in page


def test_the_page_links_keep_the_cleaned_filters(client, customer):
    TaskFactory.create_batch(21, customer=customer, city="Leeds")
    page = shown(client, f"{BROWSE}?city=Leeds&budget_min=1.0&utm_source=mail")
    assert 'href="?budget_min=1.0&amp;city=Leeds&amp;page=2"' in page


# --- Whole pages for signed-out visitors: nothing per-person ---


def test_a_signed_out_visitor_is_served_the_cached_page_without_a_query(
    client, customer, django_assert_num_queries
):
    TaskFactory(customer=customer)
    first = shown(client)
    with django_assert_num_queries(0):
        assert shown(client) == first


def test_a_signed_in_page_never_reaches_a_signed_out_visitor(client, customer_client, customer):
    TaskFactory(customer=customer, title="Paint the shed")
    for url in (BROWSE, HOME):
        signed_in = shown(customer_client, url)
        assert "Sign out" in signed_in
        assert customer.name in signed_in
        signed_out = shown(client, url)
        assert "Sign out" not in signed_out
        assert customer.name not in signed_out
        assert "csrfmiddlewaretoken" not in signed_out
        # …and the other way round: the signed-in navbar again, not the cached page.
        assert "Sign out" in shown(customer_client, url)


def test_a_flash_message_is_neither_served_from_nor_stored_in_the_page_cache(client, customer):
    TaskFactory(customer=customer)
    client.post(reverse("accounts:login"), {"username": customer.username, "password": PASSWORD})
    client.post(reverse("accounts:logout"))
    shown(client.__class__())  # a stranger fills the cache
    assert "You have been signed out." in shown(client)
    assert "You have been signed out." not in shown(client.__class__())


def test_a_page_with_a_filter_in_error_is_not_cached_whole(client, customer):
    TaskFactory(customer=customer)
    url = f"{BROWSE}?budget_min=abc"
    assert "Enter a number" in shown(client, url)
    assert "Enter a number" in shown(client, url)
    assert "Enter a number" not in shown(client)


def test_only_a_response_with_nothing_per_person_is_storable_for_visitors(db):
    def request():
        made = RequestFactory().get(BROWSE)
        made.COOKIES = {}
        return made

    plain = HttpResponse("<p>tasks</p>")
    assert pagecache.storable(request(), plain, None)
    with_cookie = HttpResponse("<p>tasks</p>")
    with_cookie.set_cookie("theme", "dark")
    assert not pagecache.storable(request(), with_cookie, None)
    used_token = request()
    get_token(used_token)
    assert not pagecache.storable(used_token, plain, None)
    assert not pagecache.storable(
        request(), HttpResponse('<input name="csrfmiddlewaretoken">'), None
    )
    assert not pagecache.storable(request(), HttpResponse("gone", status=404), None)
    assert not pagecache.storable(
        request(), HttpResponse("{}", content_type="application/json"), None
    )
    signed_in = RequestFactory().get(BROWSE)
    signed_in.COOKIES = {"sessionid": "abc"}
    assert not pagecache.servable(signed_in, None)


# --- The key: every cleaned filter, in order ---


def test_the_key_covers_every_cleaned_filter_whatever_their_order():
    key = listing.filters_key
    assert key({"q": "shed", "city": "leeds"}) == key({"city": "leeds", "q": "shed"})
    assert key({"q": "shed"}) != key({"q": "shed", "near": "LS1 4AP"})  # a filter to come
    assert key({"budget_min": Decimal("10")}) == key({"budget_min": Decimal("10.00")})
    assert key({"remote": False, "q": ""}) == key({"remote": None, "q": None})
    assert key({"budget_min": Decimal("10")}) != key({"budget_max": Decimal("10")})


def test_the_key_is_taken_from_the_filter_forms_cleaned_data(db):
    fields = set(TaskFilterForm.base_fields)
    form = TaskFilterForm({"q": "shed", "sort": "due"})
    assert set(form.filters()) == fields


# --- Deep pages and the count ---


def test_the_count_stops_at_the_cap_and_asks_to_narrow_the_search(client, customer, monkeypatch):
    monkeypatch.setattr(paging, "MAX_RESULTS", 25)
    TaskFactory.create_batch(30, customer=customer)
    page = shown(client)
    assert "More than 25 open tasks found" in page
    assert "narrow the search" in page
    assert "Page 1 of 2" in page
    last = shown(client, f"{BROWSE}?page=9")
    assert "Page 2 of 2" in last
    assert last.count('class="card h-100 task-card"') == 5


def test_under_the_cap_the_count_is_exact(client, customer, monkeypatch):
    monkeypatch.setattr(paging, "MAX_RESULTS", 25)
    TaskFactory.create_batch(25, customer=customer)
    assert "25 open tasks found." in shown(client)


# --- A cache that is down ---


@pytest.fixture
def cache_down(settings, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    monkeypatch.setattr(listing, "_last_warning", 0.0)


def test_the_pages_are_served_uncached_while_the_cache_is_down(
    cache_down, visitor, customer, caplog, monkeypatch
):
    monkeypatch.setattr(listing, "_last_warning", 0.0)  # not said while setting up
    TaskFactory(customer=customer, title="Paint the shed")
    assert "Paint the shed" in shown(visitor)
    assert "Paint the shed" in shown(visitor, HOME)
    TaskFactory(customer=customer, title="Mow the lawn")  # its change cannot be recorded
    assert "Mow the lawn" in shown(visitor)
    assert "Pages are not cached: the cache cannot be reached" in caplog.text


def test_a_change_made_while_the_cache_was_down_is_not_hidden_by_it(settings, client, customer):
    TaskFactory(customer=customer, title="Paint the shed")
    assert "Mow the lawn" not in shown(client)
    cache.delete(listing.GENERATION_KEY)  # the counter was lost (evicted, or Redis restarted)
    TaskFactory(customer=customer, title="Mow the lawn")
    assert "Mow the lawn" in shown(client)


def test_a_renamed_category_shows_in_the_filter_form_at_once(visitor, customer):
    TaskFactory(customer=customer)
    category = Category.objects.order_by("pk").first()
    assert f">{category.name}</option>" in shown(visitor)
    category.name = "Odd jobs and more"
    category.save()
    assert ">Odd jobs and more</option>" in shown(visitor)


def test_a_bid_does_not_render_the_filter_form_again(customer, tasker):
    task = TaskFactory(customer=customer)
    before = listing.generation(listing.FORM_GENERATION_KEY)
    services.bid_place(
        task=task, by=tasker, amount=Decimal("40"), message="I can do it.", estimated_hours=None
    )
    assert listing.generation(listing.FORM_GENERATION_KEY) == before
