"""Small helpers the lifecycle tests share."""

import datetime
import os
from html.parser import HTMLParser

from django.apps import apps
from django.contrib.messages import get_messages
from django.utils import timezone

from marketplace.models import (
    Agreement,
    Task,
)

from .factories import AgreementFactory, TaskFactory


def snapshot() -> dict:
    """Every row of every marketplace table, to show that a refused action changed nothing.

    (tests/routes.py has one over every table, users included, for the route suites.)
    """
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("marketplace").get_models()
    }


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


def running_in_ci() -> bool:
    """Under CI a missing browser or Redis fails the run instead of skipping tests."""
    return os.environ.get("CI", "").lower() in {"true", "1", "yes"}


class FormFields(HTMLParser):
    """The forms of a page: each one's action and what it sends as shown (inputs, checked
    boxes, selected options, textarea text)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        fields = self.forms[-1]["fields"] if self.forms else {}
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": {}})
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and "selected" in attrs:
            fields[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = attrs.get("name")
            fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.forms[-1]["fields"][self.textarea] += data.lstrip("\n")


def page_form(response, action=None) -> dict:
    """What the page's main form (the one posting to `action`, or to itself) sends as shown."""
    parser = FormFields()
    parser.feed(response.content.decode())
    form = next(f for f in parser.forms if f["action"] == action)
    return form["fields"]


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
