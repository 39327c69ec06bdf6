from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.signing import BadSignature
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, UpdateView

from ..emails import read_search_unsubscribe_token
from ..forms import SavedSearchEditForm, SavedSearchForm, TaskFilterForm
from ..models import SavedSearch
from ..services import saved_search_create, saved_search_stop_alerts
from .base import ActionView


class OwnSearchesMixin(LoginRequiredMixin):
    """Only the signed-in user's searches: anyone else's is a 404."""

    def get_queryset(self):
        return SavedSearch.objects.filter(owner=self.request.user).select_related("category")


class SavedSearchListView(OwnSearchesMixin, ListView):
    template_name = "marketplace/saved_search_list.html"
    context_object_name = "searches"
    paginate_by = 20


class SavedSearchCreateView(LoginRequiredMixin, FormView):
    """Save the filters the browse page was showing (its "Save this search" form).

    GET shows the same form on a page of its own, for the browse filters in the query
    string; a form in error is shown there too, with the filters still held in it.
    """

    form_class = SavedSearchForm
    template_name = "marketplace/saved_search_form.html"

    def get_initial(self):
        return SavedSearchForm.initial_from(TaskFilterForm(self.request.GET or None))

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        search = SavedSearch(**{k: v for k, v in self._shown(form).items()})
        return super().get_context_data(filters_described=search.describe(), **kwargs)

    @staticmethod
    def _shown(form) -> dict:
        """The filters the form holds, as SavedSearch columns (for describing them)."""
        source = form.data if form.is_bound else form.initial
        filter_form = TaskFilterForm(
            data={name: source.get(name) or "" for name in SavedSearchForm.FILTER_FIELDS}
        )
        data = filter_form.filters()
        return {
            "q": data.get("q") or "",
            "category": data.get("category"),
            "city": data.get("city") or "",
            "budget_min": data.get("budget_min"),
            "budget_max": data.get("budget_max"),
            "remote": bool(data.get("remote")),
            "near": (source.get("near") or "").strip(),
        }

    def form_valid(self, form):
        search = saved_search_create(
            owner=self.request.user,
            name=form.cleaned_data["name"],
            filters=form.filters,
            frequency=form.cleaned_data["frequency"],
        )
        messages.success(
            self.request,
            f"Saved “{search.name}”. New matching tasks: "
            f"{search.get_frequency_display().lower()} by email.",
        )
        return HttpResponseRedirect(search.browse_url())


class SavedSearchEditView(OwnSearchesMixin, SuccessMessageMixin, UpdateView):
    form_class = SavedSearchEditForm
    template_name = "marketplace/saved_search_edit.html"
    success_url = reverse_lazy("marketplace:saved_search_list")
    success_message = "Saved “%(name)s”."


class SavedSearchDeleteView(OwnSearchesMixin, ActionView):
    template_name = "marketplace/confirm_saved_search_delete.html"

    def refusal(self, obj) -> str | None:
        return None  # one's own search can always be deleted

    def act(self, obj) -> None:
        self.success_message = f"Deleted the saved search “{obj.name}”."
        obj.delete()

    def get_success_url(self) -> str:
        return reverse("marketplace:saved_search_list")


# The signed token is the credential, as for EmailUnsubscribeView (RFC 8058 one-click).
@method_decorator(csrf_exempt, name="dispatch")
class SavedSearchUnsubscribeView(View):
    """GET asks to confirm; POST stops the alerts of one saved search."""

    template_name = "marketplace/saved_search_unsubscribe.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.search = SavedSearch.objects.select_related("owner").get(
                pk=read_search_unsubscribe_token(kwargs["token"])
            )
        except (BadSignature, SavedSearch.DoesNotExist):
            return render(request, "marketplace/email_unsubscribe_invalid.html", status=400)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, token):
        return render(request, self.template_name, {"search": self.search, "done": False})

    def post(self, request, token):
        saved_search_stop_alerts(search=self.search)
        return render(request, self.template_name, {"search": self.search, "done": True})
