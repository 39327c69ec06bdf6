"""Small helpers the lifecycle tests share."""

import datetime
import os
import threading
from dataclasses import dataclass, field
from hashlib import sha256
from html.parser import HTMLParser

from django.apps import apps
from django.contrib.messages import get_messages
from django.db import connection
from django.utils import timezone

from marketplace.models import (
    Agreement,
    Task,
)

from .factories import AgreementFactory, TaskFactory, category

NOT_COMPARED = {"axes", "sessions"}


def snapshot(*, sessions: bool = False) -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row, per table (plain SQL: this runs many times):
    compared before and after, it shows that a refused action changed nothing."""
    result = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.app_label
            if label in NOT_COMPARED and not (sessions and label == "sessions"):
                continue
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk)}")  # noqa: S608
            rows = cursor.fetchall()
            result[model._meta.label] = (len(rows), sha256(repr(rows).encode()).hexdigest())
    return result


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def make_agreement(*, customer, tasker, status=Agreement.Status.ACTIVE, **fields) -> Agreement:
    """An agreement in `status`, with its task and bid in the matching states."""
    task_status = {
        Agreement.Status.ACTIVE: Task.Status.ASSIGNED,
        Agreement.Status.DELIVERED: Task.Status.ASSIGNED,
        Agreement.Status.COMPLETED: Task.Status.COMPLETED,
        Agreement.Status.CANCELLED: Task.Status.CANCELLED,
    }[status]
    now = timezone.now()
    stamps = {
        Agreement.Status.DELIVERED: {"delivered_at": now},
        Agreement.Status.COMPLETED: {"delivered_at": now, "completed_at": now},
        Agreement.Status.CANCELLED: {
            "cancelled_at": now,
            "cancelled_by": customer,
            "cancellation_reason": "Plans changed.",
        },
    }.get(status, {})
    task = TaskFactory(customer=customer, status=task_status)
    return AgreementFactory(task=task, bid__tasker=tasker, status=status, **(stamps | fields))


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def admin_form_data(response) -> dict:
    """What an admin change page posts back when nothing is touched: the values of its
    form's editable fields and the management forms of its inlines."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {
            f"{formset.prefix}-{key}": value
            for key, value in formset.management_form.initial.items()
        }
    return {name: value for name, value in data.items() if value is not None}


STRONG_PASSWORD = "plum-tractor-velvet-42"


def signup_fields(username: str = "newbie", role: str = "customer") -> dict:
    """What a person types into the sign-up form, with a password the validators accept."""
    return {
        "username": username,
        "email": f"{username}@example.com",
        "role": role,
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }


def running_in_ci() -> bool:
    """Under CI a missing browser or Redis fails the run instead of skipping tests."""
    return os.environ.get("CI", "").lower() in {"true", "1", "yes"}


@dataclass
class PageForm:
    """A form as a browser sees it: where it goes, and what submitting it unchanged sends."""

    method: str
    action: str
    data: dict = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._button: list[str] | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = PageForm(
                method=(attrs.get("method") or "get").lower(), action=attrs.get("action") or ""
            )
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form.data[self._textarea] = ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self._form.data[self._select] = attrs.get("value", "")
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            self._button = []

    def _input(self, attrs: dict) -> None:
        kind = (attrs.get("type") or "text").lower()
        if kind == "submit":
            self._form.buttons.append(attrs.get("value") or "")
        elif kind in ("checkbox", "radio"):
            if "checked" in attrs and attrs.get("name"):
                self._form.data[attrs["name"]] = attrs.get("value", "on")
        elif attrs.get("name"):
            self._form.data[attrs["name"]] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea is not None:
            # As in a browser, a newline right after <textarea> is not part of its value.
            value = self._form.data[self._textarea]
            self._form.data[self._textarea] = value + (data if value else data.lstrip("\n"))
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "button" and self._button is not None and self._form is not None:
            self._form.buttons.append(" ".join("".join(self._button).split()))
            self._button = None


def page_forms(response) -> list[PageForm]:
    """The forms on a rendered page: what each sends as shown (inputs, checked boxes,
    selected options, textarea text)."""
    parser = _FormParser()
    parser.feed(response.content.decode())
    return parser.forms


def post_forms(response, path: str) -> list[PageForm]:
    """The page's POST forms that submit to `path` (an empty action is the page itself)."""
    page = response.wsgi_request.path
    return [
        form
        for form in page_forms(response)
        if form.method == "post" and (form.action or page) == path
    ]


def page_form(response, action: str | None = None) -> dict:
    """What the page's form posting to `action` (no action: the page itself) sends as shown."""
    return next(form for form in page_forms(response) if (form.action or None) == action).data


def force_login(client, user):
    """Sign `user` in to a test client; staff also pass the second factor, as after
    entering a code from their app (the admin opens only then)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if user.is_staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def race(n: int, action) -> list:
    """Run `action(i)` for i in range(n) in n threads released together; return outcomes."""
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[i] = action(i)
        except BaseException as error:  # the caller checks every outcome
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return outcomes


def task_data(**overrides) -> dict:
    """What the task form posts for a valid task, with any field changed."""
    due = timezone.localdate() + datetime.timedelta(days=7)
    return {
        "title": "Paint the garden fence",
        "description": "About twenty metres of fence; paint and brushes are in the shed.",
        "category": category().pk,
        "budget": "120.00",
        "city": "Leeds",
        "postcode": "LS1 1AA",
        "due_date": due.isoformat(),
    } | overrides
