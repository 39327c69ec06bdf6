"""Every state-changing business action: one function each, one transaction each.

Services re-read what they change inside the transaction (locking the task row on
PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), check the transition
table, write a TaskEvent and notify whoever is concerned. One module per part of the
marketplace; import them from here.
"""

from ..states import DomainError
from .agreements import agreement_cancel, agreement_confirm, agreement_deliver
from .bids import bid_accept, bid_edit, bid_place, bid_withdraw
from .messaging import (
    DELETED_RECIPIENT,
    MESSAGE_MAX_LENGTH,
    conversation_mark_read,
    conversation_start,
    message_send,
)
from .moderation import content_hide, content_unhide, report_close, report_create
from .photos import photo_delete, photos_add, photos_update
from .questions import question_answer, question_ask
from .reviews import review_create
from .searches import saved_search_create, saved_search_stop_alerts
from .submissions import AlreadySubmitted, submit_once
from .tasks import task_cancel, task_edit, task_expire, task_post

__all__ = [
    "DELETED_RECIPIENT",
    "MESSAGE_MAX_LENGTH",
    "AlreadySubmitted",
    "DomainError",
    "agreement_cancel",
    "agreement_confirm",
    "agreement_deliver",
    "bid_accept",
    "bid_edit",
    "bid_place",
    "bid_withdraw",
    "content_hide",
    "content_unhide",
    "conversation_mark_read",
    "conversation_start",
    "message_send",
    "question_answer",
    "question_ask",
    "photo_delete",
    "photos_add",
    "photos_update",
    "report_close",
    "report_create",
    "review_create",
    "saved_search_create",
    "saved_search_stop_alerts",
    "submit_once",
    "task_cancel",
    "task_edit",
    "task_expire",
    "task_post",
]
