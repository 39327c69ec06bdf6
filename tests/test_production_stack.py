"""The production stack of `make serve` (deploy/serve) on an operator's worst day.

Each test starts the real stack: nginx on a port, gunicorn behind it on a unix socket and
the task worker, with the production settings, against the suite's test database. Then:

- slow clients: 60 connections trickle their headers in, a line every 3 s, while 20 normal
  requests must each be answered within a second;
- a mail server that accepts connections and never answers must not slow a bid down, and
  the emails go out once it answers;
- the Redis the site uses (one this test starts) stops during a write load: no 500, no
  acknowledged write lost, nobody signed out, and limits hold again once it is back;
- several gunicorn processes on the default cache count one rate limit together.

Slow (a minute or two): skipped unless RUN_SLOW=1, as CI sets. The figures are printed
(run with -s to see them).
"""

import os
import re
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
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.models import User
from marketplace.models import Bid, Message

from .factories import PASSWORD, CustomerFactory, TaskerFactory, TaskFactory
from .helpers import running_in_ci
from .test_performance_instances import Browser, database_url, free_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SERVE = Path(settings.BASE_DIR) / "deploy" / "serve"


# --- The stack ---


class Stack:
    """deploy/serve on its own port and run folder; stopped as Ctrl-C would stop it."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.run_dir = tempfile.mkdtemp(prefix="tasker-serve-")  # short: a socket lives here
        self.log = Path(self.run_dir) / "serve.log"
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "PY": sys.executable,
            "PORT": str(self.port),
            "RUN_DIR": self.run_dir,
            "SECRET_KEY": "the-stack-test-secret-key-" * 3,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url(),
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            "WEB_CONCURRENCY": "2",
            "LOGIN_FAILURE_LIMIT": "100000",
            **{f"RATE_LIMIT_{scope}": "100000/h" for scope in ("SIGNUP", "BID", "MESSAGE")},
            **env,
        }
        with self.log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own script
                [str(SERVE)],
                cwd=settings.BASE_DIR,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_until_up(self) -> "Stack":
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=5):  # noqa: S310
                    return self
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.3)
        raise AssertionError(f"deploy/serve did not come up:\n{self.output()[-4000:]}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM, as Ctrl-C or systemd would; keep what it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.final_output = self.output()
        shutil.rmtree(self.run_dir, ignore_errors=True)


@pytest.fixture
def start_stack():
    stacks: list[Stack] = []

    def start(**env: str) -> Stack:
        if not Path(os.environ.get("NGINX", "/usr/sbin/nginx")).exists() and not running_in_ci():
            pytest.skip("nginx is not installed (make serve or .ci/run installs it)")
        stack = Stack(**env)
        stacks.append(stack)
        return stack.wait_until_up()

    yield start
    for stack in stacks:
        stack.stop()
    for stack in stacks:
        assert stack.process.returncode is not None, "deploy/serve did not stop"
    for stack in stacks:
        assert "Stopping nginx, gunicorn and the task worker" in stack.final_output


def person(factory=TaskerFactory, **fields) -> User:
    """Someone who signs in through the stack (hashed as in production)."""
    user = factory(**fields)
    user.password = make_password(PASSWORD, hasher="bcrypt_sha256")
    user.save(update_fields=["password"])
    return user


def signed_in(stack: Stack, user: User) -> Browser:
    browser = Browser()
    token = browser.csrf_token(stack.url("/accounts/login/"))
    status, location, _ = browser.request(
        stack.url("/accounts/login/"),
        {"csrfmiddlewaretoken": token, "username": user.username, "password": PASSWORD},
    )
    assert (status, location) == (302, "/dashboard/")
    return browser


def post_form(browser: Browser, url: str, data: dict, page: str = "") -> tuple[int, str]:
    """GET the page (`url` itself unless given) for its CSRF token, POST the form to `url`;
    (status, Location)."""
    token = browser.csrf_token(page or url)
    status, location, _ = browser.request(url, {**data, "csrfmiddlewaretoken": token})
    return status, location


def start_conversation(stack: Stack, browser: Browser, task) -> tuple[int, str]:
    """The "Message the customer" button on the task's page."""
    url, page = stack.url(f"/tasks/{task.pk}/message/"), stack.url(f"/tasks/{task.pk}/")
    return post_form(browser, url, {}, page=page)


# --- 1. Slow clients ---


def trickle(port: int, connections: int, every: float, until: float, sent: list) -> None:
    """Open `connections` requests and send one more header line to each every `every` s."""
    sockets = []
    for _ in range(connections):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /tasks/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(sock)
    line = 0
    while time.monotonic() < until:
        time.sleep(every)
        line += 1
        for sock in sockets:
            try:
                sock.sendall(f"X-Slow-{line}: still typing\r\n".encode())
                sent.append(1)
            except OSError:
                pass  # nginx gave up on it: exactly what it should do, eventually
    for sock in sockets:
        sock.close()


def test_sixty_slow_clients_do_not_hold_up_anyone_else(start_stack):
    stack = start_stack()
    sent: list = []
    slow = threading.Thread(
        target=trickle, args=(stack.port, 60, 3.0, time.monotonic() + 14, sent), daemon=True
    )
    slow.start()
    time.sleep(3.5)  # every slow connection is open and has sent a header line or two

    latencies, statuses = [], []
    for n in range(20):
        started = time.perf_counter()
        with urllib.request.urlopen(stack.url(("/tasks/", "/")[n % 2]), timeout=10) as r:  # noqa: S310
            r.read()
            statuses.append(r.status)
        latencies.append(time.perf_counter() - started)
        time.sleep(0.4)
    slow.join(timeout=30)

    print(
        f"\nslow clients: 60 trickling; 20 normal requests: max {max(latencies) * 1000:.0f} ms, "
        f"median {statistics.median(latencies) * 1000:.0f} ms; {len(sent)} slow header lines"
    )
    assert statuses == [200] * 20
    assert max(latencies) < 1.0
    assert len(sent) >= 60  # the slow clients really were connected and sending meanwhile


# --- 2. A mail server that never answers ---


class MailServer:
    """A local SMTP server that keeps what it receives, or plays dead: as a black hole it
    accepts connections and says nothing until it is told to answer again."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.answering = threading.Event()
        self.answering.set()
        self.stopping = threading.Event()
        self.messages: list[bytes] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self.talk, args=(conn,), daemon=True).start()

    def talk(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as lines:
            while not self.answering.wait(0.2):
                if self.stopping.is_set():
                    return
            conn.sendall(b"220 localhost ESMTP\r\n")
            for line in lines:
                command = line[:4].upper()
                if command == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    body = b"".join(iter(lines.readline, b".\r\n"))
                    self.messages.append(body)
                    conn.sendall(b"250 queued\r\n")
                elif command == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:  # EHLO, MAIL, RCPT, RSET, NOOP
                    conn.sendall(b"250 ok\r\n")

    def stop(self) -> None:
        self.stopping.set()
        self.answering.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def mail_server():
    server = MailServer()
    yield server
    server.stop()


def timed_bids(stack: Stack, browser: Browser, tasks) -> list[float]:
    seconds = []
    for task in tasks:
        url = stack.url(f"/tasks/{task.pk}/bid/")
        token = browser.csrf_token(url)
        data = {"amount": "45", "message": "I can come on Saturday with my own tools."}
        started = time.perf_counter()
        status, _, _ = browser.request(url, {**data, "csrfmiddlewaretoken": token})
        seconds.append(time.perf_counter() - started)
        assert status == 302
    return seconds


def test_a_mail_server_that_never_answers_slows_no_bid(start_stack, mail_server):
    customer = CustomerFactory(username="gate_owner", email="gate.owner@example.com")
    tasks = TaskFactory.create_batch(22, customer=customer)
    tasker = person(username="fixer")
    stack = start_stack(
        EMAIL_URL=f"smtp://127.0.0.1:{mail_server.port}", EMAIL_RETRY_DELAYS="1,2,5"
    )
    browser = signed_in(stack, tasker)
    timed_bids(stack, browser, tasks[:2])  # warm every worker up

    working = timed_bids(stack, browser, tasks[2:12])
    mail_server.answering.clear()
    black_hole = timed_bids(stack, browser, tasks[12:22])
    time.sleep(1)
    mail_server.answering.set()

    deadline = time.monotonic() + 60
    while len(mail_server.messages) < 22 and time.monotonic() < deadline:
        time.sleep(0.3)
    working_ms = statistics.median(working) * 1000
    black_hole_ms = statistics.median(black_hole) * 1000
    print(
        f"\nbid latency, median of 10: working SMTP {working_ms:.0f} ms, black-hole SMTP "
        f"{black_hole_ms:.0f} ms (max {max(black_hole) * 1000:.0f} ms); "
        f"{len(mail_server.messages)} of 22 emails delivered once it answered"
    )
    assert Bid.objects.filter(tasker=tasker).count() == 22
    # Within 20 %, give or take the timer's noise on a busy machine.
    assert black_hole_ms <= working_ms * 1.2 + 25
    assert len(mail_server.messages) == 22
    delivered = b"".join(mail_server.messages)
    assert delivered.count(b"To: gate.owner@example.com") == 22


# --- 3. Redis stops during a write load ---


@pytest.fixture
def own_redis():
    """A Redis of this test's own, which it can stop and start again on the same port."""
    binary = shutil.which("redis-server")
    if binary is None:
        if running_in_ci():
            pytest.fail("redis-server is missing; .ci/run installs it.")
        pytest.skip("redis-server is not installed")
    port = free_port()
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly"]
    command += ["no"]
    processes = []

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
        processes.append(process)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def stop():
        processes[-1].terminate()
        processes[-1].wait(timeout=10)

    start()
    yield port, start, stop
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


class Writer(threading.Thread):
    """A signed-in person writing numbered messages as fast as the site answers."""

    def __init__(self, stack: Stack, browser: Browser, conversation: str, name: str, until):
        super().__init__(daemon=True)
        self.stack, self.browser, self.conversation = stack, browser, conversation
        self.name_, self.until = name, until
        self.acknowledged: list[str] = []
        self.statuses: dict[int, int] = {}
        self.signed_out = 0
        self.timings: list[tuple[float, float]] = []  # (when, seconds) of each message POST

    def run(self) -> None:
        n = 0
        url = self.stack.url(self.conversation)
        token = self.browser.csrf_token(url)
        while time.monotonic() < self.until:
            n += 1
            body = f"{self.name_} message {n}"
            started = time.monotonic()
            try:
                status, location, _ = self.browser.request(
                    url, {"body": body, "csrfmiddlewaretoken": token}
                )
            except OSError:
                status, location = 0, ""
            self.timings.append((started, time.monotonic() - started))
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 302 and "/accounts/login/" in location:
                self.signed_out += 1
            elif status == 302:
                self.acknowledged.append(body)
            status, _, _ = self.browser.request(self.stack.url("/tasks/"))  # and a page
            self.statuses[status] = self.statuses.get(status, 0) + 1


def test_a_redis_outage_during_writes_gives_no_500_and_loses_nothing(start_stack, own_redis):
    port, start_redis, stop_redis = own_redis
    customer = person(CustomerFactory, username="host")
    writers = [person(username=f"writer{n}") for n in range(4)]
    task = TaskFactory(customer=customer)
    stack = start_stack(
        CACHE_URL=f"redis://127.0.0.1:{port}/0", LOG_LEVEL="INFO", RATE_LIMIT_SIGNUP="3/h"
    )
    conversations = []
    for user in writers:
        browser = signed_in(stack, user)
        status, conversation = start_conversation(stack, browser, task)
        assert status == 302 and re.fullmatch(r"/messages/\d+/", conversation)
        conversations.append((browser, conversation, user.username))
    until = time.monotonic() + 12
    threads = [Writer(stack, *conversation, until) for conversation in conversations]
    for thread in threads:
        thread.start()

    time.sleep(3)
    stopped = time.monotonic()
    stop_redis()
    time.sleep(1)
    # A newcomer can sign up and sign in while the cache is down.
    newcomer = Browser()
    signup = {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "display_name": "New Comer",
        "role": "both",
        "city": "Leeds",
        "password1": "a-long-new-passphrase-9",
        "password2": "a-long-new-passphrase-9",
    }
    signup_status, _ = post_form(newcomer, stack.url("/accounts/signup/"), signup)
    time.sleep(4)
    start_redis()
    restarted = time.monotonic()
    for thread in threads:
        thread.join(timeout=60)

    # Limits count again: three sign-ups an hour from one address.
    statuses = [
        post_form(Browser(), stack.url("/accounts/signup/"), {"username": "", "email": "x"})[0]
        for _ in range(4)
    ]

    counts: dict[int, int] = {}
    for thread in threads:
        for status, n in thread.statuses.items():
            counts[status] = counts.get(status, 0) + n
    acknowledged = [body for thread in threads for body in thread.acknowledged]
    stored = set(Message.objects.values_list("body", flat=True))
    timings = [timing for thread in threads for timing in thread.timings]
    outage = [s for when, s in timings if stopped <= when < restarted] or [0]
    others = [s for when, s in timings if not stopped <= when < restarted] or [0]
    print(
        f"\nmessage POST latency: Redis up p50 {statistics.median(others) * 1000:.0f} ms, "
        f"max {max(others) * 1000:.0f} ms; Redis down p50 {statistics.median(outage) * 1000:.0f}"
        f" ms, max {max(outage) * 1000:.0f} ms"
    )
    print(
        f"\nRedis stopped for 5 s of a 12 s write load: responses by status {counts}; "
        f"{len(acknowledged)} messages acknowledged, {len(set(acknowledged) - stored)} lost; "
        f"sign-ups after it returned: {statuses}"
    )
    assert counts.get(500, 0) == 0 and all(status < 500 for status in counts)
    assert counts.get(0, 0) == 0  # no connection dropped
    assert sum(thread.signed_out for thread in threads) == 0
    assert acknowledged and set(acknowledged) <= stored
    assert signup_status == 302 and User.objects.filter(username="newcomer").exists()
    assert statuses == [200, 200, 200, 429]  # the newcomer's sign-up was not counted: cache down
    assert "Rate limits are not enforced: the cache cannot be reached" in stack.output()


# --- 4. One limit across processes ---


def test_a_rate_limit_holds_across_worker_processes_on_the_default_cache(start_stack):
    customer = person(CustomerFactory, username="host")
    sender = person(username="chatty")
    task = TaskFactory(customer=customer)
    stack = start_stack(WEB_CONCURRENCY="3", RATE_LIMIT_MESSAGE="20/h")
    browser = signed_in(stack, sender)
    status, conversation = start_conversation(stack, browser, task)
    assert status == 302
    token = browser.csrf_token(stack.url(conversation))
    statuses: list[int] = []

    def send(n: int) -> None:
        for k in range(8):
            status, _, _ = browser.request(
                stack.url(conversation), {"body": f"{n}-{k}", "csrfmiddlewaretoken": token}
            )
            statuses.append(status)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    accepted = statuses.count(302)
    print(f"\n64 messages at once to 3 gunicorn processes, limit 20/h: {accepted} accepted")
    assert len(statuses) == 64
    assert set(statuses) <= {302, 429}
    assert accepted == 20
    assert Message.objects.filter(sender=sender).count() == 20


# --- Photos behind nginx ---


def test_nginx_serves_photos_with_their_type_and_nosniff(start_stack, tmp_path):
    from .images import image_bytes

    media = tmp_path / "media"
    (media / "photos").mkdir(parents=True)
    (media / "photos" / "abc.jpg").write_bytes(image_bytes())
    (media / "photos" / "abc.webp").write_bytes(image_bytes("WEBP"))
    # Never written by the site (it names files itself); served as bytes, never as a page.
    (media / "photos" / "page.html").write_text("<script>alert(1)</script>")
    stack = start_stack(MEDIA_ROOT=str(media))

    for name, expected in (("abc.jpg", "image/jpeg"), ("abc.webp", "image/webp")):
        with urllib.request.urlopen(stack.url(f"/media/photos/{name}"), timeout=5) as response:  # noqa: S310
            assert response.headers["Content-Type"] == expected
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.read() == (media / "photos" / name).read_bytes()
    with urllib.request.urlopen(stack.url("/media/photos/page.html"), timeout=5) as response:  # noqa: S310
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert "sandbox" in response.headers["Content-Security-Policy"]
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(stack.url("/media/photos/gone.jpg"), timeout=5)  # noqa: S310
    assert missing.value.code == 404
