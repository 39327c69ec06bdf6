"""A tasker saves a search on the browse page of a phone with JavaScript off, finds it in
their settings, renames it and deletes it."""

import pytest
from playwright.sync_api import expect

from marketplace.models import SavedSearch

from .conftest import PHONE
from .helpers import follow, horizontal_overflow, said
from .scene import build_scene

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_search_is_saved_renamed_and_deleted_on_a_phone_without_javascript(
    new_context, sign_in, screenshot
):
    scene = build_scene()
    context = new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    sign_in(context, scene.tasker)
    page = context.new_page()

    page.goto("/tasks/?q=lawn&city=Leeds")
    expect(page.get_by_text(scene.task_without_bids.title)).to_be_visible()
    page.get_by_text("Save this search", exact=True).first.click()  # unfold it
    form = page.locator("form[action='/searches/new/']")
    form.get_by_label("Name this search").fill("Lawns in Leeds")
    form.get_by_label("Daily digest").check()
    assert horizontal_overflow(page) == 0
    screenshot("phone-tasker-save-search", page)
    follow(form.get_by_role("button", name="Save this search"))
    said(page, "Saved “Lawns in Leeds”")
    search = SavedSearch.objects.get(owner=scene.tasker, name="Lawns in Leeds")
    assert (search.q, search.city, search.frequency) == ("lawn", "Leeds", "daily")

    page.goto("/accounts/profile/")
    follow(page.get_by_role("link", name="Saved searches and their alerts"))
    item = page.get_by_role("listitem").filter(has_text="Lawns in Leeds")
    expect(item).to_contain_text("“lawn”, city Leeds")
    expect(item).to_contain_text("Daily digest")
    assert horizontal_overflow(page) == 0
    screenshot("phone-tasker-saved-searches", page)

    follow(item.get_by_role("link", name="Rename or change emails of Lawns in Leeds"))
    page.get_by_label("Name").fill("Lawns near home")
    page.get_by_label("Instantly").check()
    follow(page.get_by_role("button", name="Save"))
    said(page, "Saved “Lawns near home”.")
    search.refresh_from_db()
    assert (search.name, search.frequency) == ("Lawns near home", "instant")

    item = page.get_by_role("listitem").filter(has_text="Lawns near home")
    follow(item.get_by_role("link", name="Delete Lawns near home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Delete the saved search “Lawns near home”?"
    )
    follow(page.get_by_role("button", name="Delete the search"))
    said(page, "Deleted the saved search “Lawns near home”.")
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_the_save_form_on_a_desktop_is_open_beside_the_filters(new_context, sign_in, screenshot):
    scene = build_scene()
    context = new_context()
    sign_in(context, scene.tasker)
    page = context.new_page()
    page.goto("/tasks/?q=wardrobe")
    expect(page.get_by_label("Name this search")).to_be_visible()
    screenshot("desktop-tasker-save-search", page)
