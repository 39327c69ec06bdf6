from django.utils import timezone
from django.utils.formats import date_format

from .. import services
from ..forms import (
    ReviewForm,
)
from ..models import (
    Agreement,
)
from .agreements import PartyAgreementMixin
from .base import ServiceFormView


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
