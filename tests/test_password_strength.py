"""New passwords must be hard to guess, and the form says why one is not."""

import pytest
from django.urls import reverse

from accounts.models import User

from .factories import PASSWORD
from .helpers import STRONG_PASSWORD, page_form

pytestmark = pytest.mark.django_db

WEAK = "Summer2026"
SAYS = "Your password is too guessable"


def test_signing_up_with_summer2026_is_refused_and_says_why(client):
    url = reverse("accounts:signup")
    data = page_form(client.get(url)) | {
        "username": "newbie",
        "email": "newbie@example.com",
        "role": "customer",
        "password1": WEAK,
        "password2": WEAK,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert SAYS in page
    assert "similar to a commonly used password" in page
    assert not User.objects.filter(username="newbie").exists()


def test_changing_to_summer2026_is_refused(customer_client, customer):
    url = reverse("accounts:password_change")
    data = page_form(customer_client.get(url)) | {
        "old_password": PASSWORD,
        "new_password1": WEAK,
        "new_password2": WEAK,
    }
    response = customer_client.post(url, data)
    assert response.status_code == 200
    assert SAYS in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)


@pytest.mark.parametrize("password", [STRONG_PASSWORD, "x7#Lq" * 20])
def test_a_strong_password_of_any_length_is_taken(customer_client, customer, password):
    url = reverse("accounts:password_change")
    data = page_form(customer_client.get(url)) | {
        "old_password": PASSWORD,
        "new_password1": password,
        "new_password2": password,
    }
    assert customer_client.post(url, data).status_code == 302
    customer.refresh_from_db()
    assert customer.check_password(password)
