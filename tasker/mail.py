"""Every email leaves through the task queue, so no page ever waits for a mail server.

MAILERS["default"] is `QueuedEmailBackend`: whatever sends mail the standard ways
(EmailMessage.send(), send_mail(), PasswordResetForm, our notifications) only queues a
`send_email` task. The task worker (`manage.py db_worker` in production; in development and
tests the immediate backend runs it at once) hands the message to the real mailer,
MAILERS["outgoing"] (SMTP in production, from EMAIL_URL). A send that fails is tried again
later, after each of settings.EMAIL_RETRY_DELAYS in turn; every failed attempt stays in the
admin (Tasks Database Backend → Task Results, status Failed, with its traceback).
"""

import base64
import email
import email.policy
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

OUTGOING = "outgoing"  # the MAILERS alias that really delivers


# --- A message as JSON (task arguments must be JSON) ---


def _content_to_json(content: str | bytes) -> dict:
    if isinstance(content, bytes):
        return {"base64": base64.b64encode(content).decode("ascii")}
    return {"text": content}


def _content_from_json(data: dict) -> str | bytes:
    return base64.b64decode(data["base64"]) if "base64" in data else data["text"]


def _attachment_to_json(attachment) -> dict:
    if isinstance(attachment, email.message.Message):  # a ready-made MIME part
        return {"mime": attachment.as_string()}
    filename, content, mimetype = attachment
    return {"filename": filename, "mimetype": mimetype, **_content_to_json(content)}


def _attachment_from_json(data: dict):
    if "mime" in data:
        return email.message_from_string(data["mime"], policy=email.policy.default)
    return (data["filename"], _content_from_json(data), data["mimetype"])


def message_to_json(message: EmailMessage) -> dict:
    """Everything needed to build the same message again in the worker."""
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": [str(a) for a in message.to],
        "cc": [str(a) for a in message.cc],
        "bcc": [str(a) for a in message.bcc],
        "reply_to": [str(a) for a in message.reply_to],
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "alternatives": [
            {"mimetype": mimetype, **_content_to_json(content)}
            for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": [_attachment_to_json(a) for a in message.attachments],
        "content_subtype": message.content_subtype,
        "encoding": message.encoding,
    }


def message_from_json(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[(_content_from_json(a), a["mimetype"]) for a in data["alternatives"]],
        attachments=[_attachment_from_json(a) for a in data["attachments"]],
    )
    message.content_subtype = data["content_subtype"]
    message.encoding = data["encoding"]
    return message


# --- The task and its retries ---


def retry_delays() -> list[int]:
    """Seconds to wait before each further attempt (settings.EMAIL_RETRY_DELAYS)."""
    return list(settings.EMAIL_RETRY_DELAYS)


def _retry_later(message: dict, attempt: int, error: Exception) -> None:
    """Queue the next attempt after the attempt-th delay, or give up after the last."""
    delays = retry_delays()
    subject = message["subject"]
    if attempt > len(delays) or not send_email.get_backend().supports_defer:
        logger.error(
            "Gave up sending the email %r after %d attempt(s): %r", subject, attempt, error
        )
        return
    delay = delays[attempt - 1]
    send_email.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
        message=message, attempt=attempt + 1
    )
    logger.warning(
        "Could not send the email %r (attempt %d: %r); trying again in %d s.",
        subject,
        attempt,
        error,
        delay,
    )


@task()
def send_email(message: dict, attempt: int = 1) -> int:
    """Deliver one queued message through the outgoing mailer; return how many were sent.

    On failure the next attempt is queued first, then the error is raised so that this
    attempt is recorded as failed, with its traceback.
    """
    try:
        return message_from_json(message).send(using=OUTGOING)
    except Exception as error:
        _retry_later(message, attempt, error)
        raise


class QueuedEmailBackend(BaseEmailBackend):
    """The default mailer: queue each message as a `send_email` task, send nothing here."""

    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if message.recipients():
                send_email.enqueue(message=message_to_json(message))
                count += 1
        return count
