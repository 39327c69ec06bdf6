from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.core.signing import BadSignature
from django.db.models import F, OuterRef, Prefetch
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, FormView, ListView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from accounts.models import User
from tasker.ratelimit import RateLimitMixin

from . import services
from .emails import read_unsubscribe_token
from .forms import (
    AgreementCancelForm,
    BidForm,
    BidPlaceForm,
    EmailPreferencesForm,
    MessageForm,
    ReportForm,
    ReviewForm,
    TaskFilterForm,
    TaskForm,
    TaskPostForm,
)
from .models import (
    Agreement,
    Bid,
    Category,
    Conversation,
    Message,
    Notification,
    Report,
    Review,
    Task,
)
from .notifications import email_preferences_set, email_unsubscribe, notifications_mark_read
from .selectors import (
    conversations_for,
    dashboard_figures,
    dashboard_sections,
    needs_action_q,
    reportable,
    reputation,
    suggested_tasks,
)
from .services import AlreadySubmitted
from .states import DomainError
from .subqueries import row_count


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=Category.objects.all(),
            latest_tasks=Task.objects.open().public().with_card_data()[:6],
            **kwargs,
        )


class TaskListView(ListView):
    template_name = "marketplace/task_list.html"
    context_object_name = "tasks"
    paginate_by = 20

    def get_queryset(self):
        self.filter_form = TaskFilterForm(self.request.GET or None)
        tasks = Task.objects.open().public().with_card_data()
        return self.filter_form.filter(tasks)

    def paginate_queryset(self, queryset, page_size):
        # A bookmarked page that no longer exists shows the nearest one rather than a 404.
        paginator = self.get_paginator(queryset, page_size)
        number = self.request.GET.get(self.page_kwarg)
        page = paginator.get_page(paginator.num_pages if number == "last" else number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form, query_string=query.urlencode(), **kwargs
        )


class ActionView(LoginRequiredMixin, SingleObjectMixin, View):
    """A state change that cannot be undone: GET asks, POST acts.

    GET shows a confirmation page (`template_name`) saying what will happen, whose form
    POSTs back to the same URL; it changes nothing. When the rules refuse the action now,
    GET says why on the object's page instead. POST calls one service, says what happened
    and goes back.
    """

    http_method_names = ["get", "post"]
    action = ""  # the transition-table action this view takes
    template_name = ""
    success_message = ""

    def act(self, obj) -> None:
        raise NotImplementedError

    def refusal(self, obj) -> str | None:
        """Why the user may not take this action now, or None."""
        return obj.refusal(self.action, self.request.user)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if reason := self.refusal(self.object):
            messages.error(request, reason)
            return HttpResponseRedirect(self.object.get_absolute_url())
        return render(request, self.template_name, self.get_context_data(object=self.object))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            self.act(self.object)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class SubmittedOnceMixin:
    """Views whose form creates something: the same rendered form submitted twice creates
    one thing, and the second submission is shown the first one's result."""

    def submit_once(self, form, create, url_of):
        """Run `create` via services.submit_once; raise AlreadySubmitted on a replay."""
        return services.submit_once(
            token=form.cleaned_data.get("submission"),
            by=self.request.user,
            create=create,
            url_of=url_of,
        )

    def already_submitted(self, done: AlreadySubmitted, fallback: str):
        messages.info(
            self.request, "This was already posted: the same form was sent twice. Here it is."
        )
        return HttpResponseRedirect(done.url or fallback)


class ServiceFormView(LoginRequiredMixin, SubmittedOnceMixin, SingleObjectMixin, FormView):
    """A form about one object whose valid submission calls one service.

    A refusal from the rules shows as a form error, and the user's input stays on the page.
    """

    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def act(self, form):
        raise NotImplementedError

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def form_valid(self, form):
        def create():
            self.result = self.act(form)
            return self.result

        try:
            self.submit_once(form, create, url_of=lambda result: self.get_success_url())
        except AlreadySubmitted as done:
            return self.already_submitted(done, self.object.get_absolute_url())
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, self.get_success_message())
        return HttpResponseRedirect(self.get_success_url())

    def get_success_message(self) -> str:
        return self.success_message


# --- Tasks ---


class CustomerRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_customer:
            messages.info(
                request, "To post tasks, switch your role to “customer” or “both” in your profile."
            )
            return redirect("accounts:profile_edit")
        return super().dispatch(request, *args, **kwargs)


class TaskCreateView(CustomerRequiredMixin, SubmittedOnceMixin, FormView):
    form_class = TaskPostForm
    template_name = "marketplace/task_form.html"
    reposted_from = None

    def get_initial(self):
        if self.reposted_from is None:
            return {}
        old = self.reposted_from
        initial = {
            field: getattr(old, field)
            for field in ("title", "description", "category", "budget", "city", "postcode")
        } | {"is_remote": old.is_remote}
        if old.due_date >= timezone.localdate():  # a date gone by must be chosen again
            initial["due_date"] = old.due_date
        return initial

    def form_valid(self, form):
        form.instance.reposted_from = self.reposted_from
        try:
            task = self.submit_once(
                form,
                lambda: services.task_post(task=form.instance, by=self.request.user),
                url_of=lambda task: task.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return self.already_submitted(done, reverse("marketplace:dashboard"))
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, "Your task is live. Taskers can now bid on it.")
        return redirect(task)


class TaskRepostView(TaskCreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            old = get_object_or_404(Task, pk=kwargs["pk"], customer=request.user)
            if not old.can("repost", request.user):
                messages.error(request, old.refusal("repost", request.user))
                return redirect(old)
            self.reposted_from = old
        return super().dispatch(request, *args, **kwargs)


class TaskDetailView(DetailView):
    template_name = "marketplace/task_detail.html"
    context_object_name = "task"

    def get_queryset(self):
        return (
            Task.objects.reachable_by(self.request.user)
            .select_related("category", "customer")
            .annotate(**{f"customer_{k}": v for k, v in reputation("customer").items()})
        )

    def get_context_data(self, **kwargs):
        task, user = self.object, self.request.user
        context = super().get_context_data(**kwargs)
        context["actions"] = task.available_actions(user)
        context["events"] = task.events.select_related("actor")
        if task.customer_id == user.pk:
            bids = self.compared_bids(task)
            context["bids"] = [bid for bid in bids if bid.is_live]
            context["past_bids"] = [bid for bid in bids if not bid.is_live]
        elif user.is_authenticated:
            my_bid = (
                task.bids.filter(tasker=user)
                .order_by("-created_at")
                .prefetch_related("revisions")
                .first()
            )
            context["my_bid"] = my_bid
            context["my_bid_actions"] = my_bid.available_actions(user) if my_bid else []
            if "bid" in context["actions"] and (my_bid is None or not my_bid.is_live):
                context["bid_form"] = BidPlaceForm()
        agreement = Agreement.objects.filter(task=task).first()
        if agreement and (agreement.parties(user) or user.is_staff):
            context["agreement"] = agreement
        return context

    def compared_bids(self, task):
        """The owner's table of bids, with each tasker's track record, sortable."""
        order = {
            "amount": ("amount", "created_at"),
            # Unrated taskers last on every database (PostgreSQL puts NULLs first in DESC).
            "rating": (F("rating_avg").desc(nulls_last=True), "amount"),
        }.get(self.request.GET.get("sort"), ("amount", "created_at"))
        bids = list(
            task.bids.select_related("tasker")
            .prefetch_related("revisions")
            .annotate(**reputation("tasker"))
            .order_by(*order)
        )
        for bid in bids:  # bid.task is `task` itself: no query
            bid.actions = bid.available_actions(self.request.user)
        return bids


class OwnTaskMixin(LoginRequiredMixin):
    def get_queryset(self):
        return Task.objects.filter(customer=self.request.user)


class TaskEditView(OwnTaskMixin, ServiceFormView):
    form_class = TaskForm
    template_name = "marketplace/task_form.html"
    success_message = "Your task was updated. Bidders have been told."

    def get(self, request, *args, **kwargs):
        if not self.object.can("edit", request.user):
            messages.error(request, self.object.refusal("edit", request.user))
            return redirect(self.object)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.object}

    def form_valid(self, form):
        if not form.has_changed():  # nothing to record, nobody to tell
            messages.info(self.request, "Nothing was changed.")
            return redirect(self.object)
        return super().form_valid(form)

    def act(self, form):
        return services.task_edit(
            task=form.instance, by=self.request.user, changed=form.changed_data
        )


class TaskCancelView(OwnTaskMixin, ActionView):
    action = "cancel"
    template_name = "marketplace/confirm_task_cancel.html"
    success_message = "Your task was cancelled. Bidders have been told."

    def get_context_data(self, **kwargs):
        pending = self.object.bids.pending().count()
        return super().get_context_data(pending_count=pending, **kwargs)

    def act(self, task):
        services.task_cancel(task=task, by=self.request.user)


# --- Bids ---


class BidCreateView(RateLimitMixin, ServiceFormView):
    ratelimit_scope = "bid"
    form_class = BidPlaceForm
    template_name = "marketplace/bid_form.html"
    success_message = "Your bid was sent to the customer."

    def get_queryset(self):
        return Task.objects.visible_to(self.request.user).select_related("customer")

    def act(self, form):
        data = form.cleaned_data
        return services.bid_place(
            task=self.object,
            by=self.request.user,
            amount=data["amount"],
            message=data["message"],
            estimated_hours=data["estimated_hours"],
        )

    def get_success_url(self):
        return self.result.get_absolute_url()


class OwnBidMixin(LoginRequiredMixin):
    def get_queryset(self):
        return Bid.objects.filter(tasker=self.request.user).select_related("task")


class BidEditView(OwnBidMixin, ServiceFormView):
    form_class = BidForm
    template_name = "marketplace/bid_form.html"
    success_message = "Your bid was revised. The customer has been told."

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["instance"] = self.object
        return kwargs

    def get_initial(self):
        # What the form was showing, so that a POST can tell what changed.
        return model_to_dict(self.object, fields=self.form_class._meta.fields)

    def form_valid(self, form):
        if not form.has_changed():  # no revision to record, nobody to tell
            messages.info(self.request, "Nothing was changed.")
            return redirect(self.get_success_url())
        return super().form_valid(form)

    def act(self, form):
        return services.bid_edit(bid=self.object, by=self.request.user, **form.cleaned_data)


class BidWithdrawView(OwnBidMixin, ActionView):
    action = "withdraw"
    template_name = "marketplace/confirm_bid_withdraw.html"
    success_message = "Your bid was withdrawn."

    def act(self, bid):
        services.bid_withdraw(bid=bid, by=self.request.user)


class BidAcceptView(ActionView):
    action = "accept"
    template_name = "marketplace/confirm_bid_accept.html"
    success_message = "Bid accepted. You now have an agreement with the tasker."

    def get_queryset(self):
        return Bid.objects.filter(task__customer=self.request.user).select_related("task", "tasker")

    def refusal(self, bid) -> str | None:
        user = self.request.user
        return bid.task.refusal("accept", user) or bid.refusal("accept", user)

    def get_context_data(self, **kwargs):
        others = self.object.task.bids.pending().exclude(pk=self.object.pk).count()
        return super().get_context_data(other_count=others, **kwargs)

    def act(self, bid):
        self.agreement = services.bid_accept(bid=bid, by=self.request.user)

    def get_success_url(self):
        agreement = getattr(self, "agreement", None)
        return agreement.get_absolute_url() if agreement else self.object.task.get_absolute_url()


# --- Agreements ---


class PartyAgreementMixin(LoginRequiredMixin):
    def get_queryset(self):
        agreements = Agreement.objects.select_related("task", "customer", "tasker")
        if self.request.user.is_staff:
            return agreements
        return agreements.of(self.request.user)


class AgreementDetailView(PartyAgreementMixin, DetailView):
    template_name = "marketplace/agreement_detail.html"
    context_object_name = "agreement"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("reviews", queryset=Review.objects.select_related("author", "subject"))
            )
        )

    def get_context_data(self, **kwargs):
        agreement, user = self.object, self.request.user
        return super().get_context_data(
            actions=agreement.available_actions(user),
            events=agreement.task.events.select_related("actor"),
            reviews=[r for r in agreement.reviews.all() if r.visible_to(user)],
            cancel_form=AgreementCancelForm(),
            **kwargs,
        )


class AgreementDeliverView(PartyAgreementMixin, ActionView):
    action = "deliver"
    template_name = "marketplace/confirm_agreement_deliver.html"
    success_message = "Marked as delivered. The customer has been asked to confirm."

    def act(self, agreement):
        services.agreement_deliver(agreement=agreement, by=self.request.user)


class AgreementConfirmView(PartyAgreementMixin, ActionView):
    action = "confirm"
    template_name = "marketplace/confirm_agreement_confirm.html"
    success_message = "Completion confirmed. Please review the tasker."

    def act(self, agreement):
        services.agreement_confirm(agreement=agreement, by=self.request.user)


class AgreementCancelView(PartyAgreementMixin, ServiceFormView):
    form_class = AgreementCancelForm
    template_name = "marketplace/agreement_cancel.html"
    success_message = "The agreement was cancelled. The other party has been told."

    def get(self, request, *args, **kwargs):
        if reason := self.object.refusal("cancel", request.user):
            messages.error(request, reason)
            return redirect(self.object)
        return super().get(request, *args, **kwargs)

    def act(self, form):
        return services.agreement_cancel(
            agreement=self.object, by=self.request.user, reason=form.cleaned_data["reason"]
        )


class ReviewCreateView(PartyAgreementMixin, ServiceFormView):
    form_class = ReviewForm
    template_name = "marketplace/review_form.html"

    def get_success_message(self) -> str:
        """Say what happened: published now (both sides reviewed), or when it will be."""
        review, other = self.result, self.object.counterpart(self.request.user)
        if review.published_at:
            return (
                f"Thanks for your review. {other.name} had already reviewed you, so both "
                "reviews are now published."
            )
        until = date_format(timezone.localtime(self.object.reviews_open_until), "j F Y")
        return (
            f"Thanks for your review. It stays private until {other.name} reviews you too, "
            f"or until {until}, whichever comes first."
        )

    def get_queryset(self):
        # Staff can see agreements but only the parties review them.
        return Agreement.objects.of(self.request.user).select_related("customer", "tasker")

    def act(self, form):
        return services.review_create(
            agreement=self.object,
            by=self.request.user,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )


# --- Reports ---


class ReportCreateView(LoginRequiredMixin, SubmittedOnceMixin, RateLimitMixin, FormView):
    ratelimit_scope = "report"
    form_class = ReportForm
    template_name = "marketplace/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if kwargs["kind"] not in Report.Kind.values:
                raise Http404("No such kind of content.")
            self.target = get_object_or_404(
                reportable(kwargs["kind"], request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            target=self.target, kind_label=Report.Kind(self.kwargs["kind"]).label, **kwargs
        )

    def form_valid(self, form):
        back = self.target.get_absolute_url()
        fields = {name: form.cleaned_data[name] for name in ("reason", "details")}
        try:
            self.submit_once(
                form,
                lambda: services.report_create(
                    reporter=self.request.user,
                    kind=self.kwargs["kind"],
                    object_id=self.target.pk,
                    **fields,
                ),
                url_of=lambda report: back,
            )
        except AlreadySubmitted as done:
            return self.already_submitted(done, back)
        except DomainError as error:
            messages.info(self.request, str(error))
        else:
            messages.success(
                self.request, "Thank you. A moderator will look at your report; we may not reply."
            )
        return HttpResponseRedirect(back)


# --- Dashboard ---


class CountedPaginator(Paginator):
    """A paginator told how many objects there are, so it does not COUNT them itself."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "marketplace/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        figures = dashboard_figures(user)
        sections = dashboard_sections(user)
        return super().get_context_data(
            needs_action=Agreement.objects.of(user)
            .filter(needs_action_q(user))
            .select_related("customer", "tasker", "task"),
            agreements=self.page(
                sections["agreements"].select_related("customer", "tasker"),
                figures["agreement_count"],
                "agreements_page",
            ),
            tasks=self.page(
                sections["tasks"].with_card_data().order_by("status", "-created_at"),
                figures["task_count"],
                "tasks_page",
            ),
            bids=self.page(
                sections["bids"].select_related("task").order_by("status", "-created_at"),
                figures["bid_count"],
                "bids_page",
            ),
            spent=figures["spent"],
            earned=figures["earned"],
            suggestions=suggested_tasks(user)
            if user.is_tasker and not figures["bid_count"]
            else (),
            **kwargs,
        )

    def page(self, queryset, count: int, param: str):
        """One page of a dashboard section; each section pages on its own parameter.

        The sections are counted together by `dashboard_figures`, not one COUNT each.
        """
        page = CountedPaginator(queryset, 10, count=count).get_page(self.request.GET.get(param))
        page.param = param
        return page


# --- Messages and notifications ---


class InboxView(LoginRequiredMixin, ListView):
    template_name = "marketplace/inbox.html"
    context_object_name = "conversations"
    paginate_by = 20

    def get_queryset(self):
        return conversations_for(self.request.user)


class ParticipantConversationMixin(LoginRequiredMixin):
    def get_queryset(self):
        return Conversation.objects.of(self.request.user).select_related("user_a", "user_b", "task")


class ConversationDetailView(ParticipantConversationMixin, RateLimitMixin, ServiceFormView):
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
