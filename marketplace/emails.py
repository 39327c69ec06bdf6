"""The email that goes with a notification, and its signed one-click unsubscribe link."""

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from tasker.links import absolute_url

from .models import Notification

UNSUBSCRIBE_SALT = "marketplace.emails.unsubscribe"


def wants_email(user, kind: str) -> bool:
    """Return whether `user` should get an email for a notification of `kind`."""
    return bool(user.is_active and user.email and kind not in (user.email_muted_kinds or []))


def unsubscribe_token(user, kind: str) -> str:
    """Sign the user and the notification kind they can stop emails for.

    No expiry: a link in an old email must still work (RFC 8058 one-click).
    """
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Return (user id, kind) from a token, or raise signing.BadSignature."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("u"), int)
        or data.get("k") not in Notification.Kind.values
    ):
        raise signing.BadSignature("Unexpected unsubscribe token content.")
    return data["u"], data["k"]


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """Build the short plain-text and HTML email telling the recipient what happened."""
    user = notification.recipient
    unsubscribe_url = absolute_url(
        reverse("marketplace:email_unsubscribe", args=[unsubscribe_token(user, notification.kind)])
    )
    context = {
        "user": user,
        "notification": notification,
        "kind_label": notification.get_kind_display(),
        "target_url": absolute_url(notification.url),
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": absolute_url(reverse("marketplace:email_preferences")),
    }
    return _unsubscribable_email(
        subject=notification.text,
        template="emails/notification",
        context=context,
        to=user.email,
        unsubscribe_url=unsubscribe_url,
    )


def _unsubscribable_email(
    *, subject: str, template: str, context: dict, to: str, unsubscribe_url: str
) -> EmailMultiAlternatives:
    """An email in text and HTML (`template` + .txt/.html) with a one-click unsubscribe
    header (RFC 8058). The subject is one line of at most 100 characters, whatever the text
    holds (a cancellation reason may span lines)."""
    subject = " ".join(subject.split())
    if len(subject) > 100:
        subject = subject[:99] + "…"
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email


# --- Saved-search alerts ---

SEARCH_UNSUBSCRIBE_SALT = "marketplace.emails.search_unsubscribe"


def search_unsubscribe_token(search) -> str:
    """Sign the saved search whose alerts a link stops (no expiry, like unsubscribe_token)."""
    return signing.dumps({"s": search.pk}, salt=SEARCH_UNSUBSCRIBE_SALT)


def read_search_unsubscribe_token(token: str) -> int:
    """Return the saved search id from a token, or raise signing.BadSignature."""
    data = signing.loads(token, salt=SEARCH_UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise signing.BadSignature("Unexpected unsubscribe token content.")
    return data["s"]


def task_link(task) -> str:
    """A task's absolute address, kept on the instance: a digest run names the same task
    (one instance per run, DigestMatcher.load) in many searches' emails."""
    if not hasattr(task, "_link"):
        task._link = absolute_url(task.get_absolute_url())
    return task._link


def task_alert_email(search, tasks, *, more: bool = False) -> EmailMultiAlternatives:
    """The email naming new tasks that match `search`: one for an instant alert, a list
    for a daily digest (`more`: further matches are on the search's page)."""
    user = search.owner
    unsubscribe_url = absolute_url(
        reverse("marketplace:saved_search_unsubscribe", args=[search_unsubscribe_token(search)])
    )
    context = {
        "user": user,
        "search": search,
        "tasks": [(task, task_link(task)) for task in tasks],
        "more": more,
        "search_url": absolute_url(search.browse_url()),
        "unsubscribe_url": unsubscribe_url,
        "searches_url": absolute_url(reverse("marketplace:saved_search_list")),
    }
    if len(tasks) == 1 and not more:
        subject = f"New task for “{search.name}”: {tasks[0].title}"
    else:
        subject = f"{len(tasks)}{'+' if more else ''} new tasks for “{search.name}”"
    return _unsubscribable_email(
        subject=subject,
        template="emails/task_alert",
        context=context,
        to=user.email,
        unsubscribe_url=unsubscribe_url,
    )
