"""Measure Tasker's pages at scale against the framework's own floor.

    python bench/run.py [--duration 5] [--connections 16] [--instances 1|2] [--only browse]

Builds the scale dataset once in a separate bench database (the SQLite file
bench/bench.sqlite3, or BENCH_DATABASE_URL), starts gunicorn on 127.0.0.1 with
production-like settings, drives each page with wrk at 1 and at N connections, and prints
and writes to bench/results/ a table of requests/s, p50/p95/p99 and each page's ratio to
the baseline measured in the same run. Only ever aims at 127.0.0.1.
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
SCALE = ["--users", "2000", "--tasks", "20000", "--bids", "100000", "--messages", "50000"]
PORTS = [8031, 8032]
HOST = "127.0.0.1"


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}"


def bench_env() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url(),
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


def prepare(env: dict, rebuild: bool) -> dict:
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
            Path(f"{ROOT / 'bench' / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    print("Migrating the bench database and collecting static files…", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput")
    database = url.split("://")[0]
    record = json.loads(SEED_RECORD.read_text()) if SEED_RECORD.exists() else {}
    if manage(env, "shell", "-c", BENCH_SIZE_CHECK).strip().endswith("yes"):
        seed = record.get(database, {}) | {"built_now": False}
    else:
        print("Building the scale dataset:", " ".join(SCALE), flush=True)
        started = time.perf_counter()
        manage(env, "seed_demo", *SCALE)
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
    "print('yes' if User.objects.filter(username__regex=r'^user[0-9]{5}$').count() >= 2000 "
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
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.EmailOrUsernameBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps({
    "task": task.pk, "task_bids": task.n, "task20": task20.pk, "task20_bids": task20.n,
    "profile": reviewed.username,
    "profile_reviews": subject["n"], "conversation": conversation.pk,
    "conversation_messages": conversation.n, "user": user.username,
    "category": "gardening", "session": session.session_key,
}))
"""


def pages(targets: dict) -> list[tuple[str, str, bool]]:
    """(name, path, signed in) for every measured page."""
    return [
        ("baseline (20 rows, plain template)", "/bench/baseline/", False),
        ("home", "/", False),
        ("browse", "/tasks/", False),
        ("browse: category", f"/tasks/?category={targets['category']}", False),
        ("browse: keyword", "/tasks/?q=garden", False),
        ("browse: page 50", "/tasks/?page=50", False),
        (f"task with {targets['task_bids']} bids", f"/tasks/{targets['task']}/", False),
        (
            f"profile with {targets['profile_reviews']} reviews",
            f"/u/{targets['profile']}/",
            False,
        ),
        ("dashboard (signed in)", "/dashboard/", True),
        ("inbox (signed in)", "/messages/", True),
        (
            f"conversation, {targets['conversation_messages']} messages (signed in)",
            f"/messages/{targets['conversation']}/",
            True,
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
    for name, path, signed_in in pages(targets):
        if args.only and not any(word in name for word in args.only) and "baseline" not in name:
            continue
        cookie = targets["session"] if signed_in else None
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


def table(rows: list[dict], seed: dict, env: dict, args, scaling, load: tuple) -> str:
    n = args.connections
    baseline = rows[0]
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
        "- Scale dataset: seed_demo "
        + " ".join(SCALE)
        + (
            f", built in {seed['seconds']:.1f} s"
            + (" in this run." if seed.get("built_now") else f" on {seed['at']} (reused).")
            if seed.get("seconds")
            else ", reused (build time not recorded)."
        ),
        "",
        f"| page | req/s @1 | p50 ms @1 | p95 ms @1 | p99 ms @1 | req/s @{n} | p50 ms @{n} "
        f"| p95 ms @{n} | p99 ms @{n} | errors | vs baseline @1 | vs baseline @{n} |",
        "|---|" + "---:|" * 11,
    ]
    for row in rows:
        one, lots = row["c1"], row["cN"]
        lines.append(
            f"| {row['page']} | {cells(one, 'rps p50 p95 p99')} | {cells(lots, 'rps p50 p95 p99')}"
            f" | {one['errors'] + lots['errors']} "
            f"| {one['rps'] / baseline['c1']['rps']:.0%} "
            f"| {lots['rps'] / baseline['cN']['rps']:.0%} |"
        )
    lines += ["", "Targets:", ""]
    browse = next((row for row in rows if row["page"] == "browse"), None)
    if browse:
        ratio = browse["cN"]["rps"] / baseline["cN"]["rps"]
        ratio_one = browse["c1"]["rps"] / baseline["c1"]["rps"]
        lines.append(
            f"- browse >= 50 % of the baseline's req/s: {verdict(min(ratio, ratio_one) >= 0.5)}"
            f" ({ratio_one:.0%} at 1 connection, {ratio:.0%} at {n})."
        )
    pages = rows[1:]
    worst_p95 = max(pages, key=lambda row: row["c1"]["p95"])
    worst_p99 = max(pages, key=lambda row: row["cN"]["p99"])
    lines += [
        f"- every page p95 <= 25 ms at 1 connection: {verdict(worst_p95['c1']['p95'] <= 25)}"
        f" (worst: {worst_p95['page']}, {worst_p95['c1']['p95']:.1f} ms).",
        f"- every page p99 <= 100 ms at {n} connections: "
        f"{verdict(worst_p99['cN']['p99'] <= 100)}"
        f" (worst: {worst_p99['page']}, {worst_p99['cN']['p99']:.1f} ms).",
    ]
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
    args = parser.parse_args()
    args.ports = PORTS[: args.instances]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    RESULTS.mkdir(exist_ok=True)
    env = bench_env()
    load_before = os.getloadavg()[0]
    seed = prepare(env, args.rebuild)
    targets = json.loads(manage(env, "shell", "-c", TARGETS_SCRIPT).strip().splitlines()[-1])
    servers = [start_gunicorn(env, port, args.workers) for port in args.ports]
    try:
        rows = measure(targets, args)
        scaling = measure_scaling(args) if args.instances > 1 else None
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    report = table(rows, seed, env, args, scaling, (load_before, os.getloadavg()[0]))
    print()
    print(report)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.md").write_text(report)
    if not args.only:
        (RESULTS / "latest.md").write_text(report)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
