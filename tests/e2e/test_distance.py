"""A distance search on a phone with JavaScript off: the filter opens, takes a place and a
radius, and the cards say how far each task is; a misspelt place offers the right one."""

import pytest
from playwright.sync_api import expect

from marketplace.places import place_for_city
from tests.factories import TaskFactory

from .conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_distance_search_on_a_phone_without_javascript(new_context):
    for city, title in [
        ("Penarth", "Paint a fence in Penarth"),
        ("Leeds", "Paint a fence in Leeds"),
    ]:
        TaskFactory(title=title, city=city, town=place_for_city(city))
    # Without JavaScript nothing can be evaluated in the page: layout is checked by boxes.
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/tasks/")

    page.locator("summary", has_text="Filter").click()
    page.get_by_label("Near (UK town or village)").fill("Cardif")
    page.get_by_label("Within (miles)").fill("10")
    page.get_by_role("button", name="Show tasks").click()

    # Unknown: both tasks listed, the message names the close spelling as a link.
    expect(page.get_by_role("status")).to_contain_text("We could not find “Cardif”")
    expect(page.locator(".task-card")).to_have_count(2)
    page.get_by_role("link", name="Cardiff, Wales").click()

    expect(page.get_by_role("status")).to_contain_text("Within 10 miles of Cardiff, Wales")
    card = page.locator(".task-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Penarth, Wales")
    expect(card).to_contain_text("2.9 miles away")
    for box in (page.locator("form[role=search]").bounding_box(), card.bounding_box()):
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box

    # The browser refuses a radius over 100 in the form; a typed address gets the message.
    page.goto("/tasks/?near=Cardiff%2C+Wales&radius=100000")
    expect(page.get_by_label("Near (UK town or village)")).to_have_value("Cardiff, Wales")
    expect(page.get_by_text("Choose a distance from 1 to 100 miles.")).to_be_visible()
    expect(page.locator(".task-card")).to_have_count(1)  # the default 10 miles
