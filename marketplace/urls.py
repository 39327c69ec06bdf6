from django.urls import path

from . import views

app_name = "marketplace"

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
    path("tasks/new/", views.TaskCreateView.as_view(), name="task_create"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/cancel/", views.TaskCancelView.as_view(), name="task_cancel"),
    path("tasks/<int:pk>/repost/", views.TaskRepostView.as_view(), name="task_repost"),
    path("tasks/<int:pk>/photos/", views.TaskPhotosView.as_view(), name="task_photos"),
    path("photos/<int:pk>/delete/", views.PhotoDeleteView.as_view(), name="photo_delete"),
    path("tasks/<int:pk>/bid/", views.BidCreateView.as_view(), name="bid_create"),
    path("bids/<int:pk>/edit/", views.BidEditView.as_view(), name="bid_edit"),
    path("bids/<int:pk>/withdraw/", views.BidWithdrawView.as_view(), name="bid_withdraw"),
    path("bids/<int:pk>/accept/", views.BidAcceptView.as_view(), name="bid_accept"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path(
        "agreements/<int:pk>/deliver/",
        views.AgreementDeliverView.as_view(),
        name="agreement_deliver",
    ),
    path(
        "agreements/<int:pk>/confirm/",
        views.AgreementConfirmView.as_view(),
        name="agreement_confirm",
    ),
    path(
        "agreements/<int:pk>/cancel/", views.AgreementCancelView.as_view(), name="agreement_cancel"
    ),
    path("agreements/<int:pk>/review/", views.ReviewCreateView.as_view(), name="review_create"),
    path("tasks/<int:pk>/questions/", views.QuestionCreateView.as_view(), name="question_create"),
    path("questions/<int:pk>/answer/", views.QuestionAnswerView.as_view(), name="question_answer"),
    path("report/<str:kind>/<int:pk>/", views.ReportCreateView.as_view(), name="report_create"),
    # --- Saved searches ---
    path("searches/", views.SavedSearchListView.as_view(), name="saved_search_list"),
    path("searches/new/", views.SavedSearchCreateView.as_view(), name="saved_search_create"),
    path("searches/<int:pk>/edit/", views.SavedSearchEditView.as_view(), name="saved_search_edit"),
    path(
        "searches/<int:pk>/delete/",
        views.SavedSearchDeleteView.as_view(),
        name="saved_search_delete",
    ),
    path(
        "searches/unsubscribe/<str:token>/",
        views.SavedSearchUnsubscribeView.as_view(),
        name="saved_search_unsubscribe",
    ),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    # --- Messages and notifications ---
    path("messages/", views.InboxView.as_view(), name="inbox"),
    path("messages/<int:pk>/", views.ConversationDetailView.as_view(), name="conversation_detail"),
    path(
        "tasks/<int:pk>/message/",
        views.ConversationStartView.as_view(),
        name="conversation_start",
    ),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        views.NotificationOpenView.as_view(),
        name="notification_open",
    ),
    path(
        "notifications/read/",
        views.NotificationsMarkAllReadView.as_view(),
        name="notifications_mark_all_read",
    ),
    path(
        "notifications/settings/",
        views.EmailPreferencesView.as_view(),
        name="email_preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.EmailUnsubscribeView.as_view(),
        name="email_unsubscribe",
    ),
]
