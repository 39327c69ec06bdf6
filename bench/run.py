"""Measure Tasker's pages at scale against the framework's own floor.

    python bench/run.py [--duration 5] [--connections 16] [--instances 1|2]

Builds the scale dataset once in a separate bench database (a SQLite file, or
BENCH_DATABASE_URL), starts gunicorn on 127.0.0.1 with production-like settings, drives
each page with wrk at 1 and at N connections, and prints and writes to bench/results/ a
table of requests/s, p50/p95/p99 and each page's ratio to the baseline measured in the
same run. Only ever aims at 127.0.0.1.
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
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCALE = ["--users", "2000", "--tasks", "20000", "--bids", "100000", "--messages", "50000"]
PORTS = [8031, 8032]


def bench_env() -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}"
        ),
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
    )
    # Generous limits: the bench measures pages, not the rate limiter.
    env.setdefault("RATE_LIMIT_BID", "100000/h")
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare(env: dict) -> float | None:
    """Migrate, build the scale dataset if missing; return the seconds it took (or None)."""
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    if "2000" in manage(env, "shell", "-c", BENCH_SIZE_CHECK).strip():
        return None
    started = time.perf_counter()
    print("Building the scale dataset:", " ".join(SCALE), flush=True)
    manage(env, "seed_demo", *SCALE)
    return time.perf_counter() - started


BENCH_SIZE_CHECK = (
    "from accounts.models import User; "
    "print(2000 if User.objects.filter(username__startswith='user').count() >= 2000 else 0)"
)

# Pick the pages to measure and a signed-in session, from the data itself.
TARGETS_SCRIPT = r"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count, Q
from marketplace.models import Category, Conversation, Review, Task

task = (Task.objects.annotate(n=Count("bids")).filter(n__gte=10).order_by("n", "pk").first())
subject = (Review.objects.values("subject").annotate(n=Count("pk")).order_by("-n").first())
from accounts.models import User
reviewed = User.objects.get(pk=subject["subject"])
conversation = Conversation.objects.annotate(n=Count("messages")).order_by("-n").first()
user = conversation.user_a
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.EmailOrUsernameBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
category = Category.objects.get(slug="gardening")
print(json.dumps({
    "task": task.pk, "profile": reviewed.username, "conversation": conversation.pk,
    "category": category.slug, "session": session.session_key,
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
        ("task with 10+ bids", f"/tasks/{targets['task']}/", False),
        ("profile with reviews", f"/u/{targets['profile']}/", False),
        ("dashboard (signed in)", "/dashboard/", True),
        ("inbox (signed in)", "/messages/", True),
        ("conversation (signed in)", f"/messages/{targets['conversation']}/", True),
    ]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "bench.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--error-logfile",
            str(RESULTS / f"gunicorn-{port}.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/baseline/", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn did not start on port {port}; see {RESULTS}/gunicorn-{port}.log")


def wrk(url: str, connections: int, duration: int, cookie: str | None) -> dict:
    command = [
        "wrk",
        f"-t{min(connections, 2)}",
        f"-c{connections}",
        f"-d{duration}s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
        url,
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(targets: dict, ports: list[int], duration: int, connections: int) -> list[dict]:
    rows = []
    for name, path, signed_in in pages(targets):
        cookie = targets["session"] if signed_in else None
        row = {"page": name, "path": path}
        for label, conns in (("c1", 1), (f"c{connections}", connections)):
            # With several instances, one wrk per instance at once; requests/s add up.
            results = run_parallel(
                [f"http://127.0.0.1:{port}{path}" for port in ports], conns, duration, cookie
            )
            row[label] = {
                "rps": sum(r["rps"] for r in results),
                "p50": max(r["p50"] for r in results),
                "p95": max(r["p95"] for r in results),
                "p99": max(r["p99"] for r in results),
                "errors": sum(r["errors"] for r in results),
            }
        rows.append(row)
        print(f"  {name}: {row['c1']['rps']:.0f} req/s at 1 connection", flush=True)
    return rows


def run_parallel(urls: list[str], connections: int, duration: int, cookie) -> list[dict]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(lambda url: wrk(url, connections, duration, cookie), urls))


def table(rows: list[dict], connections: int, seed_seconds: float | None, env: dict, args) -> str:
    baseline = rows[0][f"c{connections}"]["rps"]
    many = f"c{connections}"
    lines = [
        f"# Tasker bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.platform()}, "
        f"Python {platform.python_version()}.",
        f"Database: {env['DATABASE_URL'].split('://')[0]}; cache: {env.get('CACHE_URL', 'locmem')};"
        f" {len(args.ports)} gunicorn instance(s) x {args.workers} sync workers;"
        f" wrk {args.duration}s per cell.",
        "Scale dataset: "
        + " ".join(SCALE)
        + ". "
        + (f"Built in {seed_seconds:.1f} s." if seed_seconds else "Reused from an earlier run."),
        "",
        f"| page | req/s @1 | p50 ms @1 | p95 ms @1 | req/s @{connections} | p50 ms @{connections}"
        f" | p95 ms @{connections} | p99 ms @{connections} | errors | vs baseline @{connections} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        one, lots = row["c1"], row[many]
        lines.append(
            f"| {row['page']} | {one['rps']:.0f} | {one['p50']:.1f} | {one['p95']:.1f} "
            f"| {lots['rps']:.0f} | {lots['p50']:.1f} | {lots['p95']:.1f} | {lots['p99']:.1f} "
            f"| {one['errors'] + lots['errors']} | {lots['rps'] / baseline:.0%} |"
        )
    worst_p95 = max(row["c1"]["p95"] for row in rows)
    worst_p99 = max(row[many]["p99"] for row in rows)
    browse = next(row for row in rows if row["page"] == "browse")[many]["rps"] / baseline
    lines += [
        "",
        "Targets: browse >= 50 % of the baseline's req/s "
        f"({'met' if browse >= 0.5 else 'missed'}: {browse:.0%}); every page p95 <= 25 ms at 1 "
        f"connection ({'met' if worst_p95 <= 25 else 'missed'}: worst {worst_p95:.1f} ms); "
        f"p99 <= 100 ms at {connections} connections "
        f"({'met' if worst_p99 <= 100 else 'missed'}: worst {worst_p99:.1f} ms)"
        + (
            f"; scale dataset built in under 60 s ({'met' if seed_seconds < 60 else 'missed'}:"
            f" {seed_seconds:.1f} s)."
            if seed_seconds
            else "."
        ),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--instances", type=int, choices=[1, 2], default=1)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per instance")
    args = parser.parse_args()
    args.ports = PORTS[: args.instances]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    RESULTS.mkdir(exist_ok=True)
    env = bench_env()
    seed_seconds = prepare(env)
    targets = json.loads(manage(env, "shell", "-c", TARGETS_SCRIPT).strip().splitlines()[-1])
    servers = [start_gunicorn(env, port, args.workers) for port in args.ports]
    try:
        rows = measure(targets, args.ports, args.duration, args.connections)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    report = table(rows, args.connections, seed_seconds, env, args)
    print()
    print(report)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.md").write_text(report)
    (RESULTS / "latest.md").write_text(report)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
