"""The words of every notification and timeline note, each written once.

The services write them as things happen and the demo seeders write them into made-up
history, both through `notice()` and `note()`, so a seeded notification reads exactly like
a real one. A notice is keyed by what happened (several can share a notification kind,
which is what a user mutes); a note by its timeline event kind.
"""

from dataclasses import dataclass

from .models import Notification, TaskEvent

N = Notification.Kind
E = TaskEvent.Kind


@dataclass(frozen=True)
class Notice:
    kind: str  # a Notification.Kind
    words: str  # a str.format() template


NOTICES: dict[str, Notice] = {
    "bid_placed": Notice(N.BID_PLACED, "{name} bid £{amount:.2f} on “{title}”."),
    "bid_edited": Notice(N.BID_CHANGED, "{name} revised their bid on “{title}” to £{amount:.2f}."),
    "bid_withdrawn": Notice(N.BID_CHANGED, "{name} withdrew their bid on “{title}”."),
    "bid_accepted": Notice(
        N.BID_ACCEPTED,
        "Your bid of £{amount:.2f} on “{title}” was accepted. Time to get to work!",
    ),
    "bid_rejected": Notice(
        N.BID_REJECTED, "Another tasker was chosen for “{title}”. Thanks for bidding."
    ),
    "task_edited": Notice(
        N.TASK_CHANGED,
        "“{title}”, which you bid on, was edited ({what}). Check your bid still fits.",
    ),
    "task_cancelled": Notice(
        N.TASK_CHANGED, "“{title}”, which you bid on, was cancelled by the customer."
    ),
    "task_expired": Notice(
        N.TASK_CHANGED, "“{title}” expired without an accepted bid. You can repost it."
    ),
    "task_expired_for_bidder": Notice(N.TASK_CHANGED, "“{title}”, which you bid on, expired."),
    "agreement_delivered": Notice(
        N.AGREEMENT_DELIVERED, "{name} marked “{title}” as delivered. Please confirm completion."
    ),
    "agreement_completed": Notice(
        N.AGREEMENT_COMPLETED,
        "{name} confirmed “{title}” is complete. You can now review each other.",
    ),
    "agreement_cancelled": Notice(
        N.AGREEMENT_CANCELLED, "{name} cancelled the agreement for “{title}”: {reason}"
    ),
    "review_published": Notice(
        N.REVIEW_PUBLISHED, "{name} reviewed you for “{title}”: {rating} out of 5."
    ),
    "message": Notice(N.MESSAGE, "{name} sent you a message."),
    "message_about_task": Notice(N.MESSAGE, "{name} sent you a message about “{title}”."),
    "question_asked": Notice(N.QUESTION, "{name} asked a public question on “{title}”."),
    "question_answered_asker": Notice(N.ANSWER, "{name} answered your question on “{title}”."),
    "question_answered_bidder": Notice(
        N.ANSWER, "{name} answered a question on “{title}”, which you bid on."
    ),
    "content_hidden": Notice(N.MODERATION, "A moderator hid your {what}: {reason}"),
    "content_unhidden": Notice(N.MODERATION, "A moderator made your {what} visible again."),
}

# The timeline events that carry a note; the others speak through their kind's label.
NOTES: dict[str, str] = {
    E.REPOSTED: "Reposted from task #{task_id}.",
    E.EDITED: "Changed: {what}.",
    E.BID_ACCEPTED: "{name}'s bid accepted.",
    E.REVIEWED: "{name} reviewed {subject}.",
    E.HIDDEN: "{what}: {reason}",
    E.UNHIDDEN: "{what}: {reason}",
}


def notice(key: str, **values) -> dict[str, str]:
    """The notification for `key` as `notify()` takes it: {"kind": …, "text": …}."""
    found = NOTICES[key]
    return {"kind": found.kind, "text": found.words.format(**values)}


def note(kind: str, **values) -> str:
    """The timeline note of an event of `kind`."""
    return NOTES[kind].format(**values)
