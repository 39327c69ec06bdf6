"""Every form about something that exists goes back unchanged, as a browser sends it.

Driven by the route table (tests/routes.py): every route whose page, for the first persona
who may open it, holds a POST form that comes filled in (at least one field has a value and
every required field has one) is opened in Chromium and submitted as it is. It must succeed
(a redirect to a page saying so, no form error) and leave every row that was in the database
as it was. A new form page is covered as soon as it is in the route table.

This is what a browser does and a Django test client does not: it parses each value (a date
input given `20/12/2026` posts an empty date), sends only the checked radio and the selected
option, and nothing the page does not show.
"""

import pytest
from django.apps import apps
from django.test import Client
from playwright.sync_api import BrowserContext, Page

from ..helpers import NOT_COMPARED
from ..routes import PERSONAS, ROUTES, build_world, url_name, url_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# These forms make something new out of the old: reposting a cancelled task posts a new one.
MAKE_NEW_ROWS = {"marketplace:task_repost"}
# Written by design on any request: login records and sessions.

# For each POST form in the page as the server sent it (read with JavaScript off, so these
# are the HTML attributes): whether it comes filled in, i.e. has a field with a value and no
# required field without one. Radios and checkboxes count when checked with a value.
FILLED_IN_FORMS_JS = """() => [...document.forms].flatMap((form, index) => {
  if (form.getAttribute('method')?.toLowerCase() !== 'post') return [];
  const fields = [...form.elements].filter(el => el.name && el.tagName !== 'BUTTON'
    && !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type));
  const filled = el => {
    if (el.type === 'checkbox' || el.type === 'radio')
      return el.hasAttribute('checked') && el.getAttribute('value') !== '';
    if (el.tagName === 'SELECT')
      return [...el.options].some(o => o.hasAttribute('selected') && o.value !== '');
    if (el.tagName === 'TEXTAREA') return el.defaultValue.trim() !== '';
    return (el.getAttribute('value') || '').trim() !== '';
  };
  const groupFilled = name => fields.filter(el => el.name === name).some(filled);
  const required = fields.filter(el => el.required).map(el => el.name);
  if (!fields.some(filled) || !required.every(groupFilled)) return [];
  return [index];
})"""


def rows() -> dict[str, dict]:
    """Every row of the site's tables, by model and primary key."""
    return {
        model._meta.label: {
            row[model._meta.pk.attname]: row
            for row in model.objects.values(*[f.attname for f in model._meta.concrete_fields])
        }
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in NOT_COMPARED
    }


def changed_rows(before: dict, after: dict, *, new_rows_allowed: bool) -> list[str]:
    problems = []
    for label, old in before.items():
        new = after[label]
        problems += [f"{label} #{pk} was changed" for pk in old if pk in new and old[pk] != new[pk]]
        problems += [f"{label} #{pk} was deleted" for pk in old if pk not in new]
        if not new_rows_allowed and (added := new.keys() - old.keys()):
            problems.append(f"{label}: new rows {sorted(added)}")
    return problems


def client_for(key: str, world) -> tuple[Client, str] | None:
    """A client as the first persona who may open the route's page, or None if nobody may."""
    case = ROUTES[key]
    for persona, status in zip(PERSONAS, case.get, strict=True):
        if status == 200:
            client = Client()
            if world[persona] is not None:
                client.force_login(world[persona])
            if case.prepare:
                case.prepare(client, world)
            return client, persona
    return None


def filled_in_forms(checker: Page, html: str) -> list[int]:
    checker.set_content(html, wait_until="domcontentloaded")
    return checker.evaluate(FILLED_IN_FORMS_JS)


def browser_like(new_context, client: Client, base_url: str) -> BrowserContext:
    """A browser holding the client's cookies: the same session, signed in or not."""
    context = new_context()
    context.add_cookies(
        [{"name": name, "value": c.value, "url": base_url} for name, c in client.cookies.items()]
    )
    return context


def submit_unchanged(page: Page, url: str, index: int) -> list[str]:
    """Open `url`, submit its form number `index` as shown; return what went wrong."""
    page.goto(url)
    form = page.locator("form").nth(index)
    button = form.locator("button[type=submit], button:not([type]), input[type=submit]").first
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    problems = []
    if response.request.redirected_from is None:
        problems.append(f"answered {response.status} without a redirect")
    errors = page.locator(".error-summary, .alert-danger").all_inner_texts()
    problems += [f"shows the error “{' '.join(text.split())}”" for text in errors]
    invalid = page.locator("[aria-invalid=true]").evaluate_all("els => els.map(el => el.name)")
    problems += [f"marks the field “{name}” invalid" for name in invalid]
    if not page.get_by_role("status").count():
        problems.append(f"shows no message at {page.url}")
    return problems


def test_every_filled_in_form_submits_unchanged(new_context, browser, base_url):
    world = build_world()
    checker_context = browser.new_context(java_script_enabled=False)
    checker = checker_context.new_page()
    tried, problems = [], []
    for key in ROUTES:
        found = client_for(key, world)
        if found is None:
            continue
        client, persona = found
        url = url_of(key, world)
        forms = filled_in_forms(checker, client.get(url).content.decode())
        if not forms:
            continue
        page = browser_like(new_context, client, base_url).new_page()
        for index in forms:
            before = rows()
            failures = submit_unchanged(page, url, index)
            after = rows()
            failures += changed_rows(before, after, new_rows_allowed=url_name(key) in MAKE_NEW_ROWS)
            problems += [f"{key} as {persona}, form {index} at {url}: {f}" for f in failures]
            tried.append(key)
        page.context.close()
    checker_context.close()
    # The forms this test exists for: if one is no longer found, the finder is broken.
    for key in (
        "marketplace:task_edit",
        "marketplace:task_repost",
        "marketplace:bid_edit",
        "accounts:profile_edit",
        "marketplace:email_preferences",
    ):
        assert key in tried, f"{key} was not tried; found only {tried}"
    assert not problems, "\n".join(problems)
