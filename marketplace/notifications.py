"""Tell users what concerns them: one Notification row each, emailed where they allow."""

from collections.abc import Iterable

from .models import Notification


def notify(*, recipients: Iterable, kind: str, text: str, url: str) -> list[Notification]:
    """Write one notification per distinct recipient (never to nobody, never twice)."""
    seen = {}
    for user in recipients:
        if user is not None:
            seen.setdefault(user.pk, user)
    return Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, text=text[:300], url=url) for user in seen.values()
    )
