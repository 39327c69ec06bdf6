"""Your data: everything the site holds about an account, and deleting the account.

Other apps take part through `accounts.registry`; this module only knows the account itself
and its sign-in records.
"""

import secrets
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, CharField, F, Value, When
from django.utils import timezone

from .models import DELETED_NAME, User
from .photos import delete_files
from .registry import AccountDeletionRefused, registered

EXPORT_FORMAT = "tasker-account-data"
EXPORT_VERSION = 1
ACCOUNT_FIELDS = (
    "username",
    "email",
    "display_name",
    "first_name",
    "last_name",
    "role",
    "city",
    "bio",
    "skills",
    "hourly_rate",
    "email_muted_kinds",
    "date_joined",
    "last_login",
    "photo",  # the profile picture's stored name
)
# The reserved top-level domain (RFC 2606): no mail can ever be delivered there.
DELETED_EMAIL_DOMAIN = "deleted.invalid"


def name_of(path: str) -> Case:
    """The name `User.name` shows, computed in SQL for the user at `path` ("author", …)."""
    return Case(
        When(**{f"{path}__deleted_at__isnull": False}, then=Value(DELETED_NAME)),
        When(**{f"{path}__display_name": ""}, then=F(f"{path}__username")),
        default=F(f"{path}__display_name"),
        output_field=CharField(),
    )


def _sign_in_keys(user: User) -> list[str]:
    """What django-axes files sign-ins under for `user`: the login as typed, case-folded
    (accounts.backends.login_key), so the username or the email."""
    return [user.username.lower(), user.email.lower()]


def account_export(user: User) -> dict[str, Any]:
    """Return everything the site holds about `user`, ready for JSON.

    One query for the account, one for its sign-ins, and a fixed number per registered part:
    the count does not grow with the number of rows.
    """
    account = User.objects.filter(pk=user.pk).values(*ACCOUNT_FIELDS).get()
    sign_ins = list(
        AccessLog.objects.filter(username__in=_sign_in_keys(user))
        .order_by("attempt_time", "id")
        .values("attempt_time", "logout_time", "ip_address", "user_agent")
    )
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "account": account,
        "sign_ins": sign_ins,
    }
    for part in registered():
        data |= part.export(user)
    return data


def account_deletion_refusal(user: User) -> str | None:
    """Return why `user`'s account cannot be deleted now, or None if it can."""
    if user.is_staff or user.is_superuser:
        return (
            "Staff accounts cannot be deleted here. Ask an administrator to remove your "
            "staff rights first."
        )
    for part in registered():
        reason = part.deletion_refusal(user)
        if reason:
            return reason
    return None


@transaction.atomic
def account_delete(*, user: User) -> User:
    """Delete `user`'s account: anonymise it and let go of everything only they relied on.

    The row stays, so that agreements, reviews and messages other people keep still have
    an author, shown as "Deleted user". Its name, email, profile and password go; it can no
    longer sign in, and every session it had ends (the password hash, which each session
    checks, changes). Each registered part then winds up what was under way (open tasks
    cancelled, pending bids withdrawn, with their usual notices) while the account is still
    active, so those notices already name "Deleted user". Raises AccountDeletionRefused,
    changing nothing, when something in progress stands in the way.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    reason = account_deletion_refusal(user)
    if reason:
        raise AccountDeletionRefused(reason)
    sign_in_keys, former_name = _sign_in_keys(user), user.name
    placeholder = f"deleted-{secrets.token_hex(8)}"
    user.username = placeholder
    user.email = f"{placeholder}@{DELETED_EMAIL_DOMAIN}"
    user.display_name = user.first_name = user.last_name = ""
    user.city = user.bio = user.skills = ""
    user.hourly_rate = None
    user.email_muted_kinds = []
    user.deleted_at = timezone.now()
    picture = [user.photo.name, user.photo_thumb]
    user.photo, user.photo_thumb = "", ""
    user.save()
    transaction.on_commit(lambda: delete_files(picture))
    for part in registered():
        part.on_delete(user, former_name)
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()
    user.save(update_fields=["is_active", "last_login", "password"])
    _forget_sign_ins(sign_in_keys)
    # The admin's history names the account as it was called when staff acted on it.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=DELETED_NAME)
    return user


def _forget_sign_ins(keys: list[str]) -> None:
    """Remove the sign-in records (addresses, browsers) filed under the old login."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=keys).delete()
