"""The words of notifications and timeline notes: each written once, in marketplace.texts,
and what the services and the seeders write is exactly those words."""

import re
from decimal import Decimal

import pytest

from marketplace import texts
from marketplace.models import Notification, TaskEvent

from .command_helpers import seeded_once

# Every notice and note, as a person reads it with these values: written out here, apart
# from the code, so a changed word shows up as a failing row.
VALUES = {
    "name": "Ann",
    "amount": Decimal("45"),
    "title": "Fix a tap",
    "what": "budget",
    "reason": "Rude words",
    "rating": 4,
    "subject": "Bob",
    "task_id": 7,
}
NOTICES = {
    "bid_placed": "Ann bid £45.00 on “Fix a tap”.",
    "bid_edited": "Ann revised their bid on “Fix a tap” to £45.00.",
    "bid_withdrawn": "Ann withdrew their bid on “Fix a tap”.",
    "bid_accepted": "Your bid of £45.00 on “Fix a tap” was accepted. Time to get to work!",
    "bid_rejected": "Another tasker was chosen for “Fix a tap”. Thanks for bidding.",
    "task_edited": "“Fix a tap”, which you bid on, was edited (budget). Check your bid still fits.",
    "task_cancelled": "“Fix a tap”, which you bid on, was cancelled by the customer.",
    "task_expired": "“Fix a tap” expired without an accepted bid. You can repost it.",
    "task_expired_for_bidder": "“Fix a tap”, which you bid on, expired.",
    "agreement_delivered": "Ann marked “Fix a tap” as delivered. Please confirm completion.",
    "agreement_completed": "Ann confirmed “Fix a tap” is complete. You can now review each other.",
    "agreement_cancelled": "Ann cancelled the agreement for “Fix a tap”: Rude words",
    "review_published": "Ann reviewed you for “Fix a tap”: 4 out of 5.",
    "message": "Ann sent you a message.",
    "message_about_task": "Ann sent you a message about “Fix a tap”.",
    "question_asked": "Ann asked a public question on “Fix a tap”.",
    "question_answered_asker": "Ann answered your question on “Fix a tap”.",
    "question_answered_bidder": "Ann answered a question on “Fix a tap”, which you bid on.",
    "content_hidden": "A moderator hid your budget: Rude words",
    "content_unhidden": "A moderator made your budget visible again.",
}
NOTES = {
    TaskEvent.Kind.REPOSTED: "Reposted from task #7.",
    TaskEvent.Kind.EDITED: "Changed: budget.",
    TaskEvent.Kind.BID_ACCEPTED: "Ann's bid accepted.",
    TaskEvent.Kind.REVIEWED: "Ann reviewed Bob.",
    TaskEvent.Kind.HIDDEN: "budget: Rude words",
    TaskEvent.Kind.UNHIDDEN: "budget: Rude words",
}


@pytest.mark.parametrize("key", sorted(texts.NOTICES))
def test_every_notice_reads_as_written(key):
    assert texts.notice(key, **VALUES)["text"] == NOTICES[key]


def test_the_table_above_lists_every_notice():
    assert set(NOTICES) == set(texts.NOTICES)


def test_every_notification_kind_has_words_and_every_notice_a_kind():
    kinds = {found.kind for found in texts.NOTICES.values()}
    assert kinds == set(Notification.Kind.values)


@pytest.mark.parametrize("kind", sorted(texts.NOTES))
def test_every_timeline_note_reads_as_written(kind):
    assert texts.note(kind, **VALUES) == NOTES[kind]
    assert set(NOTES) == set(texts.NOTES)


def pattern(words: str) -> re.Pattern:
    """A notice's words with any value in each placeholder."""
    parts = re.split(r"\{[^}]*\}", words)
    return re.compile(".+".join(re.escape(part) for part in parts), re.DOTALL)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    small = ["--users", "20", "--tasks", "60", "--bids", "150", "--messages", "60"]
    with seeded_once(django_db_blocker, *small):
        yield


@pytest.mark.usefixtures("seeded", "db")
def test_the_seeders_write_only_these_words():
    notices = {}
    for found in texts.NOTICES.values():
        notices.setdefault(found.kind, []).append(pattern(found.words))
    seen = set()
    for kind, text in Notification.objects.values_list("kind", "text"):
        assert any(p.fullmatch(text) for p in notices[kind]), (kind, text)
        seen.add(kind)
    assert Notification.Kind.BID_PLACED in seen and Notification.Kind.MESSAGE in seen
    notes = {kind: pattern(words) for kind, words in texts.NOTES.items()}
    for kind, note in TaskEvent.objects.exclude(note="").values_list("kind", "note"):
        assert notes[kind].fullmatch(note), (kind, note)
