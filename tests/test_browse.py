"""Browsing open tasks: search, filters, sorts, pagination and what is never listed."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Category, SearchWords, Task
from marketplace.models.tasks import FOLDED_INTO_ASCII, fts_phrase

from .factories import CustomerFactory, TaskFactory, seed_categories

BROWSE = reverse("marketplace:task_list")


def titles(response) -> list[str]:
    return [task.title for task in response.context["tasks"]]


@pytest.fixture
def categories(db):
    seed_categories()
    return {c.slug: c for c in Category.objects.all()}


@pytest.fixture
def tasks(categories, customer):
    today = timezone.localdate()
    now = timezone.now()
    made = {}
    rows = [
        ("Mow the lawn", "Front and back garden, mower provided.", "gardening", 30, "Leeds", 5),
        (
            "Build a wardrobe",
            "IKEA PAX with two sliding doors.",
            "furniture-assembly",
            90,
            "York",
            2,
        ),
        ("Set up my Wi-Fi", "New router; the old one is in a drawer.", "tech-help", 45, "", 9),
        ("Deep clean a flat", "Two-bed flat after tenants moved out.", "cleaning", 150, "leeds", 1),
    ]
    for i, (title, description, slug, budget, city, days) in enumerate(rows):
        remote = title in ("Set up my Wi-Fi", "Deep clean a flat")
        made[title] = TaskFactory(
            customer=customer,
            title=title,
            description=description,
            category=categories[slug],
            budget=Decimal(budget),
            city=city,
            is_remote=remote,
            due_date=today + datetime.timedelta(days=days),
            created_at=now - datetime.timedelta(hours=i),
        )
    return made


def test_all_open_tasks_newest_first(client, tasks):
    response = client.get(BROWSE)
    assert response.status_code == 200
    assert titles(response) == list(tasks)
    assert "4 open tasks found." in response.content.decode()


def test_keyword_search_looks_in_title_and_description_and_needs_every_word(client, tasks):
    assert titles(client.get(BROWSE, {"q": "WARDROBE"})) == ["Build a wardrobe"]
    assert titles(client.get(BROWSE, {"q": "router"})) == ["Set up my Wi-Fi"]
    assert titles(client.get(BROWSE, {"q": "garden mower"})) == ["Mow the lawn"]
    assert titles(client.get(BROWSE, {"q": "garden router"})) == []


def test_filter_by_category(client, tasks):
    assert titles(client.get(BROWSE, {"category": "cleaning"})) == ["Deep clean a flat"]


def test_the_search_finds_a_category_by_name(client, customer, categories):
    task = TaskFactory(
        customer=customer,
        category=categories["gardening"],
        title="Trim the hedge",
        description="About twenty metres of privet along the drive.",
    )
    TaskFactory(customer=customer, category=categories["moving"], title="Move a piano")
    assert titles(client.get(BROWSE, {"q": "garden"})) == [task.title]
    assert titles(client.get(BROWSE, {"q": "garden privet"})) == [task.title]
    assert titles(client.get(BROWSE, {"q": "garden piano"})) == []


@pytest.mark.parametrize("city", ["cardiff", "Card", "  CARD ", "CARDIFF"])
def test_the_city_filter_takes_the_start_of_the_name_in_any_case(client, customer, city):
    TaskFactory(customer=customer, title="Paint a door", city="Cardiff")
    TaskFactory(customer=customer, title="Fix a tap", city="Carlisle")
    assert titles(client.get(BROWSE, {"city": city})) == ["Paint a door"]


def test_filter_by_city_ignores_case(client, tasks):
    assert titles(client.get(BROWSE, {"city": "LEEDS"})) == ["Mow the lawn", "Deep clean a flat"]


def test_filter_by_budget_range_inclusive(client, tasks):
    response = client.get(BROWSE, {"budget_min": "45", "budget_max": "90"})
    assert titles(response) == ["Build a wardrobe", "Set up my Wi-Fi"]
    assert titles(client.get(BROWSE, {"budget_min": "100"})) == ["Deep clean a flat"]
    assert titles(client.get(BROWSE, {"budget_max": "30"})) == ["Mow the lawn"]


def test_a_budget_range_upside_down_is_a_form_error(client, tasks):
    response = client.get(BROWSE, {"budget_min": "100", "budget_max": "10", "category": "cleaning"})
    assert response.status_code == 200
    assert "The upper budget must be at least the lower one." in response.content.decode()
    # The filters that are valid still apply.
    assert titles(response) == ["Deep clean a flat"]


def test_remote_only(client, tasks):
    assert titles(client.get(BROWSE, {"remote": "on"})) == ["Set up my Wi-Fi", "Deep clean a flat"]


MOW, BUILD, WIFI, CLEAN = "Mow the lawn", "Build a wardrobe", "Set up my Wi-Fi", "Deep clean a flat"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", [MOW, BUILD, WIFI, CLEAN]),
        ("budget_desc", [CLEAN, BUILD, WIFI, MOW]),
        ("budget_asc", [MOW, WIFI, BUILD, CLEAN]),
        ("due", [CLEAN, BUILD, MOW, WIFI]),
        ("", [MOW, BUILD, WIFI, CLEAN]),
    ],
)
def test_each_sort(client, tasks, sort, expected):
    assert titles(client.get(BROWSE, {"sort": sort})) == expected


def test_only_open_visible_tasks_of_active_customers_are_listed(client, tasks, customer):
    TaskFactory(customer=customer, title="Hidden one", is_hidden=True)
    TaskFactory(customer=CustomerFactory(is_active=False), title="Suspended owner's")
    for status in ("assigned", "completed", "cancelled", "expired"):
        TaskFactory(customer=customer, title=f"A {status} task", status=status)
    assert titles(client.get(BROWSE)) == list(tasks)


def test_the_owner_does_not_see_their_hidden_task_in_browse_either(customer_client, tasks):
    Task.objects.filter(title="Mow the lawn").update(is_hidden=True)
    assert "Mow the lawn" not in titles(customer_client.get(BROWSE))


def test_a_clear_empty_state(client, tasks):
    response = client.get(BROWSE, {"q": "helicopter"})
    html = response.content.decode()
    assert "0 open tasks found." in html and "No tasks match" in html
    assert 'rel="next"' not in html


def test_twenty_per_page_and_the_filters_follow_the_page_links(client, customer, categories):
    TaskFactory.create_batch(
        45, customer=customer, category=categories["gardening"], title="Weed the beds"
    )
    TaskFactory.create_batch(3, customer=customer, category=categories["moving"])
    params = {"q": "weed", "category": "gardening", "sort": "budget_asc", "remote": ""}
    first = client.get(BROWSE, params)
    assert len(first.context["tasks"]) == 20
    assert first.context["paginator"].count == 45
    next_link = re.search(r'href="([^"]+)" rel="next"', first.content.decode()).group(1)
    query = next_link.replace("&amp;", "&")
    for pair in ("q=weed", "category=gardening", "sort=budget_asc", "page=2"):
        assert pair in query
    second = client.get(BROWSE + query)
    assert len(second.context["tasks"]) == 20
    third = client.get(BROWSE, params | {"page": 3})
    assert len(third.context["tasks"]) == 5
    assert titles(client.get(BROWSE, params | {"page": "last"})) == titles(third)
    seen = {t.pk for r in (first, second, third) for t in r.context["tasks"]}
    assert len(seen) == 45


# Not named "page": pytest-playwright owns a fixture of that name.
@pytest.mark.parametrize(
    "number", ["99", "0", "-2", "abc", "last", "1e3", "\x00", "0" * 5000, "9" * 5000, "²", "٣"]
)
def test_a_page_out_of_range_shows_a_page_not_an_error(client, customer, number):
    TaskFactory.create_batch(21, customer=customer)
    response = client.get(BROWSE, {"page": number})
    assert response.status_code == 200
    assert len(response.context["tasks"]) in (1, 20)


def test_a_card_shows_a_task_as_it_is_now_not_as_first_rendered(client, tasks, customer):
    """Cards are cached once rendered (partials/_task_card.html); an edit, a new bid or
    a renamed category shows on the next page all the same."""
    from marketplace import services

    from .factories import BidFactory

    assert "Mow the lawn" in client.get(BROWSE).content.decode()
    task = tasks["Mow the lawn"]
    task.title, task.description = "Mow and edge the lawn", "Edges trimmed with shears too."
    services.task_edit(task=task, by=customer, changed=["title", "description"])
    BidFactory(task=task)
    task.category.name = "Garden work"
    task.category.save()

    html = client.get(BROWSE).content.decode()
    assert "Mow the lawn" not in html
    card = re.search(
        r'<article class="card[^"]*">.*?Mow and edge the lawn.*?</article>', html, re.S
    )
    assert card, html
    assert "Edges trimmed with shears too." in card.group()
    assert "Garden work" in card.group()
    assert re.search(r"\b1 bid<", card.group())


# --- Keyword search: TaskQuerySet.search, through a trigram index (migration 0006) ---


def matches(task: Task, q: str) -> bool:
    """The rule, written plainly: each of the first five words is in the title or the
    description, as a substring, whatever the case."""
    text = f"{task.title}\n{task.description}\n{task.category.name}".lower()
    return all(word.lower() in text for word in q.split()[:5])


@pytest.fixture
def odd_tasks(tasks, customer):
    """Tasks whose text holds what is query syntax to a full-text search."""
    made = dict(tasks)
    for title, description in [
        ('Fix the "smart" plug', "It says NEAR(hub) - then ^reset OR nothing; 50% of the time."),
        ("Gardening: hedge*", "Trim the hedge (both sides) AND NOT the roses, please."),
        ("Crème brûlée class", "Teach four of us to make a crème brûlée at home."),
    ]:
        made[title] = TaskFactory(customer=customer, title=title, description=description)
    return made


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("arden", [MOW, "Gardening: hedge*"]),  # inside words
        ("ardenin", [MOW, "Gardening: hedge*"]),  # MOW is in the Gardening category
        ("gArDeN", [MOW, "Gardening: hedge*"]),
        ("DRAWER", [WIFI]),  # description only
        ("wardrobe two", [BUILD]),  # one word in the title, one in the description
        ("wardrobe router", []),
        ("garden mower front back provided", [MOW]),
        # Only the first five words count.
        ("garden mower front back provided helicopter", [MOW]),
        # Short words, which the index cannot serve, alone and with long ones.
        ("x", [BUILD, 'Fix the "smart" plug']),
        ("Fi", [WIFI, 'Fix the "smart" plug']),
        ("ik pax", [BUILD]),
        ("garden zq", []),
        ("brûlée", ["Crème brûlée class"]),
    ],
)
def test_the_search_matches_substrings_of_every_word_in_any_case(client, odd_tasks, q, expected):
    assert set(titles(client.get(BROWSE, {"q": q}))) == set(expected)
    assert {t for t, task in odd_tasks.items() if matches(task, q)} == set(expected)


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '""',
        '"smart"',
        '"smart',
        'smart"',
        "*",
        "hedge*",
        "gard*",
        "OR",
        "garden OR router",
        "NEAR(hub)",
        "NEAR(garden router)",
        "NEAR(",
        "-",
        "- then",
        "^reset",
        "^",
        "title:garden",
        "{title description}: garden",
        "(both",
        "AND NOT",
        "NOT roses",
        "+",
        "50%",
        "%_'\"",
        "\\",
        "'; DROP TABLE marketplace_task; --",
    ],
)
def test_query_syntax_in_the_words_is_only_text(client, odd_tasks, q):
    response = client.get(BROWSE, {"q": q})
    assert response.status_code == 200
    expected = {title for title, task in odd_tasks.items() if matches(task, q)}
    assert set(titles(response)) == expected


@pytest.fixture
def folding_tasks(odd_tasks, customer):
    """Text with the two characters whose case the trigram index folds into ASCII."""
    made = dict(odd_tasks)
    for title, description in [
        ("\u212aelvin scale thermometer", "Hang it in the shed."),  # the Kelvin sign
        ("Find my mi\u017f\u017fing cat", "Grey, answers to Kelvin."),  # the long s
    ]:
        made[title] = TaskFactory(customer=customer, title=title, description=description)
    return made


@pytest.mark.parametrize(
    "q",
    [
        "arden",
        "gArDeN",
        "DRAWER",
        "wardrobe two",
        "garden mower front back provided helicopter",
        "x",
        "Fi",
        "ik pax",
        "brûlée",
        "CRÈME",
        '"smart"',
        "50%",
        "hedge*",
        "kelvin",
        "KELVIN scale",
        "missing",
        "mi\u017f\u017f",
        "shed garden",
    ],
)
def test_row_by_row_and_the_capped_count_find_what_the_index_finds(folding_tasks, q):
    """A big search's first page tests each task's own row (TaskQuerySet.search), and
    the count is read from the index in its own order: the same tasks either way."""
    tasks = Task.objects.open().public()
    search = SearchWords(q)
    expected = set(tasks.search(q))
    assert set(tasks.search_words(search, row_by_row=True)) == expected
    assert tasks.count_matching(search, 100) == len(expected)
    assert tasks.count_matching(search, 1) == min(len(expected), 1)
    if connection.vendor == "sqlite" and q.lower().startswith("kelvin"):
        assert "\u212aelvin scale thermometer" in {task.title for task in expected}


def test_the_index_folds_no_other_character_into_ascii(db):
    """SearchWords.row_test asks the index only about text holding FOLDED_INTO_ASCII:
    SQLite's trigram tokenizer (this SQLite) folds no other character's case into ASCII."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's trigram tokenizer.")
    import sqlite3

    index = sqlite3.connect(":memory:")
    index.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    index.executemany(
        "INSERT INTO t (rowid, x) VALUES (?, ?)",
        ((code, chr(code) * 3) for code in range(128, 0x110000) if not 0xD800 <= code < 0xE000),
    )
    folded = {
        chr(code)
        for ascii_code in range(32, 127)
        for (code,) in index.execute(
            "SELECT rowid FROM t WHERE t MATCH ?", [fts_phrase(chr(ascii_code) * 3)]
        )
        if code >= 128
    }
    assert folded == set(FOLDED_INTO_ASCII)


def assert_search_index_is_whole() -> None:
    """On SQLite, have FTS5 compare its index with the task table (rank 1: the external
    content too); it raises "database disk image is malformed" when they differ."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO marketplace_task_search (marketplace_task_search, rank)"
            " VALUES ('integrity-check', 1)"
        )


def test_the_search_follows_tasks_added_edited_and_deleted(client, customer):
    """On SQLite the index is kept up to date by triggers on the task table, which Django
    drops whenever a migration rebuilds that table: this fails if one of them is gone."""

    def found(q: str) -> list[str]:
        return titles(client.get(BROWSE, {"q": q}))

    task = TaskFactory(customer=customer, title="Tune a xylophone")
    other = TaskFactory(customer=customer, title="Tune a harpsichord")
    assert found("xylophone") == ["Tune a xylophone"]
    assert_search_index_is_whole()

    task.title = "Tune a glockenspiel"
    task.save()
    assert found("xylophone") == []
    assert found("glockenspiel") == ["Tune a glockenspiel"]
    Task.objects.filter(pk=task.pk).update(description="Eight bars, slightly flat in the bass.")
    assert found("bass flat") == ["Tune a glockenspiel"]
    assert found("doors") == ["Tune a harpsichord"]  # the factory's description, gone above
    # save() writes every column: a change elsewhere keeps the text findable.
    task.refresh_from_db()
    task.budget = Decimal("95.00")
    task.save()
    assert found("glockenspiel bass") == ["Tune a glockenspiel"]
    assert_search_index_is_whole()

    task.delete()
    assert found("glockenspiel") == []
    assert found("tune") == ["Tune a harpsichord"]
    assert_search_index_is_whole()
    other.delete()
    assert found("tune") == []
    assert_search_index_is_whole()
