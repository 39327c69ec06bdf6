"""The marketplace's pages, one module per part; urls.py names them from here."""

from .agreements import (
    AgreementCancelView,
    AgreementConfirmView,
    AgreementDeliverView,
    AgreementDetailView,
)
from .bids import BidAcceptView, BidCreateView, BidEditView, BidWithdrawView
from .dashboard import DashboardView
from .messaging import (
    ConversationDetailView,
    ConversationStartView,
    EmailPreferencesView,
    EmailUnsubscribeView,
    InboxView,
    NotificationListView,
    NotificationOpenView,
    NotificationsMarkAllReadView,
)
from .moderation import ReportCreateView
from .photos import PhotoDeleteView, TaskPhotosView
from .questions import QuestionAnswerView, QuestionCreateView
from .reviews import ReviewCreateView
from .searches import (
    SavedSearchCreateView,
    SavedSearchDeleteView,
    SavedSearchEditView,
    SavedSearchListView,
    SavedSearchUnsubscribeView,
)
from .tasks import (
    HomeView,
    TaskCancelView,
    TaskCreateView,
    TaskDetailView,
    TaskEditView,
    TaskListView,
    TaskRepostView,
)

__all__ = [
    "QuestionAnswerView",
    "QuestionCreateView",
    "AgreementCancelView",
    "AgreementConfirmView",
    "AgreementDeliverView",
    "AgreementDetailView",
    "BidAcceptView",
    "BidCreateView",
    "BidEditView",
    "BidWithdrawView",
    "ConversationDetailView",
    "ConversationStartView",
    "DashboardView",
    "EmailPreferencesView",
    "EmailUnsubscribeView",
    "HomeView",
    "InboxView",
    "NotificationListView",
    "NotificationOpenView",
    "NotificationsMarkAllReadView",
    "PhotoDeleteView",
    "ReportCreateView",
    "ReviewCreateView",
    "SavedSearchCreateView",
    "SavedSearchDeleteView",
    "SavedSearchEditView",
    "SavedSearchListView",
    "SavedSearchUnsubscribeView",
    "TaskCancelView",
    "TaskCreateView",
    "TaskDetailView",
    "TaskEditView",
    "TaskListView",
    "TaskPhotosView",
    "TaskRepostView",
]
