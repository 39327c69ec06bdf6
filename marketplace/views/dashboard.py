from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from tasker.pagecache import PageCacheMixin

from ..context_processors import UnreadCounts
from ..models import Bid
from ..selectors import (
    dashboard_figures,
    dashboard_sections,
    suggested_tasks,
    with_people,
)
from .base import CountedPaginator

BID_FIELDS = [field.name for field in Bid._meta.concrete_fields]


class DashboardView(LoginRequiredMixin, PageCacheMixin, TemplateView):
    template_name = "marketplace/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        sections = dashboard_sections(user)
        needs_action = list(
            with_people(sections["needs_action"], "customer", "tasker", related=("task",))
        )
        figures = dashboard_figures(user, sections, needing_action=len(needs_action))
        for agreement in needs_action:
            agreement.step = agreement.next_step(user)
            agreement.other = agreement.counterpart(user)
        return super().get_context_data(
            needs_action=needs_action,
            agreements=self.page(
                with_people(sections["agreements"], "customer", "tasker"),
                figures["agreement_count"],
                "agreements_page",
            ),
            tasks=self.page(
                sections["tasks"].with_bid_count().order_by("status", "-created_at"),
                figures["task_count"],
                "tasks_page",
            ),
            bids=self.page(
                sections["bids"]
                .select_related("task")
                .only(*BID_FIELDS, "task__title")  # the task's link and title
                .order_by("status", "-created_at"),
                figures["bid_count"],
                "bids_page",
            ),
            spent=figures["spent"],
            earned=figures["earned"],
            suggestions=suggested_tasks(user, home=figures["home"]) if user.is_tasker else (),
            unread_counts=UnreadCounts.read_with(
                self.request,
                messages=figures["unread_messages"],
                notifications=figures["unread_notifications"],
            ),
            **kwargs,
        )

    def page(self, queryset, count: int, param: str):
        """One page of a dashboard section; each section pages on its own parameter.

        The sections are counted together by `dashboard_figures`, not one COUNT each.
        """
        page = CountedPaginator(queryset, 10, count=count).get_page(self.request.GET.get(param))
        page.param = param
        return page
