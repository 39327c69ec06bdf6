"""Saved searches: saved from the browse page, listed, renamed and deleted in the settings,
and the emails of new matching tasks (instant from the worker, daily from send_task_alerts)."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace import services
from marketplace.alerts import (
    DIGEST_MAX_TASKS,
    DigestMatcher,
    alert_task,
    claim,
    deliver,
    matching_tasks,
    send_digests,
)
from marketplace.emails import search_unsubscribe_token
from marketplace.models import Category, SavedSearch, Task, TaskAlert
from marketplace.places import place_for_city

from .command_helpers import run
from .conftest import client_for
from .factories import (
    BidFactory,
    CustomerFactory,
    SavedSearchFactory,
    TaskFactory,
    category,
)
from .helpers import messages_of, page_form, race, snapshot, task_data

F = SavedSearch.Frequency
BROWSE = reverse("marketplace:task_list")
CREATE = reverse("marketplace:saved_search_create")
LIST = reverse("marketplace:saved_search_list")


def fence_in_cardiff(**overrides) -> dict:
    """The task form's data for the fence job these alerts are about."""
    return task_data(
        **{
            "title": "Mend a garden fence",
            "description": "Three panels blew down in the storm; the posts are still sound.",
            "budget": "150.00",
            "city": "Cardiff",
            "postcode": "",
        }
        | overrides
    )


def post_task(client, django_capture_on_commit_callbacks, **fields) -> Task:
    """Post a task through the page, running what is queued after commit (the alerts)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("marketplace:task_create"), fence_in_cardiff(**fields))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Task.objects.get(title=fields.get("title", "Mend a garden fence"), city=fields["city"])


def alerts_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def save_form(client, query: str) -> dict:
    """The browse page's "Save this search" form, as shown for `query`."""
    return page_form(client.get(f"{BROWSE}?{query}"), CREATE)


# --- Done when: a tasker saves a search, a customer posts, one email names the match ---


def test_a_saved_search_emails_its_owner_the_matching_task_only(
    tasker, tasker_client, customer_client, django_capture_on_commit_callbacks
):
    # Distance ("fence within 10 miles of Cardiff") joins the same filters with the place
    # search; the keyword and the city show the same flow.
    data = save_form(tasker_client, "q=fence&city=Cardiff")
    assert data["q"] == "fence" and data["city"] == "Cardiff"
    response = tasker_client.post(
        CREATE, data | {"name": "Fences in Cardiff", "frequency": "instant"}
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get(owner=tasker)
    assert (search.name, search.q, search.city, search.frequency) == (
        "Fences in Cardiff",
        "fence",
        "Cardiff",
        F.INSTANT,
    )
    assert response["Location"] == search.browse_url()

    match = post_task(customer_client, django_capture_on_commit_callbacks, city="Cardiff")
    post_task(customer_client, django_capture_on_commit_callbacks, city="Leeds")

    [email] = alerts_to(tasker)
    assert match.title in email.subject and "Fences in Cardiff" in email.subject
    assert f"http://127.0.0.1:8000{match.get_absolute_url()}" in email.body
    assert "Leeds" not in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert list(TaskAlert.objects.values_list("search", "task")) == [(search.pk, match.pk)]


@pytest.mark.parametrize("frequency", ["instant", "daily"])
def test_fence_near_cardiff_emails_the_penarth_task_and_not_the_leeds_one(
    frequency, tasker, tasker_client, customer_client, django_capture_on_commit_callbacks
):
    """A tasker saves "fence within 10 miles of Cardiff" from the browse page; a customer
    posts a fence job in Penarth (about 3 miles away) and one in Leeds through the task
    form; the tasker gets one email, naming the Penarth task only."""
    data = save_form(tasker_client, "near=Cardiff&radius=10&q=fence")
    # The place as the page found it ("Cardiff, Wales"), so the search keeps that place.
    assert (data["q"], data["near"], data["radius"]) == ("fence", "Cardiff, Wales", "10")
    response = tasker_client.post(
        CREATE, data | {"name": "Fences near Cardiff", "frequency": frequency}
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get(owner=tasker)
    assert (search.q, search.near, search.radius) == ("fence", "Cardiff, Wales", 10)

    form = page_form(customer_client.get(reverse("marketplace:task_create")))
    for city in ("Penarth", "Leeds"):
        posted = form | fence_in_cardiff(title=f"Mend a garden fence in {city}", city=city)
        with django_capture_on_commit_callbacks(execute=True):
            response = customer_client.post(reverse("marketplace:task_create"), posted)
        assert response.status_code == 302, response.content.decode()[:2000]
    penarth = Task.objects.get(city="Penarth")
    assert str(penarth.town) == "Penarth, Wales"
    if frequency == "daily":
        assert alerts_to(tasker) == []  # not instantly
        assert run("send_task_alerts").startswith("Sent 1 digest naming 1 task")

    [email] = alerts_to(tasker)
    assert "Mend a garden fence in Penarth" in email.subject + email.body
    assert f"http://127.0.0.1:8000{penarth.get_absolute_url()}" in email.body
    assert "Leeds" not in email.subject + email.body
    assert list(TaskAlert.objects.values_list("search", "task")) == [(search.pk, penarth.pk)]
    run("send_task_alerts")
    assert len(alerts_to(tasker)) == 1  # and never again


# --- Saving: the browse page's form, and bad input ---


def test_the_browse_page_offers_saving_only_to_the_signed_in(client, tasker_client):
    assert CREATE not in client.get(f"{BROWSE}?q=fence").content.decode()
    page = tasker_client.get(BROWSE).content.decode()
    assert f'action="{CREATE}"' not in page
    assert "Choose at least one filter" in page
    assert f'action="{CREATE}"' in tasker_client.get(f"{BROWSE}?q=fence").content.decode()


def test_the_save_form_holds_exactly_the_filters_shown(tasker_client):
    gardening = category()
    data = save_form(
        tasker_client,
        f"q=hedge&category={gardening.slug}&city=York&budget_min=20&budget_max=oops&remote=on",
    )
    # A filter in error is not applied to the page, so it is not saved either.
    assert {k: data[k] for k in ("q", "category", "city", "budget_min", "remote")} == {
        "q": "hedge",
        "category": gardening.slug,
        "city": "York",
        "budget_min": "20",
        "remote": "on",
    }
    assert data["budget_max"] == ""
    assert data["name"]  # a suggested name


def test_a_search_with_no_filters_is_refused(tasker, tasker_client):
    before = snapshot()
    response = tasker_client.post(CREATE, {"name": "Everything", "frequency": "daily"})
    assert response.status_code == 200
    assert "Choose at least one filter" in response.content.decode()
    assert snapshot() == before
    assert not SavedSearch.objects.exists()


def test_a_200_character_name_is_refused_and_the_filters_are_kept(tasker_client):
    data = save_form(tasker_client, "q=fence&city=Cardiff") | {"name": "x" * 200}
    before = snapshot()
    response = tasker_client.post(CREATE, data)
    assert response.status_code == 200
    assert "Keep the name to 100 characters (it has 200)." in response.content.decode()
    assert snapshot() == before
    again = page_form(response)
    assert again["q"] == "fence" and again["city"] == "Cardiff" and again["name"] == "x" * 200
    response = tasker_client.post(CREATE, again | {"name": "Fences"})
    assert response.status_code == 302
    assert SavedSearch.objects.get().name == "Fences"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"name": "   "}, "Give the search a name."),
        ({"budget_min": "-5"}, "Ensure this value is greater than or equal to 0."),
        ({"budget_min": "50", "budget_max": "10"}, "The upper budget must be at least the lower"),
        ({"category": "no-such-category"}, "Select a valid choice."),
        ({"frequency": "hourly"}, "Select a valid choice. hourly is not one of"),
        ({"q": "x" * 101}, "Ensure this value has at most 100 characters (it has 101)."),
    ],
)
def test_bad_input_is_a_message_and_nothing_is_stored(tasker_client, bad, message):
    data = {"name": "Fences", "q": "fence", "frequency": "daily"} | bad
    before = snapshot()
    response = tasker_client.post(CREATE, data)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert snapshot() == before


def test_the_distance_filters_are_kept_with_the_search(tasker, tasker_client):
    data = {"name": "Near Cardiff", "q": "fence", "near": "Cardiff", "radius": "10"}
    response = tasker_client.post(CREATE, data | {"frequency": "daily"})
    assert response.status_code == 302
    search = SavedSearch.objects.get(owner=tasker)
    assert (search.near, search.radius) == ("Cardiff", 10)
    assert "near=Cardiff" in search.browse_url() and "radius=10" in search.browse_url()


# --- Settings → Saved searches: list, rename, re-time, delete ---


def test_the_list_shows_only_ones_own_searches(tasker, tasker_client, other_tasker):
    mine = SavedSearchFactory(owner=tasker, name="Fences", q="fence", city="Cardiff")
    SavedSearchFactory(owner=other_tasker, name="Not mine")
    page = tasker_client.get(LIST).content.decode()
    assert "Fences" in page and "Not mine" not in page
    assert "“fence”, city Cardiff" in page
    assert reverse("marketplace:saved_search_edit", args=[mine.pk]) in page
    assert reverse("marketplace:saved_search_delete", args=[mine.pk]) in page
    assert LIST in tasker_client.get(reverse("accounts:profile_edit")).content.decode()


def test_a_search_is_renamed_and_its_emails_changed(tasker, tasker_client):
    search = SavedSearchFactory(owner=tasker, name="Fences", frequency=F.INSTANT)
    url = reverse("marketplace:saved_search_edit", args=[search.pk])
    data = page_form(tasker_client.get(url)) | {
        "name": "  Fences   near home ",
        "frequency": "never",
    }
    response = tasker_client.post(url, data)
    assert response.status_code == 302 and response["Location"] == LIST
    search.refresh_from_db()
    assert (search.name, search.frequency) == ("Fences near home", F.NEVER)


def test_a_rename_to_200_characters_is_refused(tasker, tasker_client):
    search = SavedSearchFactory(owner=tasker, name="Fences")
    url = reverse("marketplace:saved_search_edit", args=[search.pk])
    response = tasker_client.post(url, {"name": "y" * 200, "frequency": "daily"})
    assert response.status_code == 200
    assert "Keep the name to 100 characters (it has 200)." in response.content.decode()
    search.refresh_from_db()
    assert search.name == "Fences"


def test_a_search_is_deleted_after_a_confirmation(tasker, tasker_client):
    search = SavedSearchFactory(owner=tasker, name="Fences")
    url = reverse("marketplace:saved_search_delete", args=[search.pk])
    page = tasker_client.get(url)
    assert "Delete the saved search “Fences”?" in page.content.decode()
    assert SavedSearch.objects.filter(pk=search.pk).exists()
    response = tasker_client.post(url, page_form(page))
    assert response.status_code == 302 and response["Location"] == LIST
    assert messages_of(response) == ["Deleted the saved search “Fences”."]
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_someone_elses_search_is_a_404(tasker, other_tasker_client):
    search = SavedSearchFactory(owner=tasker)
    for name in ("saved_search_edit", "saved_search_delete"):
        url = reverse(f"marketplace:{name}", args=[search.pk])
        assert other_tasker_client.get(url).status_code == 404
        assert other_tasker_client.post(url, {"name": "Mine now"}).status_code == 404
    search.refresh_from_db()


# --- Which tasks are alerted ---


@pytest.fixture
def search(tasker):
    return SavedSearchFactory(
        owner=tasker,
        q="fence",
        city="Cardiff",
        frequency=F.INSTANT,
        created_at=timezone.now() - datetime.timedelta(hours=1),
    )


def fence(customer, **fields) -> Task:
    return TaskFactory(
        **({"title": "Mend a garden fence", "city": "Cardiff"} | fields), customer=customer
    )


def test_an_instant_search_is_emailed_a_new_match_once(search, customer, tasker):
    task = fence(customer)
    assert alert_task(task.pk) == 1
    assert alert_task(task.pk) == 0  # never twice for the same task and search
    assert len(alerts_to(tasker)) == 1


@pytest.mark.parametrize(
    "why",
    [
        "own task",
        "hidden",
        "suspended customer",
        "posted before the search",
        "not open",
        "other city",
    ],
)
def test_tasks_that_must_not_be_alerted(search, customer, tasker, why):
    fields = {
        "own task": {"customer": tasker},
        "hidden": {"is_hidden": True},
        "suspended customer": {"customer": CustomerFactory(is_active=False)},
        "posted before the search": {"created_at": search.created_at - datetime.timedelta(1)},
        "not open": {"status": Task.Status.CANCELLED},
        "other city": {"city": "Leeds"},
    }[why]
    task = TaskFactory(**({"customer": customer, "title": "Fence", "city": "Cardiff"} | fields))
    assert alert_task(task.pk) == 0
    assert send_digests().emails == 0
    assert mail.outbox == [] and not TaskAlert.objects.exists()


def test_searches_set_to_daily_or_never_get_no_instant_email(search, customer):
    search.frequency = F.NEVER
    search.save()
    daily = SavedSearchFactory(q="fence", frequency=F.DAILY, created_at=search.created_at)
    assert alert_task(fence(customer).pk) == 0
    assert mail.outbox == []
    assert send_digests().emails == 1  # the daily one, in its digest
    assert [m.to for m in mail.outbox] == [[daily.owner.email]]


def test_a_suspended_owner_gets_no_email(search, customer, tasker):
    tasker.is_active = False
    tasker.save()
    assert alert_task(fence(customer).pk) == 0
    assert mail.outbox == []


def test_an_edit_that_newly_matches_is_alerted_once(
    search, customer, tasker, django_capture_on_commit_callbacks
):
    task = fence(customer, city="Newport")
    assert alert_task(task.pk) == 0
    task.city = "Cardiff"
    with django_capture_on_commit_callbacks(execute=True):
        services.task_edit(task=task, by=customer, changed=["city"])
    assert len(alerts_to(tasker)) == 1
    task.budget = Decimal("160.00")
    with django_capture_on_commit_callbacks(execute=True):
        services.task_edit(task=task, by=customer, changed=["budget"])
    assert len(alerts_to(tasker)) == 1  # still matching: not emailed again


def test_a_new_task_queues_its_alerts_after_commit(
    search, customer, tasker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task = services.task_post(
            task=Task(
                title="Fence panels",
                description="Three panels to replace, posts are fine and stay.",
                category=category(),
                budget=Decimal("100"),
                city="Cardiff",
                due_date=timezone.localdate(),
            ),
            by=customer,
        )
    # One queues the alerts; the other moves the listing generation on (tasker/listing.py).
    [queue_alerts] = [c for c in callbacks if c.__module__ != "tasker.listing"]
    assert mail.outbox == []
    queue_alerts()
    [email] = alerts_to(tasker)
    assert task.title in email.subject


# --- The daily digest ---


@pytest.fixture
def daily(search):
    search.frequency = F.DAILY
    search.save()
    return search


def test_the_digest_lists_new_matches_and_a_second_run_sends_nothing(daily, customer, tasker):
    tasks = [fence(customer, title=f"Fence number {n}") for n in range(3)]
    fence(customer, city="Leeds", title="Fence in Leeds")

    output = run("send_task_alerts")
    assert output.strip() == "Sent 1 digest naming 3 tasks, for 1 daily search."
    [email] = alerts_to(tasker)
    assert email.subject == f"3 new tasks for “{daily.name}”"
    for task in tasks:
        assert f"http://127.0.0.1:8000{task.get_absolute_url()}" in email.body
    assert "Leeds" not in email.body
    body = email.alternatives[0][0]
    assert f'<a href="http://127.0.0.1:8000{tasks[0].get_absolute_url()}">' in body

    assert run("send_task_alerts").strip() == "Sent 0 digests naming 0 tasks, for 1 daily search."
    assert len(mail.outbox) == 1
    fence(customer, title="Fence, the next day")
    run("send_task_alerts")
    assert len(mail.outbox) == 2 and "Fence, the next day" in mail.outbox[1].subject


def test_a_dry_run_lists_the_digests_and_sends_nothing(daily, customer, tasker):
    task = fence(customer)
    before = snapshot()
    output = run("send_task_alerts", "--dry-run")
    assert f"{tasker.username} “{daily.name}”: #{task.pk} “{task.title}”" in output
    assert output.splitlines()[-1] == (
        "Would send 1 digest naming 1 task, for 1 daily search (dry run: nothing sent)."
    )
    assert mail.outbox == [] and snapshot() == before
    assert run("send_task_alerts").startswith("Sent 1 digest")


def test_a_long_digest_names_the_newest_and_links_to_the_rest(daily, customer, tasker):
    for n in range(DIGEST_MAX_TASKS + 2):
        fence(customer, title=f"Fence number {n}")
    assert send_digests().tasks == DIGEST_MAX_TASKS
    [email] = alerts_to(tasker)
    assert email.subject == f"{DIGEST_MAX_TASKS}+ new tasks for “{daily.name}”"
    assert daily.browse_url().replace("&", "&amp;") in email.alternatives[0][0]
    # The ones it only links to are not sent the next day either: they are behind the
    # watermark, and only the tasks named are recorded.
    assert send_digests().emails == 0
    named = set(Task.objects.order_by("-created_at", "-id")[:DIGEST_MAX_TASKS])
    assert {alert.task for alert in TaskAlert.objects.filter(search=daily)} == named
    daily.refresh_from_db()
    assert daily.digested_up_to is not None


def test_the_instant_and_the_digest_never_send_the_same_task(daily, customer):
    task = fence(customer)
    assert claim(daily, [task.pk]) == [task.pk]
    assert send_digests().emails == 0
    assert mail.outbox == []


def test_a_digest_moves_the_watermark_on_with_its_email(daily, customer, tasker):
    first = fence(customer, title="Fence number 1")
    assert daily.digested_up_to is None
    before = timezone.now()
    assert send_digests().emails == 1
    daily.refresh_from_db()
    assert before <= daily.digested_up_to <= timezone.now()
    mark = daily.digested_up_to
    # Nothing new: no email, and the watermark stays where it is.
    assert send_digests().emails == 0
    daily.refresh_from_db()
    assert daily.digested_up_to == mark
    # A task changed behind the watermark is not looked at again.
    Task.objects.filter(pk=first.pk).update(updated_at=mark - datetime.timedelta(seconds=1))
    TaskAlert.objects.all().delete()
    assert send_digests().emails == 0
    second = fence(customer, title="Fence number 2")
    assert send_digests().tasks == 1
    assert "Fence number 2" in alerts_to(tasker)[-1].subject
    assert set(TaskAlert.objects.values_list("task", flat=True)) == {second.pk}


def test_a_digest_costs_as_many_queries_for_one_task_as_for_many(daily, customer):
    cardiff = place_for_city("Cardiff")

    def queries_for(count: int) -> int:
        for n in range(count):
            fence(customer, title=f"Fence {count}.{n}", town=cardiff)
        with CaptureQueriesContext(connection) as queries:
            assert send_digests().tasks == count
        return len(queries)

    assert queries_for(1) == queries_for(6)


def test_a_search_with_no_new_match_keeps_no_watermark(daily, customer):
    fence(customer, city="Leeds")
    assert send_digests().emails == 0
    daily.refresh_from_db()
    assert daily.digested_up_to is None


def test_an_edit_that_newly_matches_after_a_digest_is_in_the_next_one(
    daily, customer, tasker, django_capture_on_commit_callbacks
):
    fence(customer)
    newport = fence(customer, city="Newport", title="Fence in Newport")
    assert send_digests().tasks == 1
    newport.city = "Cardiff"
    with django_capture_on_commit_callbacks(execute=True):
        services.task_edit(task=newport, by=customer, changed=["city"])
    assert send_digests().tasks == 1
    assert "Fence in Newport" in alerts_to(tasker)[-1].subject
    assert send_digests().emails == 0


def test_a_digest_another_run_sent_first_is_not_sent_again(daily, customer, tasker):
    fence(customer)
    stale = SavedSearch.objects.get(pk=daily.pk)  # as read by a run that started earlier
    assert send_digests().emails == 1
    daily.refresh_from_db()
    # The later run's conditional update finds the watermark moved: it sends nothing,
    # records nothing and leaves the watermark where the winner put it.
    tasks = list(Task.objects.all())
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert deliver(stale, tasks, more=False, now=later) == []
    assert len(alerts_to(tasker)) == 1
    assert SavedSearch.objects.get(pk=daily.pk).digested_up_to == daily.digested_up_to


@pytest.mark.django_db(transaction=True)
def test_concurrent_digest_runs_send_each_digest_once(customer):
    saved = timezone.now() - datetime.timedelta(hours=1)
    searches = [
        SavedSearchFactory(q="fence", frequency=F.DAILY, created_at=saved) for _ in range(3)
    ]
    for n in range(3):
        fence(customer, title=f"Fence number {n}")

    outcomes = race(4, lambda i: send_digests())

    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert sum(o.emails for o in outcomes) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.owner.email for s in searches)
    assert TaskAlert.objects.count() == 9
    assert SavedSearch.objects.filter(digested_up_to__isnull=True).count() == 0


# --- One-click unsubscribe ---


def test_the_email_link_stops_the_searchs_alerts(search, customer, tasker, client):
    alert_task(fence(customer).pk)
    [email] = alerts_to(tasker)
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("http://127.0.0.1:8000")
    assert path == reverse(
        "marketplace:saved_search_unsubscribe", args=[search_unsubscribe_token(search)]
    )
    page = client.get(path)
    assert page.status_code == 200 and search.name in page.content.decode()
    search.refresh_from_db()
    assert search.frequency == F.INSTANT  # GET only asks
    assert client.post(path).status_code == 200  # a mail client's one-click POST, no cookie
    search.refresh_from_db()
    assert search.frequency == F.NEVER
    alert_task(fence(customer, title="Another fence").pk)
    assert len(alerts_to(tasker)) == 1


def test_a_bad_unsubscribe_token_changes_nothing(search, client):
    url = reverse("marketplace:saved_search_unsubscribe", args=["not-a-token"])
    assert client.post(url).status_code == 400
    search.refresh_from_db()
    assert search.frequency == F.INSTANT


# --- The dashboard's "new tasks for you" leave out what the tasker already bid on ---


def test_a_saved_search_match_already_bid_on_is_not_suggested(search, customer, tasker):
    task = fence(customer)
    BidFactory(task=task, tasker=tasker)
    other = fence(customer, title="Another fence")
    for found in (task, other):
        alert_task(found.pk)
    response = client_for(tasker).get(reverse("marketplace:dashboard"))
    assert list(response.context["suggestions"]) == [other]


def test_the_digest_lists_what_each_searchs_own_browse_query_lists(customer, tasker):
    """The digest runs each distinct filter once and combines them; for every search the
    result is what the browse query with all of the search's filters lists."""
    gardening = next(c for c in Category.objects.all() if c.slug == "gardening")
    for title, city, budget, remote, cat in [
        ("Mend a garden fence", "Cardiff", "150", False, None),
        ("Paint a garden fence", "Leeds", "60", True, gardening),
        ("Weed the garden beds", "Cardiff", "40", False, gardening),
        ("Fence post repair", "Cardiff", "300", True, None),
    ]:
        TaskFactory(
            customer=customer,
            title=title,
            city=city,
            budget=Decimal(budget),
            is_remote=remote,
            **({"category": cat} if cat else {}),
        )
    saved = timezone.now() - datetime.timedelta(hours=1)
    searches = [
        SavedSearchFactory(owner=tasker, created_at=saved, frequency=F.DAILY, **filters)
        for filters in [
            {"q": "fence"},
            {"q": "fence", "city": "Cardiff"},
            {"q": "garden", "category": gardening},
            {"q": "", "city": "card", "budget_min": Decimal("100")},
            {"q": "fence", "remote": True},
            {"q": "", "category": gardening, "budget_max": Decimal("50")},
            {"q": "nothing-like-this"},
        ]
    ]
    matcher = DigestMatcher(timezone.now())
    for search in searches:
        expected = list(matching_tasks(search).values_list("pk", flat=True))
        assert matcher.matches(search) == expected, search.query_data()
