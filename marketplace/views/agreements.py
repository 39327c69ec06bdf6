from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.views.generic import DetailView

from .. import services
from ..forms import (
    AgreementCancelForm,
)
from ..models import (
    Agreement,
    Review,
)
from .base import ActionView, ServiceFormView


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
            message_to=agreement.message_to(user),
            show_reviews=agreement.in_state_for("review"),
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
