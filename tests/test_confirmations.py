"""Every action that cannot be undone asks first, and no link ever ends on a 405.

Driven from the route table (tests/routes.py): a new state-changing URL is covered without
anyone remembering to add a test for it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from .factories import PASSWORD
from .helpers import post_forms, snapshot
from .routes import (
    LOGIN,
    PERSONAS,
    ROUTES,
    SIGNED_IN,
    changed,
    client_as,
    rolled_back,
    status_of,
    url_of,
    writes,
)

pytestmark = pytest.mark.django_db

ASKING = [key for key, case in ROUTES.items() if case.state_changing and not case.no_confirmation]


@pytest.mark.parametrize("key", ASKING)
def test_a_get_asks_with_a_form_that_posts_back_and_changes_nothing(world, key):
    """GET shows a page whose POST form goes to the same URL; submitting it as shown (plus
    what the person types) does the job."""
    case = ROUTES[key]
    for persona in case.actors():
        user = world[persona]
        with rolled_back():
            client = client_as(user)
            if case.prepare:
                case.prepare(client, world)
            url = url_of(key, world)
            before = snapshot()
            page = client.get(url, follow=True)
            assert snapshot() == before, f"{persona} GET changed {changed(before, snapshot())}"
            assert page.status_code == 200, (persona, page.status_code)
            path = page.wsgi_request.path
            forms = post_forms(page, path)
            assert forms, f"{persona}: the page at {path} has no form that POSTs back to it"
            form = forms[0]
            assert "csrfmiddlewaretoken" in form.data
            assert form.buttons, f"{persona}: the form at {path} has no submit button"
            response = client.post(path, form.data | case.data(world, user))
            assert response.status_code == status_of(case.post[PERSONAS.index(persona)])
            assert snapshot() != before, f"{persona}: submitting the page's form did nothing"


def test_only_harmless_changes_go_without_a_confirmation_page():
    unasked = sorted(key for key, case in ROUTES.items() if case.no_confirmation)
    assert unasked == [
        "marketplace:notification_open",
        "marketplace:notifications_mark_all_read",
    ]


def test_no_signed_in_persona_meets_a_405_on_any_get():
    """Whatever link or ?next= someone follows while signed in, a GET answers a page (the
    access suite checks the table against the site)."""
    dead_ends = [
        f"{key} as {persona}"
        for key, case in ROUTES.items()
        for persona, status in zip(PERSONAS, case.get, strict=True)
        if persona in SIGNED_IN and status_of(status) == 405
    ]
    assert not dead_ends


@pytest.mark.parametrize("key", [key for key in ROUTES if ROUTES[key].get[-1] == LOGIN])
def test_signing_in_again_from_any_page_never_ends_on_a_405(world, key):
    """The session ended: the URL sends the visitor to sign in, and back after."""
    case = ROUTES[key]
    for persona in case.actors() or ["customer"]:
        with rolled_back():
            client = Client()
            url = url_of(key, world)
            to_login = client.get(url)
            assert to_login.status_code == 302
            login = client.get(to_login["Location"])
            form = post_forms(login, reverse("accounts:login"))[0]
            data = form.data | {"username": world[persona].username, "password": PASSWORD}
            landed = client.post(reverse("accounts:login"), data, follow=True)
            assert landed.redirect_chain[0][0] == url
            assert landed.status_code != 405
            if persona in case.actors():  # the page where they can do it
                assert landed.status_code == 200, (persona, landed.status_code)


OBJECT_PAGES = {
    "marketplace:task_cancel": ("customer", lambda world: world.task.get_absolute_url()),
    "marketplace:bid_accept": ("customer", lambda world: world.task.get_absolute_url()),
    "marketplace:bid_withdraw": ("tasker", lambda world: world.task.get_absolute_url()),
    "marketplace:agreement_deliver": ("tasker", lambda world: world.agreement.get_absolute_url()),
    "marketplace:agreement_confirm": (
        "customer",
        lambda world: world.delivered.get_absolute_url(),
    ),
    "marketplace:agreement_cancel": (
        "customer",
        lambda world: world.agreement.get_absolute_url(),
    ),
}


@pytest.mark.parametrize("key", OBJECT_PAGES)
def test_the_object_page_links_to_the_confirmation_page(world, key):
    persona, page_url = OBJECT_PAGES[key]
    client = client_as(world[persona])
    url = url_of(key, world)
    page = client.get(page_url(world))
    assert f'href="{url}"' in page.content.decode()
    assert not post_forms(page, url), "the button acts at once: it should lead to the question"


def test_every_irreversible_action_of_the_design_asks(world):
    for key in OBJECT_PAGES:
        assert key in ASKING
        assert writes(ROUTES[key].post[PERSONAS.index(OBJECT_PAGES[key][0])])
