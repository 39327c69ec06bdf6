"""Performance guards that do not time anything: query plans, template loading, markup.

Timings live in the bench (`make bench`, docs/performance.md); these tests keep the
reasons for its figures from quietly going away.
"""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.template import engines
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace import paging
from marketplace.forms import TaskFilterForm
from marketplace.models import Task

from .factories import TaskFactory, seed_categories

BROWSE = reverse("marketplace:task_list")


# --- Indexes: the browse page never reads the whole task table ---


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip(
            "Reads SQLite's EXPLAIN QUERY PLAN. PostgreSQL chooses plans from table "
            "statistics, and on a test-sized table a sequential scan is its right choice."
        )


@pytest.fixture
def some_tasks(customer):
    gardening = next(c for c in seed_categories() if c.slug == "gardening")
    TaskFactory.create_batch(3, customer=customer, category=gardening, title="Weed the beds")
    TaskFactory.create_batch(3, customer=customer, is_remote=True)


def task_plans(client, url: str) -> list[list[str]]:
    """The query plan of every query the page makes that reads the task table."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if '"marketplace_task"' in query["sql"]:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plans.append([row[-1] for row in cursor.fetchall()])
    assert plans, f"{url} read no task"
    return plans


# A virtual table's step reads "SCAN", but FTS5 answers a MATCH (idxStr "M…") from its index.
FTS_MATCH = re.compile(r"SCAN (\w+) VIRTUAL TABLE INDEX \d+:M")


def full_scans(plans: list[list[str]]) -> list[str]:
    """Plan steps that visit every row of a table (or every entry of an index).

    "SCAN subquery" is not one: it reads the rows of the capped count's own subquery
    (marketplace/paging.py), at most 1,001 of them, which an index search produced.
    """
    return [
        step
        for plan in plans
        for step in plan
        if step.startswith("SCAN ") and not FTS_MATCH.match(step) and step != "SCAN subquery"
    ]


@pytest.mark.usefixtures("sqlite_only", "some_tasks")
def test_browsing_a_category_searches_the_category_index_in_order(client):
    plans = task_plans(client, f"{BROWSE}?category=gardening")
    assert full_scans(plans) == []
    count, page = plans  # the paginator counts first
    assert any(
        step.startswith("SEARCH marketplace_task USING INDEX task_browse_category") for step in page
    ), page
    # Newest first straight from the index: no sort of the matching tasks.
    assert not any("TEMP B-TREE" in step for step in page), page
    # The paginator counts from the index alone.
    assert any(
        step.startswith("SEARCH marketplace_task USING COVERING INDEX task_browse_category")
        for step in count
    ), count


@pytest.mark.usefixtures("sqlite_only", "some_tasks")
def test_counting_all_open_tasks_reads_an_index_only(client):
    count, page = task_plans(client, BROWSE)
    assert any(
        step.startswith("SEARCH marketplace_task USING COVERING INDEX task_browse_")
        for step in count
    ), count
    assert not any("TEMP B-TREE" in step for step in page), page


@pytest.mark.usefixtures("sqlite_only", "some_tasks")
@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=2",
        "sort=budget_desc",
        "sort=budget_asc",
        "sort=due",
        "city=leeds",
        "budget_min=10&budget_max=50",
        "remote=on",
        "category=gardening&sort=budget_asc",
        "q=weed",
        "q=weed+the+beds&sort=budget_desc",
        # A word of one or two letters is compared with the text of open tasks only.
        "q=we",
    ],
)
def test_no_filter_or_sort_scans_the_task_table(client, query):
    plans = task_plans(client, f"{BROWSE}?{query}")
    assert full_scans(plans) == []
    for plan in plans:
        assert any(step.startswith("SEARCH marketplace_task USING") for step in plan), plan


@pytest.mark.usefixtures("sqlite_only", "some_tasks")
@pytest.mark.parametrize("query", ["q=weed", "q=WEED+beds", "q=eed+be&category=gardening"])
def test_a_keyword_is_looked_up_in_the_search_index(client, query):
    plans = task_plans(client, f"{BROWSE}?{query}")
    assert full_scans(plans) == []
    assert len(plans) == 2  # the paginator's count, then the page
    for plan in plans:
        assert [FTS_MATCH.match(step)[1] for step in plan if FTS_MATCH.match(step)] == [
            "marketplace_task_search"
        ], plan


def vm_steps(client, url: str) -> int:
    """The SQLite virtual-machine steps of the page's task queries, run again one by one
    (the work of reading rows: steady from run to run, unlike a timing)."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    steps = 0

    def step() -> int:
        nonlocal steps
        steps += 1
        return 0

    connection.connection.set_progress_handler(step, 1)
    try:
        with connection.cursor() as cursor:
            for query in queries.captured_queries:
                if "marketplace_task" in query["sql"]:
                    cursor.execute(query["sql"])
                    cursor.fetchall()
    finally:
        connection.connection.set_progress_handler(None, 1)
    return steps


@pytest.mark.usefixtures("sqlite_only")
@pytest.mark.parametrize("q", ["weed", "weed beds", "garden"])  # "garden" names a category too
def test_a_big_keyword_search_reads_no_more_with_ten_times_the_matches(
    client, customer, monkeypatch, q
):
    """Past the cap, the count stops at cap + 1 matches read from the index, and the first
    page at its last row read newest first: neither lists every match of the index
    first, which grows with the site (TaskQuerySet.count_matching, row_by_row)."""
    monkeypatch.setattr(paging, "MAX_RESULTS", 30)
    TaskFactory.create_batch(40, customer=customer, title="Weed the garden beds")
    before = vm_steps(client, f"{BROWSE}?q={q}")
    TaskFactory.create_batch(960, customer=customer, title="Weed the garden beds")
    after = vm_steps(client, f"{BROWSE}?q={q}")
    # 25 times the matches: reading every match would cost several times more. The
    # index's own pages of matches grow a little (by a tenth here; 2.6 to 3 times before).
    assert after < before * 1.5, (before, after)


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Reads PostgreSQL's EXPLAIN.")


@pytest.mark.usefixtures("postgresql_only", "some_tasks")
@pytest.mark.parametrize("word", ["weed", "garden"])  # "garden" is also a category's name
def test_the_trigram_indexes_serve_the_keyword_search_as_django_writes_it(word):
    """The pg_trgm indexes are on UPPER(column), the expression Django's icontains compiles
    to; if Django wrote it otherwise they would silently go unused. On a test-sized table a
    sequential scan is the right plan, so that choice is taken from the planner, and only
    the keyword's condition is planned (the status indexes would do as well here)."""
    with CaptureQueriesContext(connection) as queries:
        Task.objects.search(word).count()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        # The last query: the first one reads the category names.
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on task_search_title" in plan, plan
    assert "Bitmap Index Scan on task_search_description" in plan, plan


def test_no_foreign_key_has_an_index_that_another_one_already_gives():
    """A foreign key's own index is redundant when an index or unique constraint of the
    same model (not a partial one) begins with its column: the longer one serves the joins,
    and each extra index slows every insert (bids, messages, notifications)."""
    from django.apps import apps
    from django.db import models

    redundant = []
    for model in apps.get_app_config("marketplace").get_models():
        opts = model._meta
        leading = {
            opts.get_field(index.fields[0].lstrip("-")).column
            for index in [*opts.indexes, *opts.constraints]
            if isinstance(index, models.Index | models.UniqueConstraint)
            and index.fields
            and index.condition is None
        }
        redundant += [
            f"{model.__name__}.{field.name}"
            for field in opts.fields
            if field.many_to_one and field.db_index and field.column in leading
        ]
    assert redundant == []


# --- Templates ---


def test_templates_are_compiled_once_per_process():
    """Django wraps the loaders in its cached loader when settings name none: each
    process parses a template once, not on every request."""
    from django.template.loaders.cached import Loader

    engine = engines["django"].engine
    assert "loaders" not in settings.TEMPLATES[0].get("OPTIONS", {})
    assert [type(loader) for loader in engine.template_loaders] == [Loader]
    first = engine.get_template("marketplace/task_list.html")
    assert engine.get_template("marketplace/task_list.html") is first


# --- The browse filter form: crispy-forms, cached per filter state ---


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=weed+%22the%22&category=gardening&city=Leeds&budget_min=5&budget_max=50"
        "&remote=on&sort=due",
        # Errors: an unknown category and sort, a negative and a non-numeric budget,
        # and an upper budget below the lower one.
        "category=nope&sort=zz&budget_min=-1&budget_max=abc",
        "budget_min=50&budget_max=5",
        # A distance search, and its errors: an unknown place, a radius out of bounds.
        "near=Cardiff&radius=5&remote=on&sort=distance",
        "near=Cardif&radius=100000&sort=distance",
        "radius=-5&sort=distance",
    ],
)
def test_the_browse_page_shows_the_filter_form_crispy_renders(client, db, query):
    seed_categories()
    data = QueryDict(query) or None
    form = TaskFilterForm(data)
    if data:
        form.is_valid()
    crispy = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")
    expected = parse_html(crispy.render({"form": form}))
    for _ in range(2):  # rendered, then from the cache
        html = client.get(f"{BROWSE}?{query}").content.decode()
        start = html.index('<form method="get"')
        form_html = html[start : html.index("</form>", start)]
        fields = form_html[form_html.index(">") + 1 : form_html.index('<button type="submit"')]
        assert parse_html(fields) == expected


def test_a_filter_form_in_error_says_why_every_time(client, db):
    url = f"{BROWSE}?budget_min=50&budget_max=5"
    for _ in range(2):
        html = client.get(url).content.decode()
        assert 'aria-describedby="id_budget_max_error"' in html
        assert "The upper budget must be at least the lower one." in html
