from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import F
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, FormView, TemplateView

from tasker import listing
from tasker.pagecache import PageCacheMixin

from .. import paging, services
from ..context_processors import UnreadCounts
from ..forms import (
    BidPlaceForm,
    SavedSearchForm,
    TaskFilterForm,
    TaskForm,
    TaskPostForm,
)
from ..models import (
    Category,
    Task,
)
from ..places import DEFAULT_RADIUS, place_find
from ..selectors import (
    reputation,
    tasks_browse,
    tasks_browse_counted,
    unread_count_annotations,
    with_people,
)
from ..services import AlreadySubmitted
from ..states import DomainError
from .base import ActionView, ServiceFormView, SubmittedOnceMixin
from .questions import question_context


def place_message(request, task) -> None:
    """Tell a customer whose city matched no place, or one of several of that name, what
    the task was placed in and how to change it (the city is kept as they wrote it)."""
    if not task.city:
        return
    match = place_find(task.city)
    if match.place is None:
        hint = ", ".join(str(place) for place in match.suggestions)
        messages.info(
            request,
            f"We could not find “{task.city}” among UK towns and villages, so the task is not"
            " in searches by distance. "
            + (f"Did you mean {hint}? " if hint else "")
            + "Edit the task to write the nearest town.",
        )
    elif match.alternatives:
        others = " or ".join(str(place) for place in match.alternatives)
        messages.info(
            request,
            f"We placed the task in {match.place}. If you meant {others}, edit the task and"
            " write that as the city.",
        )


class HomeView(PageCacheMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            categories=Category.objects.all(),
            latest_tasks=tasks_browse({})[:6],
            **kwargs,
        )


class TaskListView(PageCacheMixin, TemplateView):
    """Open tasks, filtered and sorted. The results (count, cards, pages) are the same for
    everybody with the same filters, so they are rendered without the request and cached
    per listing generation under the form's cleaned filters (all of them: a filter added
    to TaskFilterForm is in the key with no change here)."""

    template_name = "marketplace/task_list.html"
    paginate_by = 20

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.filter_form = TaskFilterForm(request.GET or None)
        self.filters = self.filter_form.filters()
        self.page_number = (request.GET.get("page") or "").strip()

    def page_cache_key(self) -> str | None:
        if self.filter_form.errors:
            return None  # the page shows what was typed, and why it is wrong
        return f"{self.form_key()}:{self.results_key()}"

    def form_key(self) -> str:
        """The filter form shows what was typed ("Garden " and "garden" find the same
        tasks, but each page shows its own words back): its key is the raw values."""
        raw = {name: self.request.GET.getlist(name) for name in self.filter_form.fields}
        return listing.filters_key(raw)

    def results_key(self) -> str:
        return f"{listing.filters_key(self.filters)}:{self.page_number}"

    def page_query(self) -> QueryDict:
        """The query string of the results' page links: the cleaned filters alone."""
        query = QueryDict(mutable=True)
        for name in sorted(self.filters):
            value = self.filters[name]
            if value not in (None, "", False):
                query[name] = str(self.filter_form.fields[name].prepare_value(value))
        return query

    def render_results(self) -> str:
        number = self.page_number or "1"
        cap = paging.MAX_RESULTS
        # The rows the page reads up to: all of them (up to the cap) for "last", a page past
        # the cap (which shows the last one) or what is not a page number at all.
        asked = int(number) if number.isdecimal() and len(number) <= 4 else 0
        rows = asked * self.paginate_by if 0 < asked * self.paginate_by <= cap else cap
        tasks, counted = tasks_browse_counted(self.filters, cap=cap, rows=rows)
        paginator = paging.CappedPaginator(
            tasks.with_card_data(), self.paginate_by, counted=counted, cap=cap
        )
        # A bookmarked page that no longer exists shows the nearest one rather than a 404.
        page = paginator.get_page(paginator.num_pages if number == "last" else number)
        context = {"page_obj": page, "paginator": paginator, "tasks": page.object_list}
        return render_to_string(
            "marketplace/_task_results.html", context | {"page_query": self.page_query()}
        )

    def get_context_data(self, **kwargs):
        results = listing.cached_fragment("browse", self.results_key(), self.render_results)
        fields = listing.cached_fragment(
            "browse-filter",
            self.form_key(),
            lambda: render_to_string("marketplace/_task_filter.html", {"form": self.filter_form}),
            generation_key=listing.FORM_GENERATION_KEY,
        )
        if self.request.user.is_authenticated:
            kwargs["save_form"] = SavedSearchForm(
                initial=SavedSearchForm.initial_from(self.filter_form), auto_id="save_%s"
            )
        # HTML the template engine rendered, with autoescaping.
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_fields=mark_safe(fields),  # noqa: S308
            results=mark_safe(results),  # noqa: S308
            near=self.near_context(),
            **kwargs,
        )

    def near_context(self) -> dict | None:
        """The place a distance search found, and the other places it might have meant
        (the same name elsewhere, or close spellings of an unknown one) as links that
        search near them instead; None without a place."""
        match = self.filter_form.place_match
        if match is None:
            return None
        query = self.request.GET.copy()
        query.pop("page", None)

        def link(place):
            query["near"] = str(place)
            return {"place": place, "url": f"?{query.urlencode()}"}

        data = self.filter_form.cleaned_data
        radius = data.get("radius") or DEFAULT_RADIUS
        return {
            "place": match.place,
            "radius": radius,
            "others": [link(place) for place in match.alternatives or match.suggestions],
        }


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
                lambda: self.post_with_photos(form),
                url_of=lambda task: task.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return self.already_submitted(done, reverse("marketplace:dashboard"))
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, "Your task is live. Taskers can now bid on it.")
        place_message(self.request, task)
        return redirect(task)

    @transaction.atomic
    def post_with_photos(self, form) -> Task:
        task = services.task_post(task=form.instance, by=self.request.user)
        services.photos_add(task=task, by=self.request.user, images=form.cleaned_data["photos"])
        return task


class TaskRepostView(TaskCreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            old = get_object_or_404(Task, pk=kwargs["pk"], customer=request.user)
            if not old.can("repost", request.user):
                messages.error(request, old.refusal("repost", request.user))
                return redirect(old)
            self.reposted_from = old
        return super().dispatch(request, *args, **kwargs)


# What the task page shows of its customer, and of each bidder in the owner's table.
CUSTOMER_FIGURES = ("rating_avg", "review_count", "tasks_posted")
BIDDER_FIGURES = ("rating_avg", "review_count", "completed_count", "cancelled_count")


class TaskDetailView(PageCacheMixin, DetailView):
    template_name = "marketplace/task_detail.html"
    context_object_name = "task"

    def get_queryset(self):
        user = self.request.user
        tasks = (
            Task.objects.reachable_by(user)
            .select_related("category", "customer", "agreement", "town")
            .annotate(
                **{
                    f"customer_{name}": figure
                    for name, figure in reputation("customer", CUSTOMER_FIGURES).items()
                }
            )
        )
        if user.is_authenticated:
            # The navbar's badges come with the task: the gallery and the questions each
            # take a query, and the page stays within its budget.
            tasks = tasks.annotate(**unread_count_annotations(user))
        return tasks

    def get_context_data(self, **kwargs):
        task, user = self.object, self.request.user
        context = super().get_context_data(**kwargs)
        context["actions"] = task.available_actions(user)
        context["bid_prompt"] = task.bid_prompt(user)
        context["events"] = with_people(task.events.all(), "actor")
        context.update(question_context(self.request, task))
        context["photos"] = self.gallery(task, context["actions"])
        if user.is_authenticated:
            context["unread_counts"] = UnreadCounts.read_with(
                self.request, messages=task.unread_messages, notifications=task.unread_notifications
            )
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
        agreement = getattr(task, "agreement", None)  # read with the task
        if agreement and (agreement.parties(user) or user.is_staff):
            context["agreement"] = agreement
        return context

    def gallery(self, task, actions) -> list:
        """The task's photos for the gallery; its owner also sees those hidden."""
        user = self.request.user
        photos = list(task.photos.all() if task.customer_id == user.pk else task.photos.shown())
        for number, photo in enumerate(photos, start=1):
            photo.task, photo._number = task, number  # alt text reads the title: no query
            photo.reportable = "report" in actions
        return photos

    def compared_bids(self, task):
        """The owner's table of bids, with each tasker's track record, sortable."""
        order = {
            "amount": ("amount", "created_at"),
            # Unrated taskers last on every database (PostgreSQL puts NULLs first in DESC).
            "rating": (F("rating_avg").desc(nulls_last=True), "amount"),
        }.get(self.request.GET.get("sort"), ("amount", "created_at"))
        # Of each tasker, what the table shows: name, avatar, link, and since when.
        bidders = with_people(task.bids.all(), "tasker", also=("tasker__date_joined",))
        bids = list(
            bidders.prefetch_related("revisions")
            .annotate(**reputation("tasker", BIDDER_FIGURES))
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

    @transaction.atomic
    def act(self, form):
        task, user = form.instance, self.request.user
        if changed := form.task_changed_data:
            task = services.task_edit(task=task, by=user, changed=changed)
            if "city" in changed:
                place_message(self.request, task)
        services.photos_add(task=task, by=user, images=form.cleaned_data["photos"])
        return task


class TaskCancelView(OwnTaskMixin, ActionView):
    action = "cancel"
    template_name = "marketplace/confirm_task_cancel.html"
    success_message = "Your task was cancelled. Bidders have been told."

    def get_context_data(self, **kwargs):
        pending = self.object.bids.pending().count()
        return super().get_context_data(pending_count=pending, **kwargs)

    def act(self, task):
        services.task_cancel(task=task, by=self.request.user)
