"""Tell users what concerns them: one Notification row each, emailed where they allow."""

from collections.abc import Iterable
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction

from tasker.listing import people_changed

from .emails import wants_email
from .models import Notification
from .tasks import send_notification_email


def notify(*, recipients: Iterable, kind: str, text: str, url: str) -> list[Notification]:
    """Write one notification per distinct recipient (never to nobody, never twice).

    Each one is emailed once the surrounding transaction commits, so a rolled-back
    action sends nothing, and a slow or failing mail server cannot hold or undo it.
    """
    seen = {}
    for user in recipients:
        if user is not None:
            seen.setdefault(user.pk, user)
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, text=text[:300], url=url) for user in seen.values()
    )
    people_changed(seen)  # their badges; a bulk insert sends no post_save
    for notification in notifications:
        if wants_email(notification.recipient, kind):
            transaction.on_commit(
                partial(send_notification_email.enqueue, notification_id=notification.pk),
                robust=True,
            )
    return notifications


def notifications_mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one of `user`'s notifications read, or all of them; return how many changed."""
    unread = Notification.objects.filter(recipient=user, is_read=False)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    changed = unread.update(is_read=True)
    if changed:
        people_changed([user.pk])  # a bulk update sends no post_save
    return changed


def email_preferences_set(*, user, emailed_kinds: Iterable[str]) -> None:
    """Email `user` about exactly `emailed_kinds`; mute every other kind."""
    wanted = set(emailed_kinds)
    user.email_muted_kinds = [kind for kind in Notification.Kind.values if kind not in wanted]
    user.save(update_fields=["email_muted_kinds"])


@transaction.atomic
def email_unsubscribe(*, user, kind: str) -> bool:
    """Stop emails of `kind` to `user`; return False if they were already stopped."""
    # Re-read under a lock so two unsubscribes at once cannot undo each other.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    muted = list(user.email_muted_kinds or [])
    if kind in muted:
        return False
    user.email_muted_kinds = [*muted, kind]
    user.save(update_fields=["email_muted_kinds"])
    return True
