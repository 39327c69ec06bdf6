"""The admin, opened only to staff who signed in with a second factor, and the page its
actions ask a reason on."""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.shortcuts import redirect
from django.template.response import TemplateResponse

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


def ask_first(modeladmin, request, queryset, form, *, title: str, action: str):
    """The page between choosing an action and applying it, asking for a reason or note."""
    return TemplateResponse(
        request,
        "admin/moderation_reason.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "objects": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        },
    )
