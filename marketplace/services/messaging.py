from django.db import transaction
from django.utils import timezone

from accounts.models import User
from tasker.listing import people_changed

from .. import texts
from ..models import (
    Agreement,
    Conversation,
    Message,
    Task,
)
from ..models import Notification as N
from ..notifications import notify
from ..states import DomainError

# --- Messages ---

# The model says how long a message may be; the service enforces it for every caller.
MESSAGE_MAX_LENGTH = Message._meta.get_field("body").max_length


def _message_recipient(task: Task, by: User) -> User:
    """Return whom `by` may write to about `task`, or raise DomainError saying why not.

    The two parties of an agreement may always write to each other; anyone else may
    write to the customer of an open task.
    """
    agreement = Agreement.objects.filter(task=task).select_related("customer", "tasker").first()
    if agreement is not None and agreement.parties(by):
        return agreement.counterpart(by)
    if task.can("ask", by):
        return task.customer
    # Refused by the table: say why, in words that fit a conversation.
    if by.pk == task.customer_id:
        raise DomainError("This is your own task: you cannot send yourself a message.")
    if task.is_hidden:
        raise DomainError("A moderator has hidden this task, so you cannot ask about it.")
    raise DomainError("You can only ask the customer about a task while it is open.")


DELETED_RECIPIENT = "This account has been deleted, so you cannot write to it."


def _require_reachable(recipient: User) -> None:
    """Refuse to write to a suspended or deleted account."""
    if recipient.is_deleted:
        raise DomainError(DELETED_RECIPIENT)
    if not recipient.is_active:
        raise DomainError(f"{recipient.name}'s account is suspended, so you cannot write to them.")


@transaction.atomic
def conversation_start(*, task: Task, by: User) -> Conversation:
    """Return the conversation between `by` and whom they may write to about `task`.

    The same two people and task always share one conversation.
    """
    if not by.is_active:
        raise DomainError("Your account is suspended, so you cannot send messages.")
    task = Task.objects.select_related("customer").get(pk=task.pk)
    other = _message_recipient(task, by)
    _require_reachable(other)
    low, high = sorted([by, other], key=lambda user: user.pk)
    conversation, _ = Conversation.objects.get_or_create(user_a=low, user_b=high, task=task)
    return conversation


@transaction.atomic
def message_send(*, conversation: Conversation, by: User, body: str) -> Message:
    """Send `by`'s message in a conversation they take part in; tell the other person.

    While the recipient still has an unread notification for this conversation, no new
    one is written (nor emailed): one nudge per conversation until they look.
    """
    if by.pk not in (conversation.user_a_id, conversation.user_b_id):
        raise DomainError("You are not part of this conversation.")
    if not by.is_active:
        raise DomainError("Your account is suspended, so you cannot send messages.")
    body = body.strip()
    if not body:
        raise DomainError("Write a message before sending it.")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise DomainError(f"Keep your message to {MESSAGE_MAX_LENGTH:,} characters.")
    conversation = Conversation.objects.select_related("user_a", "user_b", "task").get(
        pk=conversation.pk
    )
    recipient = conversation.other(by)
    if recipient.is_deleted:
        raise DomainError(DELETED_RECIPIENT)
    message = Message.objects.create(conversation=conversation, sender=by, body=body)
    # The sender has seen the conversation up to their own message.
    marker = "a_read_at" if by.pk == conversation.user_a_id else "b_read_at"
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=message.created_at, **{marker: message.created_at}
    )
    people_changed([conversation.user_a_id, conversation.user_b_id])  # no post_save
    url = conversation.get_absolute_url()
    already_nudged = N.objects.filter(
        recipient=recipient, kind=N.Kind.MESSAGE, url=url, is_read=False
    ).exists()
    if not already_nudged:
        if conversation.task:
            words = texts.notice("message_about_task", name=by.name, title=conversation.task.title)
        else:
            words = texts.notice("message", name=by.name)
        notify(
            recipients=[recipient],
            **words,
            url=url,
        )
    return message


def conversation_mark_read(*, conversation: Conversation, by: User) -> None:
    """Move `by`'s read marker to now and clear their notifications for this conversation.

    Nothing is written when nothing arrived since `by` last read it, so reading an
    unchanged conversation takes no write lock. Not one transaction: on SQLite that would
    take the write lock (BEGIN IMMEDIATE) before knowing there is anything to write, and
    the two updates are independent and idempotent (if the second failed, the next visit
    would clear the notification).
    """
    marker = "a_read_at" if by.pk == conversation.user_a_id else "b_read_at"
    read_at = getattr(conversation, marker)
    if read_at is not None and read_at >= conversation.last_message_at:
        return
    Conversation.objects.filter(pk=conversation.pk).update(**{marker: timezone.now()})
    N.objects.filter(
        recipient=by, kind=N.Kind.MESSAGE, url=conversation.get_absolute_url(), is_read=False
    ).update(is_read=True)
    people_changed([conversation.user_a_id, conversation.user_b_id])  # no post_save
