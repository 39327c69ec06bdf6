"""One-line fields refuse line breaks and other control characters, with a clear message."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from marketplace.models import Agreement, Category, Message, Review, Task
from tasker.validators import single_line

from .factories import TaskFactory
from .helpers import page_form, signup_fields

pytestmark = pytest.mark.django_db

MESSAGE = (
    "Use a single line of plain text: line breaks, tabs and other control characters "
    "are not allowed."
)
BAD = [
    "Alex\nBcc: victim@example.com",
    "Alex\r\nBcc: victim@example.com",
    "Alex\rMorgan",
    "Alex\tMorgan",
    "Alex\x00Morgan",
    "Alex\x1bMorgan",
    "Alex\u2028Morgan",
    "Alex\u202eMorgan",
]

# Every one-line text field a person can fill in: (model, field).
ONE_LINE_FIELDS = [
    (User, "first_name"),
    (User, "last_name"),
    (User, "display_name"),
    (User, "city"),
    (User, "skills"),
    (Task, "title"),
    (Task, "city"),
    (Task, "postcode"),
    (Task, "hidden_reason"),
    (Agreement, "title"),
    (Category, "name"),
    (Category, "description"),
    (Message, "hidden_reason"),
    (Review, "hidden_reason"),
]


@pytest.mark.parametrize("value", BAD)
def test_the_validator_refuses_control_characters(value):
    with pytest.raises(ValidationError) as caught:
        single_line(value)
    assert caught.value.messages == [MESSAGE]


@pytest.mark.parametrize("value", ["Zoë O'Brien-Smith", "李小龍", "Ana 👩‍🔧", "St. Helens, 5 km"])
def test_the_validator_accepts_names_from_anywhere(value):
    single_line(value)


@pytest.mark.parametrize(("model", "field"), ONE_LINE_FIELDS)
def test_every_one_line_field_uses_the_validator(model, field):
    assert single_line in model._meta.get_field(field).validators


def test_no_one_line_text_field_is_left_out():
    """A new short text field that people write must be single-line, or listed as exempt."""
    exempt = {
        # Chosen from a list or written by the code, never typed.
        "status",
        "kind",
        "role",
        "reason",
        "from_status",
        "to_status",
        "url",
        "text",
        "note",
        # Django's own, with their own rules.
        "username",
        "password",
        "email",
        "slug",
    }
    from django.apps import apps
    from django.db import models

    from marketplace.models import Place

    loaded = {Place}  # the gazetteer's rows come from GeoNames' file, never from a form
    missing = [
        f"{model.__name__}.{field.name}"
        for app in ("accounts", "marketplace")
        for model in apps.get_app_config(app).get_models()
        if model not in loaded
        for field in model._meta.get_fields()
        if type(field) is models.CharField
        and field.name not in exempt
        and single_line not in field.validators
    ]
    assert missing == []


@pytest.mark.parametrize("field", ["display_name", "city", "skills"])
def test_the_profile_form_says_why_and_saves_nothing(customer_client, customer, field):
    url = reverse("accounts:profile_edit")
    data = page_form(customer_client.get(url)) | {field: BAD[0]}
    response = customer_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [MESSAGE]
    assert MESSAGE in response.content.decode()
    before = getattr(customer, field)
    customer.refresh_from_db()
    assert getattr(customer, field) == before


@pytest.mark.parametrize("field", ["username", "display_name", "city"])
def test_the_signup_form_refuses_a_line_break(client, field):
    url = reverse("accounts:signup")
    data = page_form(client.get(url)) | signup_fields() | {field: "Alex\nBcc: victim@example.com"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not User.objects.filter(email="newbie@example.com").exists()


# A title's spaces and line breaks are folded into single spaces; other controls are refused.
@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "Paint the\x1b[2Jfence"), ("city", "Leeds\nBcc: x"), ("postcode", "LS1\n1AA")],
)
def test_the_task_form_refuses_control_characters(customer_client, field, value):
    task = TaskFactory()
    url = reverse("marketplace:task_create")
    data = page_form(customer_client.get(url)) | {
        "title": "Paint the garden fence",
        "description": "About twenty metres of fence; paint and brushes are in the shed.",
        "category": task.category_id,
        "budget": "120.00",
        "city": "Leeds",
        "postcode": "LS1 1AA",
        field: value,
    }
    data["due_date"] = task.due_date.isoformat() if task.due_date else ""
    before = Task.objects.count()
    response = customer_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [MESSAGE]
    assert Task.objects.count() == before
