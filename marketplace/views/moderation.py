from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import FormView

from tasker.ratelimit import RateLimitMixin

from .. import services
from ..forms import (
    ReportForm,
)
from ..models import (
    Report,
)
from ..selectors import (
    reportable,
)
from ..services import AlreadySubmitted
from ..states import DomainError
from .base import SubmittedOnceMixin


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
