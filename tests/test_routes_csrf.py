"""Every route, found by the URL resolver: no POST without a CSRF token, no change by GET.

A POST without the token is our 403 page and changes nothing, sessions included; the same
POST with the token does what the route table says, so the token is the only difference.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse

from .helpers import snapshot
from .routes import (
    PERSONAS,
    ROUTES,
    changed,
    rolled_back,
    status_of,
    url_of,
    writes,
)

# GET answers a page on every route (test_confirmations); these never change anything.
OTHER_METHODS = ("put", "patch", "delete")


pytestmark = pytest.mark.django_db


def strict_client(user) -> Client:
    """A browser that checks CSRF as a real one is checked; holds a token in its cookie."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("accounts:password_reset"))  # any page with a form sets the cookie
    return client


def who_posts(case) -> str:
    """The persona whose POST would do the job, or the customer if nobody's does."""
    return (case.actors() or ["customer"])[0]


@pytest.mark.parametrize("key", ROUTES)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world, key):
    case = ROUTES[key]
    persona = who_posts(case)
    expected = case.post[PERSONAS.index(persona)]
    with rolled_back():
        client = strict_client(world[persona])
        if case.prepare:
            case.prepare(client, world)
        url, data = url_of(key, world), case.data(world, world[persona])
        before = snapshot(sessions=True)

        response = client.post(url, data)

        if case.csrf_exempt:
            assert response.status_code == status_of(expected)
            return
        assert response.status_code == 403, (key, persona, response.status_code)
        assert b"This form has expired" in response.content
        assert snapshot(sessions=True) == before, changed(before, snapshot(sessions=True))

        token = client.cookies[settings.CSRF_COOKIE_NAME].value
        with_token = client.post(url, {**data, "csrfmiddlewaretoken": token})

        assert with_token.status_code == status_of(expected)
        if writes(expected):
            assert snapshot() != before, f"{persona}'s POST with the token did nothing"


def test_only_the_one_click_unsubscribes_take_posts_without_a_token():
    exempt = {key: case.csrf_exempt for key, case in ROUTES.items() if case.csrf_exempt}
    assert sorted(exempt) == [
        "marketplace:email_unsubscribe",
        "marketplace:saved_search_unsubscribe",
    ]


SIGNED_IN_ACTIONS = [
    key for key, case in ROUTES.items() if case.state_changing and "anonymous" not in case.actors()
]


@pytest.mark.parametrize("key", SIGNED_IN_ACTIONS)
def test_state_changing_routes_refuse_other_methods_and_change_nothing(world, key):
    case = ROUTES[key]
    persona = who_posts(case)
    with rolled_back():
        client = Client()
        client.force_login(world[persona])
        url = url_of(key, world)
        before = snapshot(sessions=True)
        view = resolve(url).func.view_class
        # Django's form views take PUT as a POST (with its CSRF check): not ours to refuse.
        for method in [m for m in OTHER_METHODS if not hasattr(view, m)]:
            response = getattr(client, method)(url)
            assert response.status_code == 405, (method, response.status_code)
            assert "POST" in response["Allow"]
        assert snapshot(sessions=True) == before, changed(before, snapshot(sessions=True))
