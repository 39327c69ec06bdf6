from django.contrib import admin
from django.urls import include, path

from marketplace.views import HomeView

from .health import healthz

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("accounts.urls")),
    path("", include("marketplace.urls")),
    path("admin/", admin.site.urls),
]
