"""Account actions staff take: suspending an account and lifting the suspension.

A suspended account's open tasks disappear from public pages because the marketplace's
queries check `is_active` (TaskQuerySet.public); nothing here needs to know that.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tasker.errors import DomainError
from tasker.links import absolute_url
from tasker.listing import listing_changed

from .emails import account_email
from .models import User


def _require_rank_over(user: User, by: User) -> None:
    """Moderators act on members; only a superuser acts on staff (moderators included)."""
    if (user.is_staff or user.is_superuser) and not by.is_superuser:
        raise DomainError("Only a superuser can do that to a staff member.")


@transaction.atomic
def user_suspend(*, user: User, by: User, reason: str) -> None:
    """Suspend an account for `reason`: it is signed out on its next request and cannot
    sign in; its owner is emailed the reason and how to appeal.

    Its open tasks disappear from public pages (TaskQuerySet.public checks is_active).
    """
    _require_rank_over(user, by)
    if user.pk == by.pk:
        raise DomainError("You cannot suspend yourself.")
    if not reason.strip():
        raise DomainError("Give the reason for the suspension: the user is told it.")
    fields = {
        "is_active": False,
        "suspension_reason": reason,
        "suspended_at": timezone.now(),
        "suspended_by": by,
    }
    User.objects.filter(pk=user.pk).update(**fields)
    listing_changed()  # their tasks leave, or come back to, the public lists
    for name, value in fields.items():
        setattr(user, name, value)
    account_email(
        "account_suspended",
        to=user.email,
        name=user.name,
        username=user.username,
        reason=reason,
        support_email=settings.SUPPORT_EMAIL,
    )


@transaction.atomic
def user_reinstate(*, user: User, by: User) -> None:
    """Lift a suspension, and tell the user. A deleted account stays closed."""
    _require_rank_over(user, by)
    if user.is_deleted:
        raise DomainError("A deleted account cannot be reinstated.")
    was_suspended = not user.is_active
    fields = {
        "is_active": True,
        "suspension_reason": "",
        "suspended_at": None,
        "suspended_by": None,
    }
    User.objects.filter(pk=user.pk).update(**fields)
    listing_changed()  # their tasks leave, or come back to, the public lists
    for name, value in fields.items():
        setattr(user, name, value)
    if was_suspended:
        account_email(
            "account_reinstated",
            to=user.email,
            name=user.name,
            username=user.username,
            login_url=absolute_url(reverse("accounts:login")),
        )
