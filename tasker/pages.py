"""The site's own pages that belong to no app: Help, Terms, Privacy, Contact, and the
components page (/styleguide/, only with DEBUG on)."""

from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.views.generic import TemplateView

from accounts.models import User
from marketplace.models import REVIEW_BLIND_DAYS, Category
from marketplace.templatetags.ui import AVATAR_TONES, STATUS_BADGES


class InfoPageView(TemplateView):
    """A page of information, with the support address and the review window to quote."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            support_email=settings.SUPPORT_EMAIL, review_blind_days=REVIEW_BLIND_DAYS, **kwargs
        )


class StyleguideView(TemplateView):
    """Every building block of the site on one page, for whoever changes the design.

    Shown only in development (DEBUG); a 404 on a live site.
    """

    template_name = "pages/styleguide.html"

    def dispatch(self, request, *args, **kwargs):
        if not settings.DEBUG:
            raise Http404("The styleguide is shown only with DEBUG on.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # Unsaved people: the page shows every avatar colour without touching the database.
        people = [
            User(pk=tone, username=name.lower().replace(" ", "_"), display_name=name)
            for tone, name in enumerate(
                [
                    "Carys Jones",
                    "Tomasz Nowak",
                    "Grace",
                    "Kwame Mensah",
                    "Priya Shah",
                    "Daniel O'Brien",
                    "Aisha Bello",
                    "Sam Lee",
                ][:AVATAR_TONES]
            )
        ]
        return super().get_context_data(
            people=people,
            ratings=[(Decimal("4.5"), 12), (Decimal("5"), 1), (Decimal("3.2"), 5), (None, 0)],
            statuses=list(STATUS_BADGES),
            categories=Category.objects.all(),
            icons=[
                "search",
                "funnel",
                "geo-alt",
                "globe2",
                "calendar-event",
                "clock",
                "chat-left-text",
                "bell",
                "speedometer2",
                "plus-lg",
                "gear",
                "shield-check",
                "star-fill",
                "star-half",
                "star",
                "flag",
                "inbox",
                "envelope",
            ],
            **kwargs,
        )
