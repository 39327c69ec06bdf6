"""Emails about the account itself: confirming an address, telling of security changes.

They go to whoever must hear them whatever their notification preferences, and are sent
through the task queue once the change is committed, like notification emails.
"""

import logging
from functools import partial

from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Each kind has emails/account/<kind>_subject.txt and <kind>.txt.
KINDS = (
    "email_confirm",
    "email_verify",
    "email_change_requested",
    "email_changed",
    "password_changed",
    "account_suspended",
    "account_reinstated",
)


@task()
def send_account_email(kind: str, to: str, context: dict) -> bool:
    """Send one account email; a failing mail server is logged, never raised."""
    try:
        subject = render_to_string(f"emails/account/{kind}_subject.txt", context)
        body = render_to_string(f"emails/account/{kind}.txt", context)
        EmailMessage(subject=" ".join(subject.split()), body=body, to=[to]).send()
    except Exception:
        logger.exception("Could not send the %s account email", kind)
        return False
    return True


def account_email(kind: str, *, to: str, **context) -> None:
    """Send an account email once the surrounding transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"No account email of kind {kind!r}.")
    transaction.on_commit(
        partial(send_account_email.enqueue, kind=kind, to=to, context=context), robust=True
    )
