from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from marketplace.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("accounts.urls")),
    path("", include("marketplace.urls")),
    path(
        "privacy/",
        TemplateView.as_view(
            template_name="pages/privacy.html",
            extra_context={"contact_email": settings.PRIVACY_CONTACT_EMAIL},
        ),
        name="privacy",
    ),
    path("admin/", admin.site.urls),
]
