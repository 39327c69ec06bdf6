from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied

from tasker.errors import DomainError
from tasker.validators import single_line

from . import services
from .admin_site import ask_first
from .models import User

STAFF_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
# What would let a moderator sign in as someone: the email (a reset link goes there); the
# password has its own page, see `user_change_password`.
SUPERUSER_ONLY_FIELDS = (*STAFF_ONLY_FIELDS, "is_active", "email", "email_verified")


class SuspendForm(forms.Form):
    reason = forms.CharField(
        max_length=User._meta.get_field("suspension_reason").max_length,
        help_text="The user is emailed this reason, with how to appeal, and sees it if they "
        "try to sign in. It is kept in the user's history with your name.",
        validators=[single_line],
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "display_name",
        "role",
        "city",
        "is_active",
        "is_staff",
        "date_joined",
    )
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "email", "display_name", "first_name", "last_name")
    date_hierarchy = "date_joined"
    # A suspension is made and lifted by the actions, which ask for the reason and tell the user.
    readonly_fields = (
        "last_login",
        "date_joined",
        "suspension_reason",
        "suspended_at",
        "suspended_by",
    )
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "Marketplace profile",
            {
                "fields": (
                    "display_name",
                    "role",
                    "city",
                    "bio",
                    "skills",
                    "hourly_rate",
                    "email_muted_kinds",
                )
            },
        ),
        (
            "Email and suspension",
            {"fields": ("email_verified", "suspension_reason", "suspended_at", "suspended_by")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "role", "password1", "password2"),
            },
        ),
    )
    actions = ["suspend_selected", "reinstate_selected"]

    def get_readonly_fields(self, request, obj=None):
        # Moderators are staff but must not hand out staff or superuser rights.
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, *SUPERUSER_ONLY_FIELDS)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_staff and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting the row would take the other side's agreements, reviews and messages with
        # it. An account is closed by "Delete my account", which anonymises it and keeps them.
        return False

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is signing in as them: superusers only.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(
        description="Suspend selected users (asks for a reason; signs them out)",
        permissions=["change"],
    )
    def suspend_selected(self, request, queryset):
        form = SuspendForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            title = f"Suspend {queryset.count()} user(s)"
            return ask_first(self, request, queryset, form, title=title, action="suspend_selected")
        reason = form.cleaned_data["reason"]
        self._apply(
            request,
            queryset,
            lambda user, by: services.user_suspend(user=user, by=by, reason=reason),
            "Suspended",
            note=f"Suspended: {reason}",
        )
        return None

    @admin.action(description="Reinstate selected users", permissions=["change"])
    def reinstate_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda user, by: services.user_reinstate(user=user, by=by),
            "Reinstated",
            note="Reinstated",
        )

    def _apply(self, request, queryset, service, verb: str, *, note: str) -> None:
        done = 0
        for user in queryset:
            try:
                service(user, request.user)
            except DomainError as error:
                self.message_user(request, f"{user}: {error}", messages.ERROR)
                continue
            # Who and why, in the user's admin history.
            self.log_change(request, user, note)
            done += 1
        self.message_user(request, f"{verb} {done} user(s).", messages.SUCCESS)
