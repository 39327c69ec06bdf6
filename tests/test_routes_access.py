"""Every route, found by walking the URL resolver, against every persona.

For each case in tests/routes.py: a GET and a valid POST from the customer, the tasker, a
customer and a tasker who are strangers to the objects, staff and an anonymous visitor, each
in a fresh copy of the same world. The status must be the table's, and every request the table
does not mark as writing (`W`) must leave every row of the database as it was.
"""

import pytest
from django.urls import reverse

from .helpers import snapshot
from .routes import (
    LOGIN,
    PERSONAS,
    ROUTES,
    SKIPPED_PREFIXES,
    changed,
    client_as,
    rolled_back,
    status_of,
    url_name,
    url_of,
    walk,
    writes,
)

HOW_TO_ADD = (
    "Add an entry for it to ROUTES in tests/routes.py: how to build its URL arguments, valid "
    "POST data, and the status each persona gets for GET and POST, with W(...) around the POST "
    "statuses that change the database. The route, CSRF and extra-field tests then cover it."
)


pytestmark = pytest.mark.django_db


def test_every_route_is_in_the_table():
    found = list(walk())
    unnamed = [route.route for route in found if route.name is None]
    assert not unnamed, f"Give these URL patterns a name: {unnamed}. {HOW_TO_ADD}"
    names = {route.name for route in found}
    missing = sorted(names - {url_name(key) for key in ROUTES})
    assert not missing, f"Routes with no entry in the security table: {missing}. {HOW_TO_ADD}"
    stale = sorted({url_name(key) for key in ROUTES} - names)
    assert not stale, f"tests/routes.py lists routes that no longer exist: {stale}"


def test_the_walk_finds_namespaced_routes_and_skips_the_admin():
    found = {route.name: route.route for route in walk()}
    assert found["home"] == ""
    assert found["marketplace:bid_accept"] == "bids/<int:pk>/accept/"
    assert found["accounts:profile"] == "u/<str:username>/"
    assert not any(route.startswith(SKIPPED_PREFIXES) for route in found.values())
    assert not any(name.startswith("admin:") for name in found)


def check(response, expected, url: str) -> str | None:
    """Say how `response` differs from the expected status, or None."""
    status = status_of(expected)
    if status == LOGIN:
        target = f"{reverse('accounts:login')}?next="
        if response.status_code != 302 or not response["Location"].startswith(target):
            return f"expected a redirect to log in, got {response.status_code}"
        return None
    if response.status_code != status:
        return f"expected {status}, got {response.status_code}"
    return None


@pytest.mark.parametrize("key", ROUTES)
def test_each_persona_gets_the_expected_status_and_refusals_change_nothing(world, key):
    case = ROUTES[key]
    problems = []
    for i, persona in enumerate(PERSONAS):
        user = world[persona]
        with rolled_back():
            client = client_as(user)
            if case.prepare:
                case.prepare(client, world)
            url = url_of(key, world)

            before = snapshot()
            problem = check(client.get(url), case.get[i], url)
            if problem:
                problems.append(f"{persona} GET: {problem}")
            if snapshot() != before:
                problems.append(f"{persona} GET changed {changed(before, snapshot())}")

            response = client.post(url, case.data(world, user))
            problem = check(response, case.post[i], url)
            if problem:
                problems.append(f"{persona} POST: {problem}")
            after = snapshot()
            if writes(case.post[i]) and after == before:
                problems.append(f"{persona} POST should have changed the database")
            if not writes(case.post[i]) and after != before:
                problems.append(f"{persona} POST changed {changed(before, after)}")
    assert not problems, f"{key} ({url}):\n" + "\n".join(problems)
