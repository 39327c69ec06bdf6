"""A customer posts a task with three photos from a phone, JavaScript off; a tasker sees the
first on the task's card and all three in the task page's gallery."""

import pytest
from playwright.sync_api import expect

from marketplace.models import Task
from tests.factories import CustomerFactory, TaskerFactory
from tests.images import image_bytes

from .conftest import PHONE
from .helpers import horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_task_posted_with_three_photos_on_a_phone_shows_them_to_taskers(
    new_context, sign_in, screenshot, tmp_path
):
    customer, tasker = CustomerFactory(), TaskerFactory()
    files = []
    for name, fmt, colour in (
        ("front.jpg", "JPEG", "red"),
        ("side.png", "PNG", "green"),
        ("back.webp", "WEBP", "blue"),
    ):
        path = tmp_path / name
        path.write_bytes(image_bytes(fmt, (800, 600), gps=fmt == "JPEG", colour=colour))
        files.append(str(path))

    context = new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    sign_in(context, customer)
    page = context.new_page()
    page.goto("/tasks/new/")
    page.get_by_label("Title").fill("Put up a garden trellis")
    page.get_by_label("Description").fill("A two-metre trellis against the back wall; screws here.")
    page.get_by_label("Category").select_option(label="Gardening")
    page.get_by_label("Budget").fill("60")
    page.get_by_label("City").fill("York")
    page.locator("input[type=date]").fill("2099-01-01")
    page.get_by_label("Photos (optional)").set_input_files(files)
    page.get_by_role("button", name="Post task").click()
    # The due date is past a year ahead: an error, and the photos must be chosen again.
    expect(page.get_by_text("Choose the photos again")).to_have_count(2)
    expect(page.get_by_label("Title")).to_have_value("Put up a garden trellis")
    page.locator("input[type=date]").fill(_in_ten_days())
    page.get_by_label("Photos (optional)").set_input_files(files)
    page.get_by_role("button", name="Post task").click()
    expect(page.get_by_role("heading", name="Put up a garden trellis")).to_be_visible()

    task = Task.objects.get(customer=customer)
    assert task.photos.count() == 3
    screenshot("phone-customer-task-with-photos", page, full_page=True)

    tasker_context = new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    sign_in(tasker_context, tasker)
    browse = tasker_context.new_page()
    browse.goto("/tasks/")
    card = browse.locator("article.task-card").filter(has_text="Put up a garden trellis")
    thumb = card.locator("img.task-card-photo")
    expect(thumb).to_have_attribute("width", "400")
    expect(thumb).to_have_attribute("loading", "lazy")
    thumb.scroll_into_view_if_needed()
    assert browse.evaluate("img => img.complete && img.naturalWidth", thumb.element_handle()) == 400
    assert horizontal_overflow(browse) == 0
    screenshot("phone-tasker-browse-with-photos", browse)

    card.get_by_role("link", name="Put up a garden trellis").click()
    gallery = browse.get_by_role("region", name="Photos")
    images = gallery.get_by_role("img")
    expect(images).to_have_count(3)
    expect(images.nth(0)).to_have_attribute("alt", "Photo 1 of Put up a garden trellis")
    for n in range(3):
        images.nth(n).scroll_into_view_if_needed()
        assert browse.evaluate(
            "img => img.complete && img.naturalWidth > 0", images.nth(n).element_handle()
        )
    assert horizontal_overflow(browse) == 0
    screenshot("phone-tasker-task-gallery", browse, full_page=True)
    # By keyboard: each photo is a link to the photo at full size.
    gallery.get_by_role("link").first.focus()
    with browse.expect_navigation():
        browse.keyboard.press("Enter")
    assert browse.url.endswith(".jpg")


def _in_ten_days() -> str:
    import datetime

    return (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
