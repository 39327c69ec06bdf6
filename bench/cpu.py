"""CPU time per request, in one process: the figure the machine's noise barely moves.

    python bench/cpu.py TARGETS_JSON [--requests 40]

Run by bench/run.py with the bench's environment (its database and settings). Each page is
requested through Django's test client, in this process, after a few warm-up requests, and
each request's CPU time (time.process_time: this process only, whatever else the machine
runs) is recorded; the median is reported, in ms. Every page but the baseline is
measured twice: as it is (the caches warm) and "after a change" (the listing generation
moved on before every request, as a writer placing bids would make it), which is their
cost when nothing is cached. Each page's queries are counted too, caches warm and after a
change. Prints one JSON object: {page name: {"path", "ms", "queries", and but for the
baseline "ms_after_change", "queries_after_change"}}.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CACHE_TABLE = "tasker_cache"  # the default cache's table (tasker/settings.py)
# Storing a page in the database cache is one transaction: not the page's own queries.
TRANSACTION = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def pages(targets: dict) -> list[tuple[str, str, str | None]]:
    """(name, path, whose session: "session", "owner_session" or None) for every page
    measured; each is measured cache warm and after a change but the baseline."""
    return [
        ("baseline", "/bench/baseline/", None),
        ("home", "/", None),
        ("browse", "/tasks/", None),
        ("browse: page 50", "/tasks/?page=50", None),
        ("browse: keyword", "/tasks/?q=garden", None),
        ("browse: category", f"/tasks/?category={targets['category']}", None),
        ("browse: budget high to low", "/tasks/?sort=budget_desc", None),
        ("browse: budget low to high", "/tasks/?sort=budget_asc", None),
        ("browse: due soonest", "/tasks/?sort=due", None),
        ("browse (signed in)", "/tasks/", "session"),
        (
            f"task with {targets['task20_bids']} bids (signed in, its customer)",
            f"/tasks/{targets['task20']}/",
            "owner_session",
        ),
        (
            f"task with {targets['task20_bids']} bids (signed in, a tasker)",
            f"/tasks/{targets['task20']}/",
            "session",
        ),
        ("dashboard (signed in)", "/dashboard/", "session"),
        ("inbox (signed in)", "/messages/", "session"),
    ]


def measure(client, path: str, requests: int, before=None) -> tuple[float, int]:
    """The median CPU ms of `requests` GETs of `path` (after three to warm up), and how
    many queries the last one made (not counting those of a database cache and the
    transaction it stores an entry in: those are the cache's cost, in the CPU time, and
    none on Redis)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = []
    for n in range(requests + 3):
        if before:
            before()
        started = time.process_time()
        response = client.get(path, headers={"host": HOST})
        spent = time.process_time() - started
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: nothing measured.")
        if n >= 3:
            samples.append(spent * 1000)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        client.get(path, headers={"host": HOST})
    page_queries = [
        q
        for q in queries.captured_queries
        if CACHE_TABLE not in q["sql"] and not q["sql"].startswith(TRANSACTION)
    ]
    return statistics.median(samples), len(page_queries)


def main() -> None:
    targets = json.loads(sys.argv[1])
    requests = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--requests" else 40
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    try:
        from tasker.listing import listing_changed
    except ImportError:  # before the listing cache: nothing to invalidate
        listing_changed = None

    clients = {None: Client()}
    for session in ("session", "owner_session"):
        clients[session] = Client()
        clients[session].cookies[settings.SESSION_COOKIE_NAME] = targets[session]
    results = {}
    for name, path, session in pages(targets):
        ms, queries = measure(clients[session], path, requests)
        results[name] = {"path": path, "ms": round(ms, 2), "queries": queries}
        if name != "baseline" and listing_changed:
            ms, queries = measure(clients[session], path, requests, before=listing_changed)
            results[name] |= {"ms_after_change": round(ms, 2), "queries_after_change": queries}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
