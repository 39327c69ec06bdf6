"""The people of the test world, made in one place.

The route table (tests/routes.py) and the browser scenes (tests/e2e/scene.py) meet the same
cast: Carol the customer, Tom the tasker, a second tasker and Sam from staff. Each adds what
its pages need to show (a bio, skills, a long name) through `cast(...)`.
"""

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User

from .factories import CustomerFactory, TaskerFactory, UserFactory


def cast(
    *, customer: dict | None = None, tasker: dict | None = None, other_tasker: dict | None = None
) -> dict[str, User]:
    """Carol, Tom, another tasker and Sam (staff, superuser), with any extra fields given."""
    return {
        "customer": CustomerFactory(
            **{"username": "carol", "display_name": "Carol Customer"} | (customer or {})
        ),
        "tasker": TaskerFactory(
            **{"username": "tom", "display_name": "Tom Tasker"} | (tasker or {})
        ),
        "other_tasker": TaskerFactory(
            **{"username": "tina", "display_name": "Tina Tasker"} | (other_tasker or {})
        ),
        "staff": UserFactory(
            username="sam", display_name="Sam Staff", is_staff=True, is_superuser=True
        ),
    }


def password_reset_kwargs(user: User, token: str | None = None) -> dict:
    """The URL arguments of `user`'s emailed set-a-new-password link (a fresh token unless
    one is given)."""
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": token or default_token_generator.make_token(user),
    }
