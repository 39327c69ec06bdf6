"""Staff manage users in the admin."""

import pytest
from django.urls import reverse

from accounts.models import User

from .factories import UserFactory
from .helpers import STRONG_PASSWORD

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_user_changelist")


def listed_usernames(response) -> list[str]:
    return [u.username for u in response.context["cl"].result_list]


def test_staff_see_the_user_list(staff_client, customer, tasker):
    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    assert {"carol", "tom", "sam"} <= set(listed_usernames(response))


def test_staff_find_a_user_by_part_of_their_email_in_any_case(staff_client, customer):
    UserFactory(username="zed", email="zed@elsewhere.org")

    response = staff_client.get(CHANGELIST, {"q": "ELSEWHERE.org"})

    assert response.status_code == 200
    assert listed_usernames(response) == ["zed"]


def test_staff_filter_users_by_role(staff_client, customer, tasker):
    response = staff_client.get(CHANGELIST, {"role__exact": User.Role.TASKER})

    assert listed_usernames(response) == ["tom"]


def test_staff_can_open_a_users_change_page(staff_client, tasker):
    response = staff_client.get(reverse("admin:accounts_user_change", args=[tasker.pk]))

    assert response.status_code == 200
    assert "Marketplace profile" in response.content.decode()


def test_a_user_who_is_not_staff_is_sent_to_the_admin_log_in(customer_client):
    response = customer_client.get(CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_can_add_a_user_with_a_role(staff_client):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newhire",
            "email": "newhire@example.com",
            "role": User.Role.TASKER,
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="newhire")
    assert user.role == User.Role.TASKER
    assert user.check_password(STRONG_PASSWORD)


def test_the_admin_refuses_an_email_another_user_has_in_another_case(staff_client, customer):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "copycat",
            "email": "CAROL@example.com",
            "role": User.Role.CUSTOMER,
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("__all__", code="duplicate_email")
    assert "An account with this email already exists." in response.content.decode()
    assert not User.objects.filter(username="copycat").exists()


def test_not_even_a_superuser_deletes_a_user_row_in_the_admin(staff_client, staff, customer):
    """Deleting the row would take the other side's agreements, reviews and messages with it;
    an account is closed by the owner's "Delete my account", which keeps them."""
    assert staff.is_superuser
    actions = staff_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "delete_selected" not in [name for name, _ in actions]
    delete_url = reverse("admin:accounts_user_delete", args=[customer.pk])
    assert staff_client.get(delete_url).status_code == 403
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=customer.pk).exists()
