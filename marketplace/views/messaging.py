from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.signing import BadSignature
from django.db.models import OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from accounts.models import User
from tasker.pagecache import PageCacheMixin
from tasker.ratelimit import RateLimitMixin

from .. import services
from ..context_processors import UnreadCounts
from ..emails import read_unsubscribe_token
from ..forms import (
    EmailPreferencesForm,
    MessageForm,
)
from ..models import (
    Conversation,
    Message,
    Notification,
    Task,
)
from ..notifications import email_preferences_set, email_unsubscribe, notifications_mark_read
from ..selectors import (
    conversations_for,
    inbox_figures,
)
from ..states import DomainError
from ..subqueries import row_count
from .base import CountedPaginator, ServiceFormView


class InboxView(LoginRequiredMixin, PageCacheMixin, ListView):
    template_name = "marketplace/inbox.html"
    context_object_name = "conversations"
    paginate_by = 20

    def get_queryset(self):
        return conversations_for(self.request.user)

    def get_context_data(self, **kwargs):
        # One query counts the list for the paginator and the navbar's badges.
        self.figures = inbox_figures(self.request.user)
        unread_counts = UnreadCounts.read_with(
            self.request,
            messages=self.figures["unread_messages"],
            notifications=self.figures["unread_notifications"],
        )
        return super().get_context_data(unread_counts=unread_counts, **kwargs)

    def get_paginator(self, queryset, per_page, **kwargs):
        count = self.figures["conversation_count"]
        return CountedPaginator(queryset, per_page, count=count, **kwargs)


class ParticipantConversationMixin(LoginRequiredMixin):
    def get_queryset(self):
        return Conversation.objects.of(self.request.user).select_related("user_a", "user_b", "task")


class ConversationDetailView(
    ParticipantConversationMixin, RateLimitMixin, PageCacheMixin, ServiceFormView
):
    """The messages, oldest first, opening on the latest page; a reply form below."""

    ratelimit_scope = "message"
    form_class = MessageForm
    template_name = "marketplace/conversation_detail.html"
    context_object_name = "conversation"
    success_message = "Message sent."
    messages_per_page = 50

    def get_queryset(self):
        # Counted with the conversation: the paginator needs it to open on the last page.
        messages = Message.objects.filter(conversation=OuterRef("pk"))
        return super().get_queryset().annotate(message_count=row_count(messages))

    def get(self, request, *args, **kwargs):
        services.conversation_mark_read(conversation=self.object, by=request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        paginator = CountedPaginator(
            self.object.messages.select_related("sender"),
            self.messages_per_page,
            count=self.object.message_count,
        )
        page = paginator.get_page(self.request.GET.get("page") or paginator.num_pages)
        return super().get_context_data(
            other=self.object.other(self.request.user),
            message_list=page,
            page_obj=page,
            **kwargs,
        )

    def act(self, form):
        return services.message_send(
            conversation=self.object, by=self.request.user, body=form.cleaned_data["body"]
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class ConversationStartView(LoginRequiredMixin, View):
    """Open the conversation with the task's customer (or the other party of its agreement).

    GET goes to the conversation if there is one already, or asks; POST opens it.
    """

    http_method_names = ["get", "post"]

    def get(self, request, pk):
        task = get_object_or_404(Task.objects.reachable_by(request.user), pk=pk)
        existing = Conversation.objects.of(request.user).filter(task=task).first()
        if existing is not None:
            return redirect(existing)
        return render(request, "marketplace/conversation_start.html", {"object": task})

    def post(self, request, pk):
        task = get_object_or_404(Task.objects.reachable_by(request.user), pk=pk)
        try:
            conversation = services.conversation_start(task=task, by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(task)
        return redirect(conversation)


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "marketplace/notification_list.html"
    context_object_name = "notification_list"
    paginate_by = 20

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)


class NotificationOpenView(LoginRequiredMixin, SingleObjectMixin, View):
    """Mark one notification read (POST) and go to what it is about.

    GET (a link followed after signing in again) goes there too, leaving it unread.
    """

    http_method_names = ["get", "post"]

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(self.target(self.get_object()))

    def post(self, request, *args, **kwargs):
        notification = self.get_object()
        notifications_mark_read(user=request.user, notification=notification)
        return HttpResponseRedirect(self.target(notification))

    def target(self, notification) -> str:
        """The notification's link, if it stays on this site; the notifications page if not."""
        if url_has_allowed_host_and_scheme(
            notification.url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return notification.url
        return reverse("marketplace:notifications")


class NotificationsMarkAllReadView(LoginRequiredMixin, View):
    """POST marks every notification read; GET shows them, with the button that does."""

    http_method_names = ["get", "post"]

    def get(self, request):
        return redirect("marketplace:notifications")

    def post(self, request):
        count = notifications_mark_read(user=request.user)
        messages.success(
            request,
            f"Marked {count} notification{pluralize(count)} as read."
            if count
            else "You had no unread notifications.",
        )
        return redirect("marketplace:notifications")


class EmailPreferencesView(LoginRequiredMixin, FormView):
    form_class = EmailPreferencesForm
    template_name = "marketplace/email_preferences.html"
    success_url = reverse_lazy("marketplace:email_preferences")

    def get_initial(self):
        muted = set(self.request.user.email_muted_kinds or [])
        return {"emailed_kinds": [k for k in Notification.Kind.values if k not in muted]}

    def form_valid(self, form):
        email_preferences_set(
            user=self.request.user, emailed_kinds=form.cleaned_data["emailed_kinds"]
        )
        messages.success(self.request, "Your email preferences were saved.")
        return super().form_valid(form)


# The signed token is the credential here: it works signed out and from a mail client's
# one-click POST (RFC 8058), which carries no CSRF cookie. A forged request cannot know a
# valid token, which is what CSRF protection would otherwise guarantee.
@method_decorator(csrf_exempt, name="dispatch")
class EmailUnsubscribeView(View):
    """GET asks to confirm; POST stops emails of one kind. A bad token changes nothing."""

    template_name = "marketplace/email_unsubscribe.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            user_id, self.kind = read_unsubscribe_token(kwargs["token"])
            self.account = User.objects.get(pk=user_id)
        except (BadSignature, User.DoesNotExist):
            return render(request, "marketplace/email_unsubscribe_invalid.html", status=400)
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra) -> dict:
        return {
            "account": self.account,
            "kind_label": Notification.Kind(self.kind).label,
            **extra,
        }

    def get(self, request, token):
        return render(request, self.template_name, self.context(done=False))

    def post(self, request, token):
        email_unsubscribe(user=self.account, kind=self.kind)
        return render(request, self.template_name, self.context(done=True))
