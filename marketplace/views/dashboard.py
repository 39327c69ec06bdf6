from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from ..models import Agreement
from ..selectors import (
    SUGGESTION_SEARCHES,
    dashboard_figures,
    dashboard_sections,
    needs_action_q,
    suggested_tasks,
)
from .base import CountedPaginator


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "marketplace/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        figures = dashboard_figures(user)
        sections = dashboard_sections(user)
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
            suggestions=self.suggestions(user),
            **kwargs,
        )

    @staticmethod
    def suggestions(user):
        """What the dashboard calls "new tasks for you": from skills, area, saved searches."""
        if not user.is_tasker:
            return ()
        searches = user.saved_searches.select_related("category")[:SUGGESTION_SEARCHES]
        return suggested_tasks(user, searches=searches)

    def page(self, queryset, count: int, param: str):
        """One page of a dashboard section; each section pages on its own parameter.

        The sections are counted together by `dashboard_figures`, not one COUNT each.
        """
        page = CountedPaginator(queryset, 10, count=count).get_page(self.request.GET.get(param))
        page.param = param
        return page
