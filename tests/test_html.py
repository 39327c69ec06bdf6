"""What the pages send is what a browser takes: field values it can parse, radios with no
blank choice, machine-readable times HTML allows, a favicon.

(The browser tests check the same on every page they visit, in Chromium and with the Nu HTML
checker; these pin each rule where it is made.)
"""

import datetime
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

import accounts.forms
import marketplace.forms
from marketplace import services
from marketplace.models import Report, Task

from .factories import TaskFactory, category

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# HTML: a time's fraction of a second has at most three digits.
VALID_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)$")


def inputs(html: str, name: str) -> list[str]:
    return re.findall(rf'<input [^>]*name="{name}"[^>]*>', html)


# --- Field values ---


@pytest.mark.django_db
def test_the_due_date_is_rendered_as_a_date_input_takes_it(customer_client, customer):
    task = TaskFactory(customer=customer, due_date=datetime.date(2026, 12, 20))
    html = customer_client.get(reverse("marketplace:task_edit", args=[task.pk])).content.decode()
    [due] = inputs(html, "due_date")
    assert 'type="date"' in due
    assert 'value="2026-12-20"' in due


@pytest.mark.django_db
def test_a_repost_keeps_a_due_date_still_ahead_and_drops_one_gone_by(customer_client, customer):
    ahead = timezone.localdate() + datetime.timedelta(days=20)
    cancelled = TaskFactory(customer=customer, status=Task.Status.CANCELLED, due_date=ahead)
    expired = TaskFactory(
        customer=customer,
        status=Task.Status.EXPIRED,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    page = customer_client.get(reverse("marketplace:task_repost", args=[cancelled.pk]))
    assert f'value="{ahead.isoformat()}"' in inputs(page.content.decode(), "due_date")[0]
    page = customer_client.get(reverse("marketplace:task_repost", args=[expired.pk]))
    assert "value=" not in inputs(page.content.decode(), "due_date")[0]


def test_dates_still_read_the_british_way():
    field = forms.DateField()
    assert field.clean("20/12/2026") == field.clean("2026-12-20") == datetime.date(2026, 12, 20)
    assert forms.DateInput().format_value(datetime.date(2026, 12, 20)) == "2026-12-20"


# --- Radio buttons ---


def form_classes() -> list[type[forms.BaseForm]]:
    return [
        cls
        for module in (marketplace.forms, accounts.forms)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
    ]


def test_no_required_radio_field_offers_a_blank_choice():
    radios = [
        (cls.__name__, name, field)
        for cls in form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field.widget, forms.RadioSelect)
    ]
    assert {"ReportForm", "ReviewForm", "SignupForm"} <= {name for name, _, _ in radios}
    offending = [
        f"{form}.{name}"
        for form, name, field in radios
        if field.required
        for _, options, _ in field.widget.optgroups(name, [""])
        for option in options
        if option["value"] in ("", None)
    ]
    assert not offending


@pytest.mark.django_db
def test_the_report_form_checks_no_reason_until_one_is_chosen(tasker_client):
    task = TaskFactory()
    url = reverse("marketplace:report_create", args=["task", task.pk])
    html = tasker_client.get(url).content.decode()
    reasons = inputs(html, "reason")
    assert len(reasons) == len(Report.Reason.choices)
    assert not [radio for radio in reasons if 'value=""' in radio or " checked" in radio]
    # Sent as shown, it says what is missing; with a reason chosen it goes through.
    response = tasker_client.post(url, {"details": ""})
    assert "Choose why you are reporting this." in response.content.decode()
    assert not Report.objects.exists()
    tasker_client.post(url, {"reason": Report.Reason.SPAM, "details": ""})
    assert Report.objects.get().reason == Report.Reason.SPAM


# --- Times ---


def test_every_time_element_takes_its_datetime_from_the_one_filter():
    elements = [
        (path.relative_to(TEMPLATES), match)
        for path in TEMPLATES.rglob("*.html")
        for match in re.findall(r"<time\b[^>]*>", path.read_text())
    ]
    assert elements
    assert not [
        (path, element)
        for path, element in elements
        if not re.search(r'datetime="\{\{ [\w.]+\|machine_datetime \}\}"', element)
    ]


@pytest.mark.django_db
def test_times_on_the_task_page_are_valid_html(customer_client, customer):
    task = services.task_post(
        task=TaskFactory.build(customer=customer, category=category()), by=customer
    )
    html = customer_client.get(task.get_absolute_url()).content.decode()
    stamps = re.findall(r'<time datetime="([^"]*)"', html)
    assert stamps
    assert [stamp for stamp in stamps if not VALID_DATETIME.match(stamp)] == []


# --- Favicon ---


@pytest.mark.django_db
def test_every_page_links_a_favicon_that_exists(client):
    """With an icon linked, browsers do not ask for /favicon.ico (a 404 in the console)."""
    pages = [
        client.get(reverse("home")).content.decode(),
        (TEMPLATES / "500.html").read_text(),  # rendered with nothing around it
    ]
    for html in pages:
        icons = re.findall(r'<link rel="icon" href="/static/([^"]+)"', html)
        assert {Path(icon).suffix for icon in icons} == {".svg", ".ico"}
        assert all(finders.find(icon) for icon in icons)
