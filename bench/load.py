"""Write load: many signed-in people bidding, messaging, accepting bids and browsing at once.

    python bench/load.py [--duration 30] [--clients 50] [--workers 4] [--database-url URL]

Starts gunicorn (sync workers) on 127.0.0.1 against a fresh database: a new SQLite file by
default, or PostgreSQL with --database-url (on 127.0.0.1, and only a database whose name
contains "load": it is dropped and created again). Seeds people, tasks and bids with the ORM,
then runs one thread per client. Each signs in through the log-in form (with its CSRF token);
once all have, they loop over mixed requests until the time or their loop count is up.
Prints requests/s, p50/p99 and every kind of failure (5xx, connection errors, 429, 403),
counts "database is locked" in gunicorn's log, and checks that the data still holds together.
Exits non-zero unless all of those are zero. Only ever aims at 127.0.0.1.
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PASSWORD = "load-test-passphrase-42"  # noqa: S105 - every account's, on a throwaway database
LOCKED = "database is locked"
# What each client does on a loop, with how often.
ACTIONS = {"read": 50, "bid": 20, "message": 20, "accept": 10}
READS = ["/", "/tasks/", "/tasks/?q=task", "/dashboard/", "/messages/", "/notifications/"]


# --- The database and the server ---


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def recreate_postgres(url: str) -> None:
    """Drop and create the load database (only one on this machine, named for load tests)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.hostname not in (HOST, "localhost"):
        raise SystemExit(f"--database-url must point at {HOST}, not {parts.hostname}.")
    if "load" not in name:
        raise SystemExit(f"Refusing to empty {name!r}: the database name must contain 'load'.")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tasker.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        CACHE_URL="locmemcache://",
        # The run measures the site, not the limits: nobody may be throttled.
        RATE_LIMIT_BID="1000000/h",
        RATE_LIMIT_MESSAGE="1000000/h",
        RATE_LIMIT_REPORT="1000000/h",
        RATE_LIMIT_SIGNUP="1000000/h",
        LOGIN_FAILURE_LIMIT="1000000",
    )
    return env


def seed(clients: int, tasks_each: int) -> dict:
    """Migrate, collect static files and create the people, tasks and bids; return who owns
    what. Runs in this process with the server's environment (django.setup())."""
    import django

    django.setup()
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from accounts.models import User
    from marketplace.models import Bid, Category, Task

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    password = make_password(PASSWORD)  # hashed once: bcrypt is slow on purpose
    users = User.objects.bulk_create(
        User(
            username=f"load{i}",
            email=f"load{i}@example.com",
            display_name=f"Load Person {i}",
            role=User.Role.BOTH,
            city="Leeds",
            password=password,
        )
        for i in range(clients)
    )
    category = Category.objects.order_by("pk").first()
    due = timezone.localdate() + timedelta(days=14)
    tasks = Task.objects.bulk_create(
        Task(
            customer=user,
            title=f"Task {n} for {user.username}",
            description="Assemble a flat-pack wardrobe; every part and the manual are here.",
            category=category,
            budget=Decimal("80"),
            city="Leeds",
            due_date=due,
        )
        for user in users
        for n in range(tasks_each)
    )
    # Two bids on every task from the next two people, so accepting can start at once.
    Bid.objects.bulk_create(
        Bid(
            task=task,
            tasker=users[(i // tasks_each + k) % len(users)],
            amount=Decimal("70"),
            message="I have built dozens of these and can come on Saturday.",
        )
        for i, task in enumerate(tasks)
        for k in (1, 2)
    )
    owners = {
        user.username: [task.pk for task in tasks if task.customer_id == user.pk] for user in users
    }
    connections.close_all()
    return owners


def start_gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(gunicorn),
                "tasker.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "60",
                "--error-logfile",
                "-",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}/accounts/login/", timeout=5)
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log}")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- The clients ---


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect as it is (a 302 is an answer here, not something to follow)."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # seconds, by kind
    server_errors: int = 0
    connection_errors: int = 0
    throttled: int = 0
    forbidden: int = 0
    unexpected: list[str] = field(default_factory=list)


class Person(threading.Thread):
    """One signed-in browser with its own cookie jar, looping over mixed requests."""

    def __init__(self, n: int, port: int, owners: dict, clock: "Clock", max_loops: int):
        super().__init__(name=f"load{n}", daemon=True)
        self.username = f"load{n}"
        self.base = f"http://{HOST}:{port}"
        self.own_tasks = list(owners[self.username])
        self.other_tasks = [
            pk for name, pks in owners.items() if name != self.username for pk in pks
        ]
        self.names = list(owners)
        self.clock, self.max_loops = clock, max_loops
        self.random = random.Random(n)  # noqa: S311 - chooses requests, guards nothing
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.conversations: list[str] = []
        self.tally = Tally()

    # -- HTTP --

    def csrf_token(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def send(self, kind: str, path: str, data: dict | None = None) -> tuple[int | None, str]:
        """Make one request; count it; return its status (None: no answer) and Location."""
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.csrf_token()}).encode()
        request = urllib.request.Request(self.base + path, data=body)
        started = time.perf_counter()
        status, location = None, ""
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            error.read()
            status, location = error.code, error.headers.get("Location", "")
        except OSError:
            pass
        self.count(kind, path, status, time.perf_counter() - started)
        return status, location

    def count(self, kind: str, path: str, status: int | None, seconds: float) -> None:
        tally = self.tally
        tally.latencies.setdefault(kind, []).append(seconds)
        if status is None:
            tally.connection_errors += 1
        elif status >= 500:
            tally.server_errors += 1
        elif status == 429:
            tally.throttled += 1
        elif status == 403:
            tally.forbidden += 1
        elif status not in (200, 302):
            tally.unexpected.append(f"{status} {path}")

    # -- What a person does --

    def sign_in(self) -> bool:
        self.send("sign-in", "/accounts/login/")
        status, location = self.send(
            "sign-in", "/accounts/login/", {"username": self.username, "password": PASSWORD}
        )
        return status == 302 and location.endswith("/dashboard/")

    def read(self) -> None:
        pages = [*READS, f"/tasks/{self.random.choice(self.other_tasks)}/"]
        pages += [f"/u/{self.random.choice(self.names)}/", *self.conversations[-3:]]
        self.send("read", self.random.choice(pages))

    def bid(self) -> None:
        task = self.random.choice(self.other_tasks)
        amount = f"{self.random.randint(20, 150)}.00"
        message = "I can do this on Saturday morning and bring my own tools."
        self.send("bid", f"/tasks/{task}/bid/", {"amount": amount, "message": message})

    def message(self) -> None:
        if self.conversations and self.random.random() < 0.5:
            conversation = self.random.choice(self.conversations)
        else:
            task = self.random.choice(self.other_tasks)
            status, location = self.send("message", f"/tasks/{task}/message/", {})
            conversation = urlsplit(location).path
            if not re.fullmatch(r"/messages/\d+/", conversation):
                return  # the task is no longer open: the page said so
            self.conversations.append(conversation)
        self.send("message", conversation, {"body": "Is it still available on Saturday?"})

    def accept(self) -> None:
        if not self.own_tasks:
            return self.read()
        task = self.own_tasks.pop(self.random.randrange(len(self.own_tasks)))
        request = urllib.request.Request(f"{self.base}/tasks/{task}/")
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                html, status = response.read().decode(), response.status
        except urllib.error.HTTPError as error:
            html, status = "", error.code
        except OSError:
            html, status = "", None
        self.count("accept", f"/tasks/{task}/", status, time.perf_counter() - started)
        bids = re.findall(r'action="(/bids/\d+/accept/)"', html)
        if bids:
            self.send("accept", self.random.choice(bids), {})

    def run(self) -> None:
        signed_in = self.sign_in()
        self.clock.all_signed_in.wait()  # everybody starts the timed traffic together
        if not signed_in:
            self.tally.unexpected.append(f"{self.username} could not sign in")
            return
        actions, weights = zip(*ACTIONS.items(), strict=True)
        loops = 0
        while time.monotonic() < self.clock.deadline and loops < self.max_loops:
            getattr(self, self.random.choices(actions, weights)[0])()
            loops += 1


class Clock:
    """The timed part of the run starts once every client has signed in."""

    def __init__(self, clients: int, duration: float):
        self.duration = duration
        self.started = self.deadline = 0.0
        self.all_signed_in = threading.Barrier(clients, action=self.start, timeout=600)

    def start(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self.duration


# --- The run ---


def check_data() -> list[str]:
    """What must hold after any amount of concurrent traffic; return what does not."""
    from django.db.models import Count

    from marketplace.models import Agreement, Bid, Task

    problems = []
    stranded = Bid.objects.filter(status=Bid.Status.PENDING).exclude(task__status=Task.Status.OPEN)
    if stranded.exists():
        problems.append(f"{stranded.count()} pending bids on tasks that are no longer open")
    doubles = Bid.objects.filter(status__in=Bid.LIVE_STATUSES).values("task", "tasker")
    if doubles.annotate(n=Count("pk")).filter(n__gt=1).exists():
        problems.append("a tasker has two live bids on one task")
    accepted = Bid.objects.filter(status=Bid.Status.ACCEPTED).count()
    assigned = Task.objects.filter(status=Task.Status.ASSIGNED).count()
    if not Agreement.objects.count() == accepted == assigned:
        problems.append(
            f"{Agreement.objects.count()} agreements, {accepted} accepted bids, "
            f"{assigned} assigned tasks"
        )
    return problems


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def summarise(people: list[Person], seconds: float, log_text: str, problems: list[str]) -> dict:
    by_kind: dict[str, list[float]] = {}
    for person in people:
        for kind, values in person.tally.latencies.items():
            by_kind.setdefault(kind, []).extend(values)
    sign_ins = by_kind.pop("sign-in", [])
    latencies = [s for values in by_kind.values() for s in values]

    def ms(values: list[float], share: float) -> float:
        return round(percentile(values, share) * 1000, 1)

    return {
        "sign_ins": {
            "requests": len(sign_ins),
            "p50_ms": ms(sign_ins, 0.50),
            "p99_ms": ms(sign_ins, 0.99),
        },
        "requests": len(latencies),
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": ms(latencies, 0.50),
        "p99_ms": ms(latencies, 0.99),
        "by_kind": {
            kind: {"requests": len(v), "p50_ms": ms(v, 0.50), "p99_ms": ms(v, 0.99)}
            for kind, v in sorted(by_kind.items())
        },
        "server_errors": sum(p.tally.server_errors for p in people),
        "connection_errors": sum(p.tally.connection_errors for p in people),
        "throttled_429": sum(p.tally.throttled for p in people),
        "forbidden_403": sum(p.tally.forbidden for p in people),
        "unexpected": [u for p in people for u in p.tally.unexpected][:20],
        "database_is_locked": log_text.count(LOCKED),
        "tracebacks": log_text.count("Traceback"),
        "hung_clients": sum(p.is_alive() for p in people),
        "data_problems": problems,
    }


def failed(result: dict) -> bool:
    counts = ("server_errors", "connection_errors", "throttled_429", "forbidden_403")
    counts += ("database_is_locked", "tracebacks", "hung_clients")
    return any(result[name] for name in counts) or bool(
        result["unexpected"] or result["data_problems"]
    )


def report(result: dict) -> str:
    kinds = ", ".join(
        f"{kind} {k['requests']} (p50 {k['p50_ms']} ms, p99 {k['p99_ms']} ms)"
        for kind, k in result["by_kind"].items()
    )
    return (
        f"{result['database']}, {result['clients']} clients, {result['workers']} workers: "
        f"{result['requests']} requests in {result['seconds']} s = "
        f"{result['requests_per_second']} req/s; p50 {result['p50_ms']} ms, "
        f"p99 {result['p99_ms']} ms\n  {kinds}\n"
        f"  before the clock: {result['sign_ins']['requests']} sign-in requests "
        f"(p50 {result['sign_ins']['p50_ms']} ms, p99 {result['sign_ins']['p99_ms']} ms)\n"
        f"  errors: {result['server_errors']} 5xx, {result['connection_errors']} connection, "
        f"{result['throttled_429']} 429, {result['forbidden_403']} 403, "
        f"{len(result['unexpected'])} other; '{LOCKED}' in the log: "
        f"{result['database_is_locked']}; tracebacks: {result['tracebacks']}; data: "
        f"{'; '.join(result['data_problems']) or 'consistent'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds of traffic")
    parser.add_argument("--clients", type=int, default=50, help="people at once (threads)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--tasks-each", type=int, default=10, help="open tasks per person")
    parser.add_argument("--max-loops", type=int, default=10_000, help="loops per client, at most")
    parser.add_argument("--database-url", help="postgres://...load (default: a new SQLite file)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and its log")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tasker-load-"))
    database_url = args.database_url or f"sqlite:///{work / 'load.sqlite3'}"
    if args.database_url:
        recreate_postgres(args.database_url)
    env = server_env(database_url)
    os.environ.update(env)  # the seeding below runs Django in this process
    sys.path.insert(0, str(ROOT))
    database = urlsplit(database_url).scheme
    print(f"Seeding {args.clients} people on {database} ...", file=sys.stderr, flush=True)
    owners = seed(args.clients, args.tasks_each)

    log = work / "gunicorn.log"
    port = free_port()
    server = start_gunicorn(env, port, args.workers, log)
    try:
        print(
            f"{args.clients} clients for {args.duration:g} s against {args.workers} workers ...",
            file=sys.stderr,
            flush=True,
        )
        clock = Clock(args.clients, args.duration)
        people = [Person(n, port, owners, clock, args.max_loops) for n in range(args.clients)]
        for person in people:
            person.start()
        hard_stop = time.monotonic() + 600 + args.duration + 90
        for person in people:
            person.join(timeout=max(0, hard_stop - time.monotonic()))
        seconds = time.monotonic() - clock.started
    finally:
        stop(server)
    result = summarise(people, seconds, log.read_text(), check_data())
    result.update(database=database, clients=args.clients, workers=args.workers)

    if args.json:
        print(json.dumps(result))
    else:
        print(report(result))
    if failed(result) or args.keep:
        print(f"Work folder kept: {work} (gunicorn log: {log})", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed(result) else 0


if __name__ == "__main__":
    sys.exit(main())
