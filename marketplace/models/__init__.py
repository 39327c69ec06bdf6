"""The marketplace's models, one module per part; import them from here."""

from .agreements import REVIEW_BLIND_DAYS, Agreement, AgreementQuerySet
from .bids import Bid, BidQuerySet, BidRevision
from .messaging import Conversation, ConversationQuerySet, Message, Notification
from .moderation import Moderated, Report
from .places import Place
from .reviews import Review, ReviewQuerySet
from .submissions import FormSubmission
from .tasks import (
    MAX_AMOUNT,
    SEARCH_MAX_WORDS,
    SQLITE_SEARCH,
    Category,
    Task,
    TaskEvent,
    TaskQuerySet,
    amount_validators,
    fts_phrase,
)

__all__ = [
    "MAX_AMOUNT",
    "REVIEW_BLIND_DAYS",
    "SEARCH_MAX_WORDS",
    "SQLITE_SEARCH",
    "Agreement",
    "AgreementQuerySet",
    "Bid",
    "BidQuerySet",
    "BidRevision",
    "Category",
    "Conversation",
    "ConversationQuerySet",
    "FormSubmission",
    "Message",
    "Moderated",
    "Notification",
    "Place",
    "Report",
    "Review",
    "ReviewQuerySet",
    "Task",
    "TaskEvent",
    "TaskQuerySet",
    "amount_validators",
    "fts_phrase",
]
