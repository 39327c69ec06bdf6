"""Measure Tasker's pages at scale against the framework's own floor.

    python bench/run.py [--duration 5] [--connections 16] [--instances 1|2] [--only browse]
                        [--scale 10]

Builds the scale dataset once in a separate bench database (the SQLite file
bench/bench.sqlite3, or BENCH_DATABASE_URL), measures each page's CPU time per request in
one process (bench/cpu.py), starts gunicorn on 127.0.0.1 with production-like settings,
drives each page with wrk at 1 and at N connections, then browse again while a writer
places a bid every second, runs the saved-search digest figure if bench/alerts.py exists,
and with --scale 10 measures the CPU figures again on ten times the data. It prints every
figure against its target and writes the report to bench/results/. Ratios compare figures
of the same run only. Only ever aims at 127.0.0.1.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SEED_RECORD = RESULTS / "seed.json"  # how long the dataset in the bench database took
# The bench data, and ten times it (--scale 10): 200,000 tasks and 500,000 bids.
SCALES = {
    1: ["--users", "2000", "--tasks", "20000", "--bids", "100000", "--messages", "50000"],
    10: ["--users", "20000", "--tasks", "200000", "--bids", "500000", "--messages", "100000"],
}
SCALE = SCALES[1]
PORTS = [8031, 8032]
HOST = "127.0.0.1"


def database_url(scale: int = 1) -> str:
    """The bench database of the data at `scale` (the 10x data has a database of its own:
    bench/bench-x10.sqlite3, or BENCH_DATABASE_URL's name with _x10)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url if scale == 1 else f"{url}_x{scale}"
    name = "bench.sqlite3" if scale == 1 else f"bench-x{scale}.sqlite3"
    return f"sqlite:///{ROOT / 'bench' / name}"


def bench_env(scale: int = 1) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url(scale),
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},localhost",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
    )
    # Nothing measured here posts, but keep the limiter out of the way all the same.
    for scope in ("SIGNUP", "BID", "MESSAGE", "REPORT"):
        env.setdefault(f"RATE_LIMIT_{scope}", "100000/h")
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {args[0]} failed (exit status {result.returncode}).")
    return result.stdout


def postgres(url: str, dbname: str | None = None):
    """An autocommit psycopg connection to the bench's server (its database by default)."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    return psycopg.connect(
        dbname=dbname or config["NAME"],
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    )


def create_postgres_database(url: str) -> None:
    """Create the bench's PostgreSQL database if it is not there yet."""
    import environ
    from psycopg import sql

    name = environ.Env.db_url_config(url)["NAME"]
    with postgres(url, dbname="postgres") as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Created the PostgreSQL database {name}.", flush=True)


def vacuum_analyze(url: str) -> None:
    """Give PostgreSQL the statistics and visibility map autovacuum would in time.

    Straight after a bulk load the planner has no statistics: it guesses ten rows where
    there are 11,000 and sorts every open task for a page of 20 (600 ms instead of 1 ms),
    and index-only scans have to visit the table. A site that grew its data would have
    been analysed and vacuumed by autovacuum long before.
    """
    with postgres(url) as conn:
        conn.execute("VACUUM ANALYZE")


def prepare(env: dict, rebuild: bool, scale: int = 1) -> dict:
    """Migrate and collect static files; build the scale dataset if it is missing.

    Return what is known of the dataset's build: {"seconds": …, "at": …, "built_now": …}.
    """
    url = env["DATABASE_URL"]
    on_postgres = url.startswith(("postgres://", "postgresql://", "pgsql://"))
    if on_postgres:
        if rebuild:
            raise SystemExit("--rebuild only empties the SQLite file; drop the database yourself.")
        create_postgres_database(url)
    elif rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
    print("Migrating the bench database and collecting static files…", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput")
    database = url.split("://")[0] + ("" if scale == 1 else f" x{scale}")
    record = json.loads(SEED_RECORD.read_text()) if SEED_RECORD.exists() else {}
    users = int(SCALES[scale][1])
    if manage(env, "shell", "-c", BENCH_SIZE_CHECK % users).strip().endswith("yes"):
        seed = record.get(database, {}) | {"built_now": False}
    else:
        print("Building the scale dataset:", " ".join(SCALES[scale]), flush=True)
        started = time.perf_counter()
        manage(env, "seed_demo", *SCALES[scale])
        seconds = time.perf_counter() - started
        print(f"Built in {seconds:.1f} s.", flush=True)
        record[database] = {"seconds": round(seconds, 1), "at": f"{datetime.now(UTC):%Y-%m-%d}"}
        SEED_RECORD.write_text(json.dumps(record, indent=2) + "\n")
        seed = record[database] | {"built_now": True}
    if on_postgres:
        print("VACUUM ANALYZE, as autovacuum would have done on a live site…", flush=True)
        vacuum_analyze(url)
    return seed


BENCH_SIZE_CHECK = (
    "from accounts.models import User; "
    "print('yes' if User.objects.filter(username__regex=r'^user[0-9]{5}$').count() >= %d "
    "else 'no')"
)

# Pick the pages to measure and a signed-in session, from the data itself.
TARGETS_SCRIPT = r"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count, Q
from accounts.models import User
from marketplace.models import Category, Conversation, Review, Task

task = (
    Task.objects.filter(status=Task.Status.OPEN)
    .annotate(n=Count("bids")).filter(n__gte=10).order_by("n", "pk").first()
)
# The task page with 20 bids (or the most there are, if no open task has 20).
task20 = (
    Task.objects.filter(status=Task.Status.OPEN)
    .annotate(n=Count("bids")).filter(n__lte=20).order_by("-n", "pk").first()
)
subject = Review.objects.values("subject").annotate(n=Count("pk")).order_by("-n", "subject")[0]
reviewed = User.objects.get(pk=subject["subject"])
conversation = Conversation.objects.annotate(n=Count("messages")).order_by("-n", "pk").first()
user = conversation.user_a


def signed_in(person):
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.EmailOrUsernameBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    return session.session_key


print(json.dumps({
    "task": task.pk, "task_bids": task.n, "task20": task20.pk, "task20_bids": task20.n,
    "profile": reviewed.username,
    "profile_reviews": subject["n"], "conversation": conversation.pk,
    "conversation_messages": conversation.n, "user": user.username,
    "category": "gardening", "session": signed_in(user),
    "owner_session": signed_in(task20.customer),
}))
"""


def pages(targets: dict) -> list[tuple[str, str, str | None]]:
    """(name, path, whose session: "session", "owner_session" or None) for every page."""
    return [
        ("baseline (20 rows, plain template)", "/bench/baseline/", None),
        ("home", "/", None),
        ("browse", "/tasks/", None),
        ("browse: category", f"/tasks/?category={targets['category']}", None),
        ("browse: keyword", "/tasks/?q=garden", None),
        ("browse: page 50", "/tasks/?page=50", None),
        (f"task with {targets['task_bids']} bids", f"/tasks/{targets['task']}/", None),
        (
            f"profile with {targets['profile_reviews']} reviews",
            f"/u/{targets['profile']}/",
            None,
        ),
        ("browse (signed in)", "/tasks/", "session"),
        (
            f"task with {targets['task20_bids']} bids (signed in, its customer)",
            f"/tasks/{targets['task20']}/",
            "owner_session",
        ),
        ("dashboard (signed in)", "/dashboard/", "session"),
        ("inbox (signed in)", "/messages/", "session"),
        (
            f"conversation, {targets['conversation_messages']} messages (signed in)",
            f"/messages/{targets['conversation']}/",
            "session",
        ),
    ]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = RESULTS / f"gunicorn-{port}.log"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "bench.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}/bench/baseline/", timeout=2)
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn did not start on port {port}; see {log}")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_page(url: str, cookie: str | None) -> None:
    """Refuse to measure a page that does not answer 200 (a redirect to the login page
    would be measured as a fast page), or a signed-in page that is not signed in."""
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=60) as response:
            body = response.read().decode()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url} answered {error.code}, not 200: nothing measured.") from None
    if cookie and "Sign out" not in body:
        raise SystemExit(f"{url} did not show a signed-in page: nothing measured.")


def warm_up(url: str, cookie: str | None, workers: int) -> None:
    """Request the page one at a time, enough for every worker to compile its templates
    and open its connection; queued behind them, requests a previous cell left running
    finish before the next measurement starts."""
    for _ in range(2 * workers):
        check_page(url, cookie)


def wrk(url: str, connections: int, duration: float, cookie: str | None) -> dict:
    command = [
        "wrk",
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{duration:g}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    result = subprocess.run([*command, url], capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"wrk failed on {url}: {result.stderr.strip() or result.stdout.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_spread(path: str, ports: list[int], connections: int, duration: float, cookie) -> dict:
    """Drive `path` with `connections` spread over the instances at once; add them up."""
    share = [connections // len(ports) + (i < connections % len(ports)) for i in range(len(ports))]
    jobs = [(f"http://{HOST}:{port}{path}", n) for port, n in zip(ports, share, strict=True) if n]
    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(lambda job: wrk(job[0], job[1], duration, cookie), jobs))
    return {
        "rps": sum(r["rps"] for r in results),
        "p50": max(r["p50"] for r in results),
        "p95": max(r["p95"] for r in results),
        "p99": max(r["p99"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "requests": sum(r["requests"] for r in results),
    }


def measure(targets: dict, args) -> list[dict]:
    rows = []
    for name, path, session in pages(targets):
        if args.only and not any(word in name for word in args.only) and "baseline" not in name:
            continue
        cookie = targets[session] if session else None
        row = {"page": name, "path": path}
        for label, conns in (("c1", 1), ("cN", args.connections)):
            for port in args.ports:
                warm_up(f"http://{HOST}:{port}{path}", cookie, args.workers)
            row[label] = run_spread(path, args.ports, conns, args.duration, cookie)
        rows.append(row)
        print(
            f"  {name}: {row['c1']['rps']:.0f} req/s at 1 connection, "
            f"{row['cN']['rps']:.0f} at {args.connections}",
            flush=True,
        )
    return rows


# Places a bid every second, as different taskers on the newest open tasks (the first page
# of browse), for the given number of seconds; then deletes the bids it placed.
WRITER_SCRIPT = r"""
import sys, time
from decimal import Decimal
from accounts.models import User
from marketplace import services
from marketplace.models import Bid, Task
from marketplace.states import DomainError
stop = time.monotonic() + float(sys.argv[-1])
tasks = list(Task.objects.filter(status=Task.Status.OPEN).order_by("-created_at", "-id")[:20])
taskers = User.objects.filter(
    username__regex=r"^user[0-9]{5}$", is_active=True,
    role__in=[User.Role.TASKER, User.Role.BOTH],
).order_by("-pk")[:500]
placed = []
pairs = ((task, tasker) for tasker in taskers for task in tasks)
while time.monotonic() < stop:
    started = time.monotonic()
    for task, tasker in pairs:
        try:
            placed.append(services.bid_place(
                task=task, by=tasker, amount=Decimal("55"),
                message="I can come this week.", estimated_hours=None,
            ).pk)
            break
        except DomainError:
            continue
    time.sleep(max(0.0, 1 - (time.monotonic() - started)))
Bid.objects.filter(pk__in=placed).delete()
print(len(placed))
"""


def writer(env: dict, seconds: float) -> subprocess.Popen:
    """A process that places a bid every second for `seconds` (and then removes them)."""
    script = WRITER_SCRIPT.replace("float(sys.argv[-1])", repr(float(seconds)))
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def measure_with_writer(env: dict, args) -> dict:
    """Signed-out browse at 1 and N connections while a bid is placed every second: every
    cached list and page is invalidated every second, as in real use."""
    path, row = "/tasks/", {"page": "browse, a bid placed every second", "path": "/tasks/"}
    cells = (("c1", 1), ("cN", args.connections))
    bids = writer(env, seconds=len(cells) * (args.duration + 3) + 2)
    time.sleep(2)  # Django set up, the first bid placed
    for label, conns in cells:
        for port in args.ports:
            warm_up(f"http://{HOST}:{port}{path}", None, args.workers)
        row[label] = run_spread(path, args.ports, conns, args.duration, None)
    out, err = bids.communicate(timeout=120)
    if bids.returncode:
        raise SystemExit(f"The bid writer failed:\n{err[-2000:]}")
    row["bids"] = int(out.strip().splitlines()[-1])
    return row


def measure_cpu(env: dict, targets: dict) -> dict:
    """bench/cpu.py's figures: CPU ms per request and queries, in one process."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cpu.py"), json.dumps(targets)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit("bench/cpu.py failed.")
    return json.loads(result.stdout.strip().splitlines()[-1])


ALERTS = ROOT / "bench" / "alerts.py"


def measure_alerts(env: dict) -> dict | None:
    """The saved-search digest figure, from bench/alerts.py if there is one.

    bench/alerts.py runs with the bench's environment and prints, as its last line, a JSON
    object {"saved_searches": N, "seconds": S}: how long the digest run took for N saved
    searches (the target: under 60 s at 10,000).
    """
    if not ALERTS.exists():
        return None
    print("Measuring the saved-search digest (bench/alerts.py)…", flush=True)
    result = subprocess.run(
        [sys.executable, str(ALERTS)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit("bench/alerts.py failed.")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_scaling(args) -> dict:
    """Browse's req/s at N connections on one instance, then spread over both."""
    path, results = "/tasks/", {}
    for label, ports in (("one", args.ports[:1]), ("both", args.ports)):
        for port in args.ports:
            warm_up(f"http://{HOST}:{port}{path}", None, args.workers)
        results[label] = run_spread(path, ports, args.connections, args.duration, None)
    return results


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"


# The in-process targets (ms of CPU per request, bench/cpu.py).
SIGNED_IN_CPU_MS = 4.0
KEYWORD_OVER_BROWSE = 1.5
TEN_X_OVER_ONE_X = 1.25
QUERY_BUDGET = 8
FLAT_PAGES = ["browse", "browse: page 50", "browse: keyword"] + [
    f"browse: {sort}" for sort in ("budget high to low", "budget low to high", "due soonest")
]


def table(rows: list[dict], seed: dict, env: dict, args, scaling, load: tuple, **more) -> str:
    """The report: the wrk table, the in-process table, and every target with its figure."""
    n = args.connections
    baseline = rows[0]
    written, cpu, cpu10, seed10, alerts = (
        more.get(k) for k in ("written", "cpu", "cpu10", "seed10", "alerts")
    )
    lines = [
        f"# Tasker bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {machine()}; Python {platform.python_version()}; load average "
        f"{load[0]:.1f} before and {load[1]:.1f} after the run (other work shares the cores).",
        f"- Database: {env['DATABASE_URL'].split('://')[0]}; cache: "
        f"{env.get('CACHE_URL', 'database (shared)').split('://')[0]}; "
        f"{len(args.ports)} gunicorn instance(s) x {args.workers} sync workers; "
        f"wrk {args.duration:g} s per cell, after {2 * args.workers} requests one at a time"
        " to warm every worker up.",
        "- Scale dataset: seed_demo " + " ".join(SCALE) + built(seed),
    ]
    if cpu10 is not None:
        lines.append(f"- Ten times the data: seed_demo {' '.join(SCALES[10])}{built(seed10)}")
    lines += [
        "",
        f"| page | req/s @1 | p50 ms @1 | p95 ms @1 | p99 ms @1 | req/s @{n} | p50 ms @{n} "
        f"| p95 ms @{n} | p99 ms @{n} | errors | vs baseline @1 | vs baseline @{n} |",
        "|---|" + "---:|" * 11,
    ]
    for row in rows + ([written] if written else []):
        one, lots = row["c1"], row["cN"]
        lines.append(
            f"| {row['page']} | {cells(one, 'rps p50 p95 p99')} | {cells(lots, 'rps p50 p95 p99')}"
            f" | {one['errors'] + lots['errors']} "
            f"| {one['rps'] / baseline['c1']['rps']:.0%} "
            f"| {lots['rps'] / baseline['cN']['rps']:.0%} |"
        )
    if written:
        lines += [
            "",
            f"While browse was measured the last time, {written['bids']} bids were placed.",
        ]
    if cpu:
        lines += ["", *cpu_table(cpu, cpu10)]
    lines += ["", "Targets:", ""]
    lines += wrk_targets(rows, written, args)
    if cpu:
        lines += cpu_targets(cpu, cpu10)
    if alerts is None:
        lines.append(
            "- saved-search digest under 60 s at 10,000 saved searches: not measured "
            "(there is no bench/alerts.py)."
        )
    else:
        per = alerts["seconds"] * 10_000 / max(alerts["saved_searches"], 1)
        lines.append(
            f"- saved-search digest under 60 s at 10,000 saved searches: "
            f"{verdict(alerts['saved_searches'] >= 10_000 and alerts['seconds'] < 60)}"
            f" ({alerts['seconds']:.1f} s for {alerts['saved_searches']:,}; {per:.1f} s per"
            " 10,000)."
        )
    if seed.get("seconds"):
        lines.append(
            f"- scale dataset built in under 60 s: {verdict(seed['seconds'] < 60)}"
            f" ({seed['seconds']:.1f} s)."
        )
    if scaling:
        one, both = scaling["one"], scaling["both"]
        lines += [
            "",
            f"Browse at {n} connections, one instance against two (connections split"
            " evenly, both on this machine):",
            "",
            "| instances | req/s | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|",
            f"| 1 | {cells(one, 'rps p50 p95 p99')} | {one['errors']} |",
            f"| 2 | {cells(both, 'rps p50 p95 p99')} | {both['errors']} |",
        ]
    return "\n".join(lines) + "\n"


def built(seed: dict) -> str:
    if not seed.get("seconds"):
        return ", reused (build time not recorded)."
    when = " in this run." if seed.get("built_now") else f" on {seed['at']} (reused)."
    return f", built in {seed['seconds']:.1f} s{when}"


def cpu_table(cpu: dict, cpu10: dict | None) -> list[str]:
    """CPU ms per request in one process: cache warm, and after a change (the listing
    generation moved before every request: the cost when nothing is cached)."""
    head = "| page | CPU ms | after a change | queries | after a change |"
    rule = "|---|---:|---:|---:|---:|"
    if cpu10:
        head += " CPU ms x10 | after a change x10 | queries x10 |"
        rule += "---:|---:|---:|"
    lines = [
        "CPU time per request in one process (time.process_time, median of 40; SQLite's work",
        "runs in the process and is counted; queries leave out the database cache's own):",
        "",
        head,
        rule,
    ]
    for name, one in cpu.items():
        line = (
            f"| {name} | {one['ms']:.2f} | {fmt(one.get('ms_after_change'))} "
            f"| {one['queries']} | {fmt(one.get('queries_after_change'), 'd')} |"
        )
        if cpu10:
            ten = cpu10.get(name, {})
            line += (
                f" {fmt(ten.get('ms'))} | {fmt(ten.get('ms_after_change'))} "
                f"| {fmt(ten.get('queries'), 'd')} |"
            )
        lines.append(line)
    return lines


def fmt(value, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def wrk_targets(rows: list[dict], written: dict | None, args) -> list[str]:
    n, baseline, lines = args.connections, rows[0], []
    for row, share, what in (
        (next((r for r in rows if r["page"] == "browse"), None), 0.5, "signed-out browse"),
        (written, 0.35, "signed-out browse while a bid is placed every second"),
    ):
        if row is None:
            continue
        one = row["c1"]["rps"] / baseline["c1"]["rps"]
        lots = row["cN"]["rps"] / baseline["cN"]["rps"]
        lines.append(
            f"- {what} >= {share:.0%} of the baseline's req/s: {verdict(min(one, lots) >= share)}"
            f" ({one:.0%} at 1 connection, {lots:.0%} at {n})."
        )
    pages = rows[1:] + ([written] if written else [])
    worst_p95 = max(pages, key=lambda row: row["c1"]["p95"])
    worst_p99 = max(pages, key=lambda row: row["cN"]["p99"])
    return lines + [
        f"- every page p99 <= 100 ms at {n} connections: "
        f"{verdict(worst_p99['cN']['p99'] <= 100)}"
        f" (worst: {worst_p99['page']}, {worst_p99['cN']['p99']:.1f} ms).",
        f"- every page p95 <= 25 ms at 1 connection: {verdict(worst_p95['c1']['p95'] <= 25)}"
        f" (worst: {worst_p95['page']}, {worst_p95['c1']['p95']:.1f} ms).",
    ]


def cpu_targets(cpu: dict, cpu10: dict | None) -> list[str]:
    lines = []
    signed_in = {name: row for name, row in cpu.items() if "signed in" in name}
    warm = "; ".join(f"{name} {row['ms']:.1f}" for name, row in signed_in.items())
    cold = "; ".join(
        f"{name} {fmt(row.get('ms_after_change'), '.1f')}" for name, row in signed_in.items()
    )
    lines.append(
        f"- signed-in pages <= {SIGNED_IN_CPU_MS:g} ms of CPU each, served again from the"
        " person's page cache: "
        f"{verdict(all(row['ms'] <= SIGNED_IN_CPU_MS for row in signed_in.values()))}"
        f" ({warm} ms). Rendered afresh after a change (the first request after any bid"
        f" anywhere, or a message to them): {cold} ms."
    )
    browse, keyword = cpu["browse"], cpu["browse: keyword"]
    warm = keyword["ms"] / browse["ms"]
    cold = keyword.get("ms_after_change", 0) / browse.get("ms_after_change", 1)
    lines.append(
        f"- a keyword search within {KEYWORD_OVER_BROWSE:g}x of plain browse: "
        f"{verdict(max(warm, cold) <= KEYWORD_OVER_BROWSE)}"
        f" ({warm:.2f}x cached, {cold:.2f}x after a change)."
    )
    counts = {
        name: max(row["queries"], row.get("queries_after_change", 0)) for name, row in cpu.items()
    }
    worst = max(counts, key=counts.get)
    flat = ""
    if cpu10:
        grown = [
            name
            for name, row in cpu10.items()
            if name in counts
            and max(row["queries"], row.get("queries_after_change", 0)) != counts[name]
        ]
        flat = (
            "; the same at ten times the data"
            if not grown
            else f"; **not flat** at ten times the data: {', '.join(grown)}"
        )
    lines.append(
        f"- every page at most {QUERY_BUDGET} queries: "
        f"{verdict(counts[worst] <= QUERY_BUDGET and 'not flat' not in flat)}"
        f" (most: {worst}, {counts[worst]}{flat}; flat from 1 row to 50 is pinned by "
        "tests/test_query_counts.py)."
    )
    if cpu10 is None:
        lines.append(
            f"- browse, a deep page, a keyword search and each sort within "
            f"{TEN_X_OVER_ONE_X:g}x at ten times the data: not measured in this run "
            '(make bench BENCH_ARGS="--scale 10").'
        )
        return lines
    ratios = []
    for name in FLAT_PAGES:
        one, ten = cpu[name], cpu10[name]
        ratios.append(
            (name, ten["ms"] / one["ms"], ten["ms_after_change"] / one["ms_after_change"])
        )
    worst = max(ratios, key=lambda r: max(r[1], r[2]))
    lines.append(
        f"- browse, a deep page, a keyword search and each sort within {TEN_X_OVER_ONE_X:g}x"
        f" at ten times the data: {verdict(max(worst[1], worst[2]) <= TEN_X_OVER_ONE_X)} ("
        + "; ".join(f"{name} {warm:.2f}x / {cold:.2f}x" for name, warm, cold in ratios)
        + ", cached / after a change)."
    )
    return lines


def cells(result: dict, keys: str) -> str:
    """Table cells for one measurement; a cell where no request completed says so."""
    if not result["requests"]:
        return " | ".join(["none completed", *["-"] * (len(keys.split()) - 1)])
    return " | ".join(
        f"{result[key]:.0f}" if key == "rps" else f"{result[key]:.1f}" for key in keys.split()
    )


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--instances", type=int, choices=[1, 2], default=1)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per instance")
    parser.add_argument(
        "--only", nargs="+", metavar="WORD", help="measure only pages whose name has a WORD"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="delete the SQLite bench database and rebuild it"
    )
    parser.add_argument(
        "--scale",
        type=int,
        choices=[1, 10],
        default=1,
        help="10: also measure the CPU figures on ten times the data (built once, in its"
        " own database)",
    )
    args = parser.parse_args()
    args.ports = PORTS[: args.instances]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    RESULTS.mkdir(exist_ok=True)
    env = bench_env()
    load_before = os.getloadavg()[0]
    seed = prepare(env, args.rebuild)
    targets = json.loads(manage(env, "shell", "-c", TARGETS_SCRIPT).strip().splitlines()[-1])
    more = {}
    if not args.only:
        print("CPU time per request, in one process…", flush=True)
        more["cpu"] = measure_cpu(env, targets)
    servers = [start_gunicorn(env, port, args.workers) for port in args.ports]
    try:
        rows = measure(targets, args)
        if not args.only or any("browse" in word for word in args.only):
            print("Browse while a bid is placed every second…", flush=True)
            more["written"] = measure_with_writer(env, args)
        scaling = measure_scaling(args) if args.instances > 1 else None
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    if not args.only:
        more["alerts"] = measure_alerts(env)
    if args.scale == 10 and not args.only:
        env10 = bench_env(10) | {"SECRET_KEY": env["SECRET_KEY"]}
        more["seed10"] = prepare(env10, args.rebuild, scale=10)
        script = TARGETS_SCRIPT
        targets10 = json.loads(manage(env10, "shell", "-c", script).strip().splitlines()[-1])
        print("CPU time per request at ten times the data…", flush=True)
        more["cpu10"] = measure_cpu(env10, targets10)
    report = table(rows, seed, env, args, scaling, (load_before, os.getloadavg()[0]), **more)
    print()
    print(report)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.md").write_text(report)
    if not args.only:
        (RESULTS / "latest.md").write_text(report)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
