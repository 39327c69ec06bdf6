"""Search by distance: places, `near` and `radius` on the browse page, matching a task's
city to a place, and what bad input does."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.forms import TaskFilterForm
from marketplace.models import Place, Task
from marketplace.places import place_find, place_for_city
from marketplace.selectors import tasks_browse

from .factories import TaskFactory
from .helpers import messages_of, page_form, task_data

BROWSE = reverse("marketplace:task_list")


def titles(response) -> list[str]:
    return [task.title for task in response.context["tasks"]]


def task_in(city: str, title: str, **fields) -> Task:
    return TaskFactory(title=title, city=city, town=place_for_city(city), **fields)


@pytest.fixture
def welsh_tasks(db):
    """Tasks at known distances from Cardiff: Penarth ~2.9 mi, Barry ~7.1, Newport ~10.7,
    Leeds ~180; one remote only."""
    return {
        "cardiff": task_in("Cardiff", "Fix a gate in Cardiff"),
        "penarth": task_in("Penarth", "Paint a fence in Penarth"),
        "barry": task_in("Barry", "Mow a lawn in Barry"),
        "newport": task_in("Newport", "Hang shelves in Newport"),
        "leeds": task_in("Leeds", "Paint a fence in Leeds"),
        "remote": TaskFactory(title="Build a spreadsheet", city="", is_remote=True),
    }


# --- The gazetteer ---


def test_the_migration_loads_the_gb_places_without_the_bases_in_cyprus(db):
    assert Place.objects.count() == 5911
    assert set(Place.objects.values_list("region", flat=True)) == set(Place.Region.values)
    assert not Place.objects.filter(name__in=["Akrotiri", "Dhekelia"]).exists()
    cardiff = place_find("cardiff").place
    assert str(cardiff) == "Cardiff, Wales"
    assert (round(cardiff.latitude, 2), round(cardiff.longitude, 2)) == (51.48, -3.18)


def test_an_ambiguous_name_means_the_most_populous_and_offers_the_other_regions(db):
    match = place_find("  NEWPORT ")
    assert str(match.place) == "Newport, Wales"
    assert [str(place) for place in match.alternatives] == ["Newport, England"]
    picked = place_find("Newport, England")
    assert (picked.place.region, picked.alternatives) == ("england", [])
    assert picked.place.population == max(
        Place.objects.filter(name="Newport", region="england").values_list("population", flat=True)
    )


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Cardif", "Cardiff, Wales"),
        ("Pennarth", "Penarth, Wales"),
        ("Edinbrugh", "Edinburgh, Scotland"),
    ],
)
def test_an_unknown_name_suggests_close_spellings(db, typed, suggested):
    match = place_find(typed)
    assert match.place is None
    assert suggested in [str(place) for place in match.suggestions]


# --- The browse page ---


def test_near_a_place_within_the_default_ten_miles(client, welsh_tasks):
    response = client.get(BROWSE, {"near": "Cardiff"})
    assert sorted(titles(response)) == [
        "Fix a gate in Cardiff",
        "Mow a lawn in Barry",
        "Paint a fence in Penarth",
    ]
    html = response.content.decode()
    assert "Within 10 miles of <strong>Cardiff, Wales</strong>" in html
    assert "2.9 miles away" in html and "Less than 0.1 miles away" in html


def test_the_radius_widens_the_search_and_sorting_by_distance_puts_the_nearest_first(
    client, welsh_tasks
):
    response = client.get(BROWSE, {"near": "cardiff", "radius": "15", "sort": "distance"})
    assert titles(response) == [
        "Fix a gate in Cardiff",
        "Paint a fence in Penarth",
        "Mow a lawn in Barry",
        "Hang shelves in Newport",
    ]
    distances = [task.distance for task in response.context["tasks"]]
    assert distances == sorted(distances) and 10 < distances[-1] < 15


def test_remote_ticked_adds_remote_tasks_to_a_distance_search(client, welsh_tasks):
    response = client.get(BROWSE, {"near": "Cardiff", "radius": "5", "remote": "on"})
    assert sorted(titles(response)) == [
        "Build a spreadsheet",
        "Fix a gate in Cardiff",
        "Paint a fence in Penarth",
    ]
    # Without a place it still means "remote only".
    assert titles(client.get(BROWSE, {"remote": "on"})) == ["Build a spreadsheet"]
    # Sorted by distance, a remote task has none and comes last.
    response = client.get(
        BROWSE, {"near": "Cardiff", "radius": "5", "remote": "on", "sort": "distance"}
    )
    assert titles(response)[-1] == "Build a spreadsheet"


def test_a_remote_task_with_a_city_is_found_near_it_without_ticking_remote(client, db):
    task_in("Penarth", "Tutor maths in Penarth or online", is_remote=True)
    assert titles(client.get(BROWSE, {"near": "Cardiff"})) == ["Tutor maths in Penarth or online"]


def test_distance_combines_with_the_other_filters(client, welsh_tasks):
    response = client.get(BROWSE, {"near": "Cardiff", "q": "fence"})
    assert titles(response) == ["Paint a fence in Penarth"]


def test_an_ambiguous_place_searches_the_most_populous_and_links_the_others(client, welsh_tasks):
    response = client.get(BROWSE, {"near": "Newport", "radius": "5", "q": "shelves"})
    assert titles(response) == ["Hang shelves in Newport"]
    html = response.content.decode()
    assert "Within 5 miles of <strong>Newport, Wales</strong>" in html
    assert 'Did you mean <a href="?near=Newport%2C+England&amp;radius=5&amp;q=shelves">' in html
    england = client.get(BROWSE, {"near": "Newport, England", "radius": "5"})
    assert titles(england) == []


@pytest.mark.parametrize(
    "near",
    [
        "Cardif",
        "Nowhere-on-Sea",
        "<script>alert(1)</script>",
        "Cardiff'; DROP TABLE marketplace_place; --",
        "' OR 1=1 --",
        "%",
        "_",
    ],
)
def test_an_unknown_place_is_a_message_and_filters_nothing_by_distance(client, welsh_tasks, near):
    response = client.get(BROWSE, {"near": near, "radius": "5", "category": "", "sort": "distance"})
    assert response.status_code == 200
    assert len(titles(response)) == len(welsh_tasks)  # no distance filter
    form = response.context["filter_form"]
    assert "among UK towns and villages" in form.errors["near"][0]
    assert "Nearest first needs a place" in form.errors["sort"][0]
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert page_form(response, BROWSE)["near"] == near  # what was typed stays in the form
    assert Place.objects.count() == 5911


def test_a_close_spelling_is_offered_as_a_link(client, welsh_tasks):
    response = client.get(BROWSE, {"near": "Cardif", "radius": "5"})
    assert 'Did you mean <a href="?near=Cardiff%2C+Wales&amp;radius=5">Cardiff, Wales</a>' in (
        response.content.decode()
    )


@pytest.mark.parametrize("radius", ["-5", "0", "101", "100000", "ten", "1e3", "5.5"])
def test_a_radius_out_of_bounds_is_a_message_and_the_default_ten_miles_applies(
    client, welsh_tasks, radius
):
    response = client.get(BROWSE, {"near": "Cardiff", "radius": radius})
    assert response.status_code == 200
    assert response.context["filter_form"].errors["radius"] == [
        "Choose a distance from 1 to 100 miles."
    ]
    assert len(titles(response)) == 3  # within the default 10 miles
    assert page_form(response, BROWSE)["radius"] == radius


@pytest.mark.parametrize("radius", ["1", "100"])
def test_the_radius_bounds_are_accepted(client, welsh_tasks, radius):
    response = client.get(BROWSE, {"near": "Cardiff", "radius": radius})
    assert not response.context["filter_form"].errors
    assert len(titles(response)) == (1 if radius == "1" else 4)  # not Leeds, not remote


def test_a_place_name_too_long_is_a_message(client, welsh_tasks):
    response = client.get(BROWSE, {"near": "x" * 101})
    assert response.context["filter_form"].errors["near"] == [
        "A place name has at most 100 characters."
    ]


def test_the_filter_form_round_trips_a_distance_search(client, welsh_tasks):
    """Submitting the form as the page shows it keeps the same search (bookmarkable)."""
    first = client.get(BROWSE, {"near": "Penarth", "radius": "3", "sort": "distance"})
    cache.clear()  # the list is rendered again from the form's filters, not read back
    again = client.get(BROWSE, page_form(first, BROWSE))
    assert titles(again) == titles(first) == ["Paint a fence in Penarth", "Fix a gate in Cardiff"]


def test_the_browse_query_is_flat_in_query_count(client, db, django_assert_max_num_queries):
    for i in range(25):
        task_in(["Cardiff", "Penarth", "Barry"][i % 3], f"Job {i}")

    def queries(params) -> int:
        cache.clear()  # each measured from nothing cached
        with CaptureQueriesContext(connection) as captured:
            assert client.get(BROWSE, params).status_code == 200
        return len(captured)

    near = {"near": "Cardiff", "radius": "20", "sort": "distance"}
    assert queries(near) == queries(near | {"page": "2"}) == queries({"near": "Barry"})
    with django_assert_max_num_queries(12):
        client.get(BROWSE, near)


def test_the_selector_takes_a_place_name_for_stored_searches(welsh_tasks):
    by_name = tasks_browse({"near": "Cardiff", "radius": 5})
    by_place = tasks_browse({"near": place_find("Cardiff").place, "radius": 5})
    assert (
        {t.title for t in by_name}
        == {t.title for t in by_place}
        == {
            "Fix a gate in Cardiff",
            "Paint a fence in Penarth",
        }
    )
    assert tasks_browse({"near": "Atlantis"}).count() == len(welsh_tasks)


def test_the_form_gives_the_selector_the_place(db):
    form = TaskFilterForm({"near": "penarth", "radius": "7"})
    filters = form.filters()
    assert (str(filters["near"]), filters["radius"]) == ("Penarth, Wales", 7)


# --- A task's city ---


def test_a_posted_tasks_city_is_matched_and_shown_back_with_its_region(customer_client):
    response = customer_client.post(
        reverse("marketplace:task_create"), task_data(city="penarth", postcode="CF64 1AB")
    )
    task = Task.objects.get()
    assert (task.city, str(task.town)) == ("penarth", "Penarth, Wales")
    assert (
        "Penarth, Wales CF64 1AB" in customer_client.get(task.get_absolute_url()).content.decode()
    )
    assert len(messages_of(response)) == 1


def test_an_unknown_city_is_kept_as_written_without_a_place(customer_client):
    response = customer_client.post(
        reverse("marketplace:task_create"), task_data(city="Cardif Bay")
    )
    task = Task.objects.get()
    assert (task.city, task.town) == ("Cardif Bay", None)
    assert "We could not find “Cardif Bay” among UK towns and villages" in messages_of(response)[1]


def test_an_ambiguous_city_is_placed_in_the_largest_and_says_so(customer_client):
    response = customer_client.post(reverse("marketplace:task_create"), task_data(city="Newport"))
    assert str(Task.objects.get().town) == "Newport, Wales"
    assert "If you meant Newport, England" in messages_of(response)[1]


def test_editing_the_city_matches_the_place_again(customer_client, customer):
    task = task_in("Cardiff", "Fix a gate", customer=customer)
    url = reverse("marketplace:task_edit", args=[task.pk])
    data = page_form(customer_client.get(url), None) | {"city": "Barry"}
    customer_client.post(url, data)
    task.refresh_from_db()
    assert str(task.town) == "Barry, Wales"
