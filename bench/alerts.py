"""Time one run of the saved-search digests at scale.

    python bench/alerts.py [--searches 10000] [--rebuild]

Uses the bench database of bench/run.py (the SQLite file bench/bench.sqlite3, or
BENCH_DATABASE_URL; built with 20,000 tasks if it is not there yet), adds `--searches`
daily saved searches with filters like people choose (keywords from task titles, a city,
a category, a budget, remote only), saved before every task, then times
`send_task_alerts --dry-run` and two real runs (the second finds nothing left to send).
Its last line is {"saved_searches": N, "seconds": S} for the first real run (bench/run.py).
The emails are queued in the database queue as in production, not delivered. Afterwards
the searches, their alert log and the queued emails are deleted again, so the page
measurements of bench/run.py are unchanged.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import bench_env, database_url, prepare  # noqa: E402

MEASURE = "--measure"


def build_searches(count: int, rng: random.Random) -> list:
    from django.utils import timezone

    from accounts.models import User
    from marketplace.models import Category, SavedSearch, Task

    titles = list(Task.objects.open().values_list("title", flat=True)[:2000])
    words = sorted({w.strip(",.").lower() for t in titles for w in t.split() if len(w) > 3})
    cities = list(Task.objects.exclude(city="").values_list("city", flat=True).distinct())
    categories = list(Category.objects.all())
    owners = list(User.objects.filter(is_active=True).values_list("pk", flat=True)[:5000])
    saved = timezone.now() - timezone.timedelta(days=365)  # before every task
    searches = []
    for n in range(count):
        kind = rng.random()
        search = SavedSearch(
            owner_id=rng.choice(owners),
            name=f"Bench search {n}",
            frequency=SavedSearch.Frequency.DAILY,
            created_at=saved,
        )
        if kind < 0.7:
            search.q = rng.choice(words)
        if kind < 0.5 or kind > 0.9:
            search.city = rng.choice(cities)
        if 0.3 < kind < 0.8:
            search.category = rng.choice(categories)
        if rng.random() < 0.2:
            search.budget_min = rng.choice([20, 50, 100])
        if rng.random() < 0.05:
            search.remote = True
        if not (search.q or search.city or search.category_id):
            search.q = rng.choice(words)
        searches.append(search)
    SavedSearch.objects.bulk_create(searches, batch_size=1000)
    return searches


def timed(label: str, dry_run: bool) -> dict:
    from marketplace.alerts import send_digests

    started = time.perf_counter()
    result = send_digests(dry_run=dry_run)
    seconds = time.perf_counter() - started
    print(
        f"{label}: {seconds:.1f} s for {result.searches:,} searches, "
        f"{result.emails:,} digests naming {result.tasks:,} tasks",
        flush=True,
    )
    return {"run": label, "seconds": round(seconds, 1), **result.__dict__}


def measure(count: int) -> None:
    import django

    django.setup()
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from marketplace.models import SavedSearch, Task, TaskAlert

    queued_before = DBTaskResult.objects.count()
    SavedSearch.objects.filter(name__startswith="Bench search ").delete()
    build_searches(count, random.Random(18))  # noqa: S311 (repeatable, not secret)
    print(
        f"{connection.vendor}: {Task.objects.count():,} tasks "
        f"({Task.objects.open().count():,} open), {SavedSearch.objects.count():,} saved "
        "searches",
        flush=True,
    )
    try:
        runs = [
            timed("dry run", True),
            timed("first run", False),
            timed("second run (nothing new)", False),
        ]
    finally:
        TaskAlert.objects.filter(search__name__startswith="Bench search ").delete()
        SavedSearch.objects.filter(name__startswith="Bench search ").delete()
        DBTaskResult.objects.exclude(
            pk__in=DBTaskResult.objects.order_by("enqueued_at").values("pk")[:queued_before]
        ).delete()
    print(json.dumps(runs))
    # bench/run.py reads the last line: the first real run, the one that sends.
    print(json.dumps({"saved_searches": runs[1]["searches"], "seconds": runs[1]["seconds"]}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=10000)
    parser.add_argument(
        "--rebuild", action="store_true", help="delete the SQLite bench database and rebuild it"
    )
    parser.add_argument(MEASURE, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.searches)
        return
    env = bench_env() | {"TASK_QUEUE": "database"}
    prepare(env, args.rebuild)
    print(f"Database: {database_url().split('://')[0]}", flush=True)
    # A fresh process with the bench settings (this one has not set Django up).
    os.execve(  # noqa: S606
        sys.executable,
        [sys.executable, __file__, MEASURE, "--searches", str(args.searches)],
        env,
    )


if __name__ == "__main__":
    main()
