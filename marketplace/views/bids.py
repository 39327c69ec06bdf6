from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.forms.models import model_to_dict
from django.shortcuts import redirect

from tasker.ratelimit import RateLimitMixin

from .. import services
from ..forms import (
    BidForm,
    BidPlaceForm,
)
from ..models import (
    Bid,
    Task,
)
from .base import ActionView, ServiceFormView


class BidCreateView(RateLimitMixin, ServiceFormView):
    ratelimit_scope = "bid"
    form_class = BidPlaceForm
    template_name = "marketplace/bid_form.html"
    success_message = "Your bid was sent to the customer."

    def get_queryset(self):
        return Task.objects.visible_to(self.request.user).select_related("customer", "town")

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
        return Bid.objects.filter(tasker=self.request.user).select_related("task__town")


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
