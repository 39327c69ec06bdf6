from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from marketplace.views import HomeView

from .health import healthz
from .pages import InfoPageView, StyleguideView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("accounts.urls")),
    path("", include("marketplace.urls")),
    path("admin/", admin.site.urls),
    # --- The site's own pages ---
    path("help/", InfoPageView.as_view(template_name="pages/help.html"), name="help"),
    path("terms/", InfoPageView.as_view(template_name="pages/terms.html"), name="terms"),
    path("privacy/", InfoPageView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("contact/", InfoPageView.as_view(template_name="pages/contact.html"), name="contact"),
    path("styleguide/", StyleguideView.as_view(), name="styleguide"),
]

# Uploaded photos: Django serves them under `make run` (SERVE_MEDIA, on with DEBUG); nginx or
# the object storage does in production. (Only what is under MEDIA_ROOT: a hidden photo's
# file is elsewhere.)
if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        path(
            settings.MEDIA_URL.lstrip("/") + "<path:path>",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
