"""Changing and confirming an account's email address, and telling the owner of changes."""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from tasker.errors import DomainError
from tasker.links import absolute_url

from .emails import account_email
from .models import User
from .tokens import email_token, read_email_token

INVALID_LINK = (
    "This link no longer works: it was already used, it has expired, or it is incomplete. "
    "Ask for a new one from your profile."
)


def _confirm_link(*, user: User, new_email: str) -> str:
    token = email_token(user=user, new_email=new_email)
    return absolute_url(reverse("accounts:email_confirm", args=[token]))


def _context(user: User, **extra) -> dict:
    return {
        "name": user.name,
        "username": user.username,
        "hours": settings.EMAIL_CONFIRM_MAX_AGE // 3600,
        "reset_url": absolute_url(reverse("accounts:password_reset")),
        "support_email": settings.SUPPORT_EMAIL,
        **extra,
    }


def email_change_request(*, user: User, new_email: str) -> None:
    """Send a confirmation link to `new_email`, and tell the current address.

    Nothing changes until the link is opened and confirmed (`email_confirm`).
    """
    link = _confirm_link(user=user, new_email=new_email)
    account_email("email_confirm", to=new_email, **_context(user, link=link, email=new_email))
    account_email("email_change_requested", to=user.email, **_context(user, new_email=new_email))


def email_verify_send(*, user: User) -> None:
    """Send the link that confirms the account's current address."""
    link = _confirm_link(user=user, new_email=user.email)
    account_email("email_verify", to=user.email, **_context(user, link=link, email=user.email))


def email_confirm_read(token: str) -> tuple[User, str]:
    """Return the account a link is for and the address it confirms, or raise DomainError."""
    try:
        data = read_email_token(token)
    except signing.BadSignature as error:
        raise DomainError(INVALID_LINK) from error
    user = User.objects.filter(pk=data["u"], is_active=True, email=data["old"]).first()
    if user is None:
        raise DomainError(INVALID_LINK)
    if user.email == data["new"] and user.email_verified:
        raise DomainError("This address is already confirmed.")
    return user, data["new"]


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Make the address a link names the account's confirmed address."""
    user, new_email = email_confirm_read(token)
    old_email = user.email
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise DomainError(f"Another account now uses {new_email}, so it cannot be yours.")
    try:
        with transaction.atomic():
            # Conditional on the address the link was sent from: of two confirmations at
            # once, or an old link after a newer change, only one applies.
            changed = User.objects.filter(pk=user.pk, email=old_email).update(
                email=new_email, email_verified=True
            )
    except IntegrityError as error:
        raise DomainError(
            f"Another account now uses {new_email}, so it cannot be yours."
        ) from error
    if changed != 1:
        raise DomainError(INVALID_LINK)
    user.email, user.email_verified = new_email, True
    if old_email.lower() != new_email.lower():
        account_email("email_changed", to=old_email, **_context(user, new_email=new_email))
    return user


def password_changed_notify(*, user: User) -> None:
    """Tell the address on file that the password was changed."""
    account_email("password_changed", to=user.email, **_context(user))
