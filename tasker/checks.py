"""Deploy checks for what Django's own cannot see through the queued mailer."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks.mail import NON_PRODUCTION_EMAIL_BACKENDS

from .mail import OUTGOING


@register(Tags.mail, deploy=True)
def check_outgoing_mailer(app_configs, **kwargs):
    """Django checks MAILERS["default"], which only queues; the outgoing one really sends."""
    backend = settings.MAILERS.get(OUTGOING, {}).get("BACKEND", "")
    if backend not in NON_PRODUCTION_EMAIL_BACKENDS:
        return []
    return [
        Error(
            f"The outgoing mailer is a development-only email backend ({backend}).",
            hint="Set EMAIL_URL to your SMTP server, e.g. smtp+tls://user:password@host:587.",
            id="tasker.E001",
        )
    ]


@register(Tags.compatibility, deploy=True)
def check_task_queue(app_configs, **kwargs):
    """In production emails must leave from a worker, not from inside a request."""
    if settings.TASK_QUEUE == "database":
        return []
    return [
        Error(
            f"TASK_QUEUE is {settings.TASK_QUEUE!r}: emails would be sent inside requests.",
            hint="Use TASK_QUEUE=database and run `manage.py db_worker` beside the site.",
            id="tasker.E002",
        )
    ]
