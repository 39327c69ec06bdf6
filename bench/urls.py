"""The product's URLs plus the bench baseline; never part of the product itself."""

from django.urls import include, path

from .views import fortunes

urlpatterns = [
    path("bench/baseline/", fortunes, name="bench_baseline"),
    path("", include("tasker.urls")),
]
