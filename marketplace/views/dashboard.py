from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from tasker.pagecache import PageCacheMixin

from ..context_processors import UnreadCounts
from ..models import Agreement
from ..selectors import (
    dashboard_figures,
    dashboard_sections,
    needs_action_q,
    suggested_tasks,
)
from .base import CountedPaginator


class DashboardView(LoginRequiredMixin, PageCacheMixin, TemplateView):
    template_name = "marketplace/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        sections = dashboard_sections(user)
        figures = dashboard_figures(user, sections)
        needs_action = list(
            Agreement.objects.of(user)
            .filter(needs_action_q(user))
            .select_related("customer", "tasker", "task")
        )
        for agreement in needs_action:
            agreement.step = agreement.next_step(user)
            agreement.other = agreement.counterpart(user)
        return super().get_context_data(
            needs_action=needs_action,
            agreements=self.page(
                sections["agreements"].select_related("customer", "tasker"),
                figures["agreement_count"],
                "agreements_page",
            ),
            tasks=self.page(
                sections["tasks"].with_bid_count().order_by("status", "-created_at"),
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
