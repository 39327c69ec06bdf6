"""The marketplace's models, one module per part; import them from here."""

from .agreements import REVIEW_BLIND_DAYS, Agreement, AgreementQuerySet
from .bids import Bid, BidQuerySet, BidRevision
from .messaging import Conversation, ConversationQuerySet, Message, Notification
from .moderation import Moderated, Report
from .photos import MAX_PHOTOS, TaskPhoto, TaskPhotoQuerySet
from .places import Place
from .questions import ANSWER_EDIT_WINDOW, QUESTION_MAX_LENGTH, Question, QuestionQuerySet
from .reviews import Review, ReviewQuerySet
from .searches import SEARCH_NAME_MAX_LENGTH, SavedSearch, TaskAlert
from .submissions import FormSubmission
from .tasks import (
    MAX_AMOUNT,
    SEARCH_MAX_WORDS,
    SQLITE_SEARCH,
    Category,
    SearchWords,
    Task,
    TaskEvent,
    TaskQuerySet,
    amount_validators,
    fts_phrase,
)

__all__ = [
    "ANSWER_EDIT_WINDOW",
    "QUESTION_MAX_LENGTH",
    "Question",
    "QuestionQuerySet",
    "MAX_AMOUNT",
    "MAX_PHOTOS",
    "REVIEW_BLIND_DAYS",
    "SEARCH_NAME_MAX_LENGTH",
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
    "SavedSearch",
    "SearchWords",
    "Task",
    "TaskAlert",
    "TaskEvent",
    "TaskPhoto",
    "TaskPhotoQuerySet",
    "TaskQuerySet",
    "amount_validators",
    "fts_phrase",
]
