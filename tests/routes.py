"""Every route of the site, found by walking the URL resolver, and what each one must do.

The route-enumerating security tests (tests/test_routes_*.py) read this module. `ROUTES`
holds one or more cases per URL name: how to build its URL arguments from a small world of
objects, valid POST data, and the expected status of a GET and of a POST for each persona.
A POST status wrapped in `W(...)` is one that does its job and changes the database; every
other request must leave it exactly as it was.

A route found by the resolver without an entry here fails `test_every_route_is_in_the_table`:
add it to `ROUTES` below.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from accounts.tokens import email_token
from marketplace.emails import search_unsubscribe_token, unsubscribe_token
from marketplace.models import Notification

from .factories import PASSWORD
from .helpers import STRONG_PASSWORD, signup_fields
from .world import World, build_world, password_reset_kwargs

# Not ours to enumerate: Django's admin has its own permission system (tested in
# test_admin_users and test_moderation), and static files are not views.
SKIPPED_PREFIXES = ("admin/", "static/", "media/")

PERSONAS = ("customer", "tasker", "other_customer", "other_tasker", "staff", "anonymous")
SIGNED_IN = PERSONAS[:-1]
LOGIN = "login"  # a 302 to the log-in page, with ?next= this URL


# --- The resolver ---


@dataclass(frozen=True)
class FoundRoute:
    name: str | None  # "namespace:name", or None for an unnamed pattern
    route: str  # the path pattern, e.g. "tasks/<int:pk>/edit/"


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "") -> Iterator:
    """Yield every URL pattern under `resolver`, namespaced includes and all."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield FoundRoute(f"{namespace}{entry.name}" if entry.name else None, route)


# --- The world every case runs in (tests/world.py builds it) ---


@contextmanager
def world_for_module(django_db_blocker) -> Iterator[World]:
    """Build the world once for a whole test module, and take it away at the end.

    Each test runs in its own savepoint inside this transaction (pytest-django's `db`), and
    each persona's requests in one more (`rolled_back`), so every request meets the same world.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def client_as(user: User | None) -> Client:
    """A test client signed in as `user`, or a visitor's for None."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Expected outcomes ---


@dataclass(frozen=True)
class W:
    """A request that does its job: answers `status` and changes the database."""

    status: int | str


def writes(expected) -> bool:
    return isinstance(expected, W)


def status_of(expected) -> int | str:
    return expected.status if isinstance(expected, W) else expected


def no_kwargs(world: World) -> dict:
    return {}


def no_data(world: World, user: User | None) -> dict:
    return {}


@dataclass(frozen=True)
class Case:
    """One way to call one URL name, and what each persona gets.

    `get` and `post` hold the expected status for each of PERSONAS, in its order; write
    them with `by_persona` (by name), `signed_in` or `everyone`. `data(world, user)` is a valid
    POST for `user`; `prepare(client, world)` runs first (e.g. to put a token in the session).
    """

    get: tuple
    post: tuple
    kwargs: Callable[[World], dict] = no_kwargs
    data: Callable[[World, User | None], dict] = no_data
    prepare: Callable | None = None
    csrf_exempt: str = ""  # why this URL takes POSTs without a CSRF token
    # Why this state-changing URL's GET shows no page with a form that POSTs back to it
    # (see test_confirmations): only for changes that lose nothing.
    no_confirmation: str = ""

    def __post_init__(self):
        assert len(self.get) == len(self.post) == len(PERSONAS), self

    @property
    def state_changing(self) -> bool:
        return any(writes(expected) for expected in self.post)

    def actors(self) -> list[str]:
        """The personas whose POST does the job."""
        return [p for p, expected in zip(PERSONAS, self.post, strict=True) if writes(expected)]


def by_persona(others, *, anonymous=LOGIN, **named) -> tuple:
    """Each persona's expected status, by name: the signed-in personas not named get
    `others`, anonymous gets `anonymous` (sent to log in unless said otherwise)."""
    unknown = set(named) - set(SIGNED_IN)
    assert not unknown, f"no such persona: {unknown}"
    return tuple(named.get(p, others) for p in SIGNED_IN) + (anonymous,)


def signed_in(status, anonymous=LOGIN) -> tuple:
    """The same status for every signed-in persona."""
    return (status,) * len(SIGNED_IN) + (anonymous,)


def everyone(status) -> tuple:
    return (status,) * len(PERSONAS)


# --- Valid POST data ---


def task_data(world, user) -> dict:
    return {
        "title": "Paint the garden fence",
        "description": "Two coats on a twelve-metre fence; paint and brushes are provided.",
        "category": world.task.category_id,
        "budget": "120.00",
        "city": "York",
        "postcode": "YO1 7HH",
        "due_date": (timezone.localdate() + timezone.timedelta(days=10)).isoformat(),
    }


def bid_data(world, user) -> dict:
    return {"amount": "65.00", "message": "I can come on Saturday with my own tools."}


def profile_data(world, user) -> dict:
    return {
        "display_name": "A New Name",
        "email": user.email if user else "nobody@example.com",
        "role": user.role if user else User.Role.BOTH,
        "city": "Hull",
        "bio": "Twenty years of odd jobs.",
        "skills": "painting, shelves",
        "hourly_rate": "25",
    }


def password_change_data(world, user) -> dict:
    new = STRONG_PASSWORD
    return {"old_password": PASSWORD, "new_password1": new, "new_password2": new}


def signup_data(world, user) -> dict:
    return signup_fields("newcomer", role=User.Role.BOTH)


def reset_kwargs(world, token: str) -> dict:
    return password_reset_kwargs(world["customer"], token)


def reset_prepare(client, world) -> None:
    """Follow the emailed link: the token goes into the session, the form is at set-password."""
    # Fresh from the database: the token hashes last_login, and signing in changes it.
    customer = User.objects.get(pk=world["customer"].pk)
    client.get(reverse("accounts:password_reset_confirm", kwargs=password_reset_kwargs(customer)))


def report_kwargs(kind: str, target: Callable[[World], int]):
    return lambda world: {"kind": kind, "pk": target(world)}


def report_data(world, user) -> dict:
    return {"reason": "spam", "details": "Looks copied from another site."}


N = 404
OK, MOVED, NOPE = 200, 302, 405

# Keys are URL names; a name with several cases adds "[label]".
ROUTES: dict[str, Case] = {
    "home": Case(get=everyone(OK), post=everyone(NOPE)),
    "healthz": Case(get=everyone(OK), post=everyone(NOPE)),
    # --- The site's own pages (the styleguide only exists with DEBUG on) ---
    "help": Case(get=everyone(OK), post=everyone(NOPE)),
    "terms": Case(get=everyone(OK), post=everyone(NOPE)),
    "privacy": Case(get=everyone(OK), post=everyone(NOPE)),
    "contact": Case(get=everyone(OK), post=everyone(NOPE)),
    "styleguide": Case(get=everyone(N), post=everyone(N)),
    # --- Accounts ---
    "accounts:signup": Case(
        get=signed_in(MOVED, anonymous=OK),
        post=signed_in(MOVED, anonymous=W(MOVED)),
        data=signup_data,
    ),
    "accounts:login": Case(
        get=signed_in(MOVED, anonymous=OK),
        post=signed_in(MOVED, anonymous=W(MOVED)),  # the sign-in writes last_login
        data=lambda world, user: {"username": "carol", "password": PASSWORD},
    ),
    # Signing out ends the session (sessions are outside the compared rows: see
    # test_security_sessions).
    # GET asks "Sign out?"; signed out, it goes home.
    "accounts:logout": Case(get=signed_in(OK, anonymous=MOVED), post=everyone(MOVED)),
    "accounts:profile_edit": Case(get=signed_in(OK), post=signed_in(W(MOVED)), data=profile_data),
    "accounts:password_change": Case(
        get=signed_in(OK), post=signed_in(W(MOVED)), data=password_change_data
    ),
    # Sends an email, writes nothing.
    "accounts:password_reset": Case(
        get=everyone(OK),
        post=everyone(MOVED),
        data=lambda world, user: {"email": world["customer"].email},
    ),
    "accounts:password_reset_done": Case(get=everyone(OK), post=everyone(NOPE)),
    # The emailed token is the credential, whoever is signed in.
    "accounts:password_reset_confirm": Case(
        get=everyone(OK),
        post=everyone(W(MOVED)),
        kwargs=lambda world: reset_kwargs(world, "set-password"),
        prepare=reset_prepare,
        data=lambda world, user: {
            "new_password1": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    ),
    "accounts:password_reset_complete": Case(get=everyone(OK), post=everyone(NOPE)),
    # Sends the link to the new address and a notice to the old one; changes nothing yet.
    "accounts:email_change": Case(
        get=signed_in(OK),
        post=signed_in(MOVED),
        data=lambda world, user: {"email": "brand-new@example.com", "password": PASSWORD},
    ),
    # The signed link is the proof, whoever is signed in.
    "accounts:email_confirm": Case(
        get=everyone(OK),
        post=everyone(W(MOVED)),
        kwargs=lambda world: {
            "token": email_token(user=world["customer"], new_email="carol-new@example.com")
        },
    ),
    # Everyone here has confirmed their address already: told so, nothing sent.
    "accounts:email_verify_resend": Case(get=signed_in(MOVED), post=signed_in(MOVED)),
    # Staff only. Sam has no device yet: the set-up page, where a wrong code changes
    # nothing (tests/test_two_factor.py sets one up), and the code page sends him there.
    "accounts:two_factor_setup": Case(
        get=by_persona(N, staff=OK),
        post=by_persona(N, staff=OK),
        data=lambda world, user: {"code": "000000"},
    ),
    "accounts:two_factor_verify": Case(
        get=by_persona(N, staff=MOVED),
        post=by_persona(N, staff=MOVED),
        data=lambda world, user: {"code": "000000"},
    ),
    "accounts:profile": Case(
        get=everyone(OK),
        post=everyone(NOPE),
        kwargs=lambda world: {"username": world["tasker"].username},
    ),
    "accounts:data_export": Case(get=signed_in(OK), post=signed_in(NOPE)),
    "accounts:data_export_download": Case(get=signed_in(OK), post=signed_in(NOPE)),
    # Everyone in the world has an agreement in progress, and staff accounts are closed by an
    # administrator: each is told why on the page (tests/test_account_delete.py deletes).
    "accounts:delete": Case(
        get=signed_in(OK),
        post=signed_in(OK),
        data=lambda world, user: {"password": PASSWORD},
    ),
    # --- Tasks ---
    "marketplace:task_list": Case(get=everyone(OK), post=everyone(NOPE)),
    # Taskers are sent to their settings to switch role.
    "marketplace:task_create": Case(
        get=by_persona(OK, tasker=MOVED, other_tasker=MOVED),
        post=by_persona(W(MOVED), tasker=MOVED, other_tasker=MOVED),
        data=task_data,
    ),
    "marketplace:task_detail": Case(
        get=everyone(OK), post=everyone(NOPE), kwargs=lambda world: {"pk": world.task.pk}
    ),
    "marketplace:task_edit": Case(
        get=by_persona(N, customer=OK),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=lambda world: {"pk": world.task.pk},
        data=task_data,
    ),
    "marketplace:task_cancel": Case(
        get=by_persona(N, customer=OK),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=lambda world: {"pk": world.task.pk},
    ),
    "marketplace:task_repost": Case(
        get=by_persona(N, customer=OK),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=lambda world: {"pk": world.cancelled.pk},
        data=task_data,
    ),
    # --- Photos (added in the task's form) ---
    "marketplace:task_photos": Case(
        get=by_persona(N, customer=OK),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=lambda world: {"pk": world.task.pk},
        data=lambda world, user: {
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": str(world.photo.pk),
            "photos-0-description": "The wardrobe's doors and the manual",
            "photos-0-position": "0",
        },
    ),
    "marketplace:photo_delete": Case(
        get=by_persona(N, customer=OK),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=lambda world: {"pk": world.photo.pk},
    ),
    # --- Bids ---
    # The customer cannot bid on their own task, Tom already has a bid, Oscar is no tasker:
    # each is told so on the form (200).
    "marketplace:bid_create": Case(
        get=signed_in(OK),
        post=by_persona(OK, other_tasker=W(MOVED), staff=W(MOVED)),
        kwargs=lambda world: {"pk": world.task.pk},
        data=bid_data,
    ),
    "marketplace:bid_edit": Case(
        get=by_persona(N, tasker=OK),
        post=by_persona(N, tasker=W(MOVED)),
        kwargs=lambda world: {"pk": world.bid.pk},
        data=bid_data,
    ),
    "marketplace:bid_withdraw": Case(
        get=by_persona(N, tasker=OK),
        post=by_persona(N, tasker=W(MOVED)),
        kwargs=lambda world: {"pk": world.bid.pk},
    ),
    "marketplace:bid_accept": Case(
        get=by_persona(N, customer=OK),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=lambda world: {"pk": world.bid.pk},
    ),
    # --- Agreements and reviews ---
    # Staff see agreements (to moderate) but take no part in them.
    "marketplace:agreement_detail": Case(
        get=by_persona(OK, other_customer=N, other_tasker=N),
        post=signed_in(NOPE),
        kwargs=lambda world: {"pk": world.agreement.pk},
    ),
    # Whoever sees the agreement but may not act is sent to it, told why.
    "marketplace:agreement_deliver": Case(
        get=by_persona(MOVED, tasker=OK, other_customer=N, other_tasker=N),
        post=by_persona(MOVED, tasker=W(MOVED), other_customer=N, other_tasker=N),
        kwargs=lambda world: {"pk": world.agreement.pk},
    ),
    "marketplace:agreement_confirm": Case(
        get=by_persona(MOVED, customer=OK, other_customer=N, other_tasker=N),
        post=by_persona(MOVED, customer=W(MOVED), other_customer=N, other_tasker=N),
        kwargs=lambda world: {"pk": world.delivered.pk},
    ),
    "marketplace:agreement_cancel": Case(
        get=by_persona(OK, other_customer=N, other_tasker=N, staff=MOVED),
        post=by_persona(W(MOVED), other_customer=N, other_tasker=N, staff=OK),
        kwargs=lambda world: {"pk": world.agreement.pk},
        data=lambda world, user: {"reason": "The date no longer works for me."},
    ),
    "marketplace:review_create": Case(
        get=by_persona(N, customer=OK, tasker=OK),
        post=by_persona(N, customer=W(MOVED), tasker=W(MOVED)),
        kwargs=lambda world: {"pk": world.completed.pk},
        data=lambda world, user: {"rating": "4", "comment": "Did what was agreed."},
    ),
    # --- Reports: whatever one can see and did not write ---
    "marketplace:report_create[task]": Case(
        get=by_persona(OK, customer=N),
        post=by_persona(W(MOVED), customer=N),
        kwargs=report_kwargs("task", lambda world: world.task.pk),
        data=report_data,
    ),
    "marketplace:report_create[bid]": Case(
        get=by_persona(N, customer=OK),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=report_kwargs("bid", lambda world: world.bid.pk),
        data=report_data,
    ),
    "marketplace:report_create[review]": Case(
        get=by_persona(OK, tasker=N),
        post=by_persona(W(MOVED), tasker=N),
        kwargs=report_kwargs("review", lambda world: world.review.pk),
        data=report_data,
    ),
    "marketplace:report_create[message]": Case(
        get=by_persona(N, customer=OK),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=report_kwargs("message", lambda world: world.message.pk),
        data=report_data,
    ),
    "marketplace:report_create[question]": Case(
        get=by_persona(OK, other_tasker=N),
        post=by_persona(W(MOVED), other_tasker=N),
        kwargs=report_kwargs("question", lambda world: world.question.pk),
        data=report_data,
    ),
    "marketplace:report_create[user]": Case(
        get=by_persona(OK, tasker=N),
        post=by_persona(W(MOVED), tasker=N),
        kwargs=report_kwargs("user", lambda world: world["tasker"].pk),
        data=report_data,
    ),
    "marketplace:report_create[photo]": Case(
        get=by_persona(OK, customer=N),
        post=by_persona(W(MOVED), customer=N),
        kwargs=report_kwargs("photo", lambda world: world.photo.pk),
        data=report_data,
    ),
    "marketplace:report_create[not a kind]": Case(
        get=signed_in(N),
        post=signed_in(N),
        kwargs=report_kwargs("agreement", lambda world: world.agreement.pk),
        data=report_data,
    ),
    # --- Public questions ---
    "marketplace:question_create": Case(
        get=by_persona(OK, customer=MOVED),
        post=by_persona(W(MOVED), customer=OK),
        kwargs=lambda world: {"pk": world.task.pk},
        data=lambda world, user: {"text": "Is parking nearby?"},
    ),
    "marketplace:question_answer": Case(
        get=by_persona(N, customer=OK),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=lambda world: {"pk": world.question.pk},
        data=lambda world, user: {f"question-{world.question.pk}-answer": "Yes, on the street."},
    ),
    "marketplace:dashboard": Case(get=signed_in(OK), post=signed_in(NOPE)),
    # --- Messages and notifications ---
    "marketplace:inbox": Case(get=signed_in(OK), post=signed_in(NOPE)),
    "marketplace:conversation_detail": Case(
        get=by_persona(N, customer=OK, tasker=OK),
        post=by_persona(N, customer=W(MOVED), tasker=W(MOVED)),
        kwargs=lambda world: {"pk": world.conversation.pk},
        data=lambda world, user: {"body": "See you on Saturday."},
    ),
    # Carol cannot write to herself; Tom and Carol already share this task's conversation.
    # GET goes to the conversation one already has about the task, or asks.
    "marketplace:conversation_start": Case(
        get=by_persona(OK, customer=MOVED, tasker=MOVED),
        post=by_persona(W(MOVED), customer=MOVED, tasker=MOVED),
        kwargs=lambda world: {"pk": world.task.pk},
    ),
    "marketplace:notifications": Case(get=signed_in(OK), post=signed_in(NOPE)),
    "marketplace:notification_open": Case(
        get=by_persona(N, customer=MOVED),
        post=by_persona(N, customer=W(MOVED)),
        kwargs=lambda world: {"pk": world.notification.pk},
        no_confirmation="Marking a notification read loses nothing; GET goes to what it is "
        "about and leaves it unread.",
    ),
    # Only Carol has anything unread.
    "marketplace:notifications_mark_all_read": Case(
        get=signed_in(MOVED),
        post=by_persona(MOVED, customer=W(MOVED)),
        no_confirmation="Marking notifications read loses nothing; GET shows the "
        "notifications, with the button.",
    ),
    "marketplace:email_preferences": Case(
        get=signed_in(OK),
        post=signed_in(W(MOVED)),
        data=lambda world, user: {"emailed_kinds": ["bid_placed", "message"]},
    ),
    # --- Saved searches ---
    "marketplace:saved_search_list": Case(get=signed_in(OK), post=signed_in(NOPE)),
    "marketplace:saved_search_create": Case(
        get=signed_in(OK),
        post=signed_in(W(MOVED)),
        data=lambda world, user: {"name": "Fences", "q": "fence", "frequency": "daily"},
    ),
    "marketplace:saved_search_edit": Case(
        get=by_persona(N, tasker=OK),
        post=by_persona(N, tasker=W(MOVED)),
        kwargs=lambda world: {"pk": world.search.pk},
        data=lambda world, user: {"name": "Wardrobes in Leeds", "frequency": "never"},
    ),
    "marketplace:saved_search_delete": Case(
        get=by_persona(N, tasker=OK),
        post=by_persona(N, tasker=W(MOVED)),
        kwargs=lambda world: {"pk": world.search.pk},
    ),
    "marketplace:saved_search_unsubscribe": Case(
        get=everyone(OK),
        post=everyone(W(OK)),
        kwargs=lambda world: {"token": search_unsubscribe_token(world.search)},
        csrf_exempt=(
            "The signed token in the URL is the credential: mail clients POST it without a "
            "cookie (RFC 8058), and a forger cannot know a valid token."
        ),
    ),
    "marketplace:email_unsubscribe": Case(
        get=everyone(OK),
        post=everyone(W(OK)),
        kwargs=lambda world: {
            "token": unsubscribe_token(world["customer"], Notification.Kind.BID_PLACED)
        },
        csrf_exempt=(
            "The signed token in the URL is the credential: mail clients POST it without a "
            "cookie (RFC 8058), and a forger cannot know a valid token."
        ),
    ),
}


def url_name(key: str) -> str:
    return key.split("[")[0]


def url_of(key: str, world: World) -> str:
    return reverse(url_name(key), kwargs=ROUTES[key].kwargs(world))


# --- The database, before and after ---


# Written by design on requests that change nothing of the site's data: login records
# (django-axes) and sessions (compared on their own where it matters).
def changed(before: dict, after: dict) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


@contextmanager
def rolled_back():
    """Run requests inside a savepoint that is always undone; the next persona starts clean."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    if connection.vendor == "postgresql":
        # Sequences are not transactional: put them back so each run gets the same ids.
        from django.core.management.color import no_style

        models = apps.get_models(include_auto_created=True)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
