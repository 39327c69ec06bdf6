"""The owner compares bids on a phone: every live bid's price and status on screen, and a
withdrawn bid folded away, not counted, not mistaken for the cheapest offer."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from marketplace import services
from tests.factories import TaskerFactory

from .conftest import PHONE
from .helpers import horizontal_overflow
from .scene import build_scene

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_owner_sees_each_bids_price_and_status_on_a_phone(new_context, sign_in):
    scene = build_scene()
    task = scene.task  # live bids of £75.00 and £85.50
    quitter = TaskerFactory(display_name="Wes Withdrawn")
    bid = services.bid_place(
        task=task,
        by=quitter,
        amount=Decimal("60"),
        message="Cheap and quick, honest.",
        estimated_hours=None,
    )
    services.bid_withdraw(bid=bid, by=quitter)

    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(context, scene.customer)
    page = context.new_page()
    page.goto(task.get_absolute_url())

    expect(page.get_by_role("heading", name="Bids (2)")).to_be_visible()
    assert horizontal_overflow(page) == 0
    table = page.get_by_role("table", name="Bids on this task")
    expect(table).not_to_contain_text("Wes Withdrawn")
    for row in table.locator("tr.bid-row").all():
        for cell in (row.locator("td[data-label='Price']"), row.locator(".badge")):
            cell.scroll_into_view_if_needed()
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    expect(table.locator(".badge")).to_have_text(["Awaiting reply", "Awaiting reply"])

    folded = page.locator("details.past-bids")
    expect(folded.locator("summary")).to_have_text("Withdrawn or not chosen (1)")
    expect(folded.get_by_text("Wes Withdrawn")).not_to_be_visible()
    folded.locator("summary").click()
    expect(folded.get_by_text("Withdrawn", exact=True)).to_be_visible()

    # The dashboard and the browse card count the same live bids.
    page.goto("/dashboard/")
    row = page.get_by_role("row").filter(has_text=task.title)
    expect(row.get_by_role("cell").nth(2)).to_have_text("2")
