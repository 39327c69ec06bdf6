"""Background work, run through django.tasks (in-process by default, a worker in production)."""

import logging

from django.tasks import task

from .alerts import alert_task
from .emails import notification_email, wants_email
from .models import Notification

logger = logging.getLogger(__name__)


@task()
def send_notification_email(notification_id: int) -> bool:
    """Email one notification to its recipient, unless they opted out; return if sent.

    A failing mail server is logged, never raised: the action that caused the
    notification has already been committed and must not look failed.
    """
    try:
        notification = (
            Notification.objects.select_related("recipient").filter(pk=notification_id).first()
        )
        # Preferences are read again here: they may have changed since the action.
        if notification is None or not wants_email(notification.recipient, notification.kind):
            return False
        notification_email(notification).send(using="default")
    except Exception:
        logger.exception("Could not email notification %s", notification_id)
        return False
    return True


@task()
def make_photo_thumbnails(photo_id: int) -> bool:
    """Make a task photo's thumbnails (services.photos.photo_make_thumbnails)."""
    from .services.photos import photo_make_thumbnails

    return photo_make_thumbnails(photo_id)


@task()
def send_task_alerts(task_id: int) -> int:
    """Email the owners of instant saved searches that a posted or edited task matches;
    return how many emails were sent (each search and task at most once, ever)."""
    return alert_task(task_id)
