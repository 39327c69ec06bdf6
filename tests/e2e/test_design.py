"""The design on real screens: the phone menu and filters work without JavaScript, nothing
is wider than a 375 px phone or a 1280 px desktop with long titles and names in the data,
the first task shows in the first screen, and axe-core finds no violation."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from marketplace import services
from marketplace.models import Category, Task
from tests.factories import CustomerFactory

from .conftest import DESKTOP, PHONE
from .helpers import accessibility_violations, horizontal_overflow, with_axe
from .scene import LONG_LINK, LONG_USERNAME, build_scene

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_TITLE = "Reassemble a Hemnesdaybedwiththreedrawersandtwomattresses after the house move"
# The pages this part of the site owns, at both widths.
PAGES = {
    "home": reverse("home"),
    "browse": reverse("marketplace:task_list"),
    "browse, filtered": reverse("marketplace:task_list") + "?q=zeppelin&remote=on",
    "help": reverse("help"),
    "terms": reverse("terms"),
    "privacy": reverse("privacy"),
    "contact": reverse("contact"),
    "styleguide": reverse("styleguide"),
}


def _scene_with_long_words():
    scene = build_scene()
    task = Task(
        title=LONG_TITLE,
        description="Everything is in boxes; the instructions are here: " + LONG_LINK,
        category=Category.objects.get(slug="furniture-assembly"),
        budget=Decimal("123456.78"),
        city="Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    poster = CustomerFactory(username="bartholomew_the_particular_customer_of_leeds")
    services.task_post(task=task, by=poster)
    return scene


def _menu_links(page: Page):
    return page.get_by_role("navigation", name="Main").get_by_role("link")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_phone_menu_is_one_row_until_opened(new_context, sign_in, javascript):
    scene = build_scene()
    context = sign_in(new_context(viewport=PHONE, java_script_enabled=javascript), scene.customer)
    page = context.new_page()
    page.goto(reverse("marketplace:task_list"))
    nav = page.get_by_role("navigation", name="Main")
    assert nav.bounding_box()["height"] <= 64  # one row: the logo and the Menu button
    dashboard = nav.get_by_role("link", name="Dashboard")
    expect(dashboard).to_be_hidden()

    nav.get_by_text("Menu").click()
    for name in [
        "Browse tasks",
        "Post a task",
        "Dashboard",
        "Messages",
        "Notifications",
        "Carol Customer",
        "Settings",
    ]:
        link = nav.get_by_role("link", name=name, exact=False).first
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], name
    expect(nav.get_by_role("button", name="Sign out")).to_be_in_viewport()
    if javascript:  # Escape closes it, and gives the focus back to the button
        page.keyboard.press("Escape")
        expect(dashboard).to_be_hidden()
        nav.get_by_text("Menu").click()
        page.mouse.click(PHONE["width"] / 2, PHONE["height"] - 20)  # a click below closes it
        expect(dashboard).to_be_hidden()
        nav.get_by_text("Menu").click()
    with page.expect_navigation():
        dashboard.click()
    assert page.url.endswith(reverse("marketplace:dashboard"))


@pytest.mark.parametrize("who", [None, "customer", "other_tasker"])
def test_the_desktop_menu_is_one_row_of_links_without_a_button(new_context, sign_in, who):
    scene = build_scene()
    context = new_context(viewport=DESKTOP, java_script_enabled=False)
    if who:  # the customer has unread counts; the other tasker a very long username
        sign_in(context, getattr(scene, who))
    page = context.new_page()
    page.goto(reverse("home"))
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_text("Menu")).to_be_hidden()
    expect(nav.get_by_role("link", name="Browse tasks")).to_be_visible()
    if who:
        expect(nav.get_by_role("link", name="Notifications")).to_be_visible()
        expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    else:
        expect(nav.get_by_role("link", name="Sign up")).to_be_visible()
    assert nav.bounding_box()["height"] <= 64


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_first_task_is_in_the_first_screen_of_browse_on_a_phone(new_context, javascript):
    _scene_with_long_words()
    page = new_context(viewport=PHONE, java_script_enabled=javascript).new_page()
    page.goto(reverse("marketplace:task_list"))
    first_card = page.locator("article.task-card").first
    box = first_card.bounding_box()
    assert box["y"] + 120 <= PHONE["height"], f"first card starts at {box['y']}px"
    expect(page.get_by_label("Search")).to_be_hidden()  # folded behind "Filter"

    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Search").fill("hemnes")
    with page.expect_navigation():
        page.get_by_role("button", name="Show tasks").click()
    expect(page.get_by_role("link", name=LONG_TITLE)).to_be_visible()
    expect(page.get_by_text("(1 on)")).to_be_visible()


def test_the_filters_stand_open_on_a_desktop(new_context):
    build_scene()
    page = new_context(viewport=DESKTOP, java_script_enabled=False).new_page()
    page.goto(reverse("marketplace:task_list"))
    expect(page.get_by_label("Search")).to_be_visible()
    expect(page.get_by_role("button", name="Show tasks")).to_be_visible()


def test_no_page_is_wider_than_the_screen_and_axe_finds_nothing(new_context, settings):
    settings.DEBUG = True  # the styleguide answers only in development
    _scene_with_long_words()
    page = with_axe(new_context(viewport=PHONE)).new_page()
    problems = []
    for name, url in PAGES.items():
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            assert page.goto(url).status == 200, name
            if overflow := horizontal_overflow(page):
                problems.append(f"[{name}, {size['width']}px] {overflow}px too wide")
            problems += [
                f"[{name}, {size['width']}px] {line}" for line in accessibility_violations(page)
            ]
    # The phone menu, opened, is checked too.
    page.set_viewport_size(PHONE)
    page.goto(reverse("home"))
    page.get_by_text("Menu").click()
    problems += [f"[menu open] {line}" for line in accessibility_violations(page)]
    assert horizontal_overflow(page) == 0
    assert not problems, "\n".join(problems)


def test_a_long_username_fits_the_phone_menu(new_context, sign_in):
    scene = build_scene()
    page = sign_in(new_context(viewport=PHONE), scene.other_tasker).new_page()
    page.goto(reverse("home"))
    page.get_by_text("Menu").click()
    expect(page.get_by_role("link", name=LONG_USERNAME)).to_be_visible()
    assert horizontal_overflow(page) == 0
