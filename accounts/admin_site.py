"""The admin, opened only to staff who signed in with a second factor."""

from django.contrib import admin
from django.shortcuts import redirect

from .two_factor import two_factor_url


class TaskerAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        # After the password, a staff member without the second factor is sent to set up
        # a device or to enter a code, then back here.
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not user.is_verified():
            return redirect(two_factor_url(user, request.GET.get("next", "")))
        return super().login(request, extra_context)
