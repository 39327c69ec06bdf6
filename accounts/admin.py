from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied

from marketplace import services
from marketplace.states import DomainError

from .models import User

STAFF_ONLY_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
# What would let a moderator sign in as someone: the email (a reset link goes there); the
# password has its own page, see `user_change_password`.
SUPERUSER_ONLY_FIELDS = (*STAFF_ONLY_FIELDS, "is_active", "email")


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
    readonly_fields = ("last_login", "date_joined")
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

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is signing in as them: superusers only.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description="Suspend selected users (signs them out)", permissions=["change"])
    def suspend_selected(self, request, queryset):
        self._apply(request, queryset, services.user_suspend, "Suspended")

    @admin.action(description="Reinstate selected users", permissions=["change"])
    def reinstate_selected(self, request, queryset):
        self._apply(request, queryset, services.user_reinstate, "Reinstated")

    def _apply(self, request, queryset, service, verb: str) -> None:
        done = 0
        for user in queryset:
            try:
                service(user=user, by=request.user)
            except DomainError as error:
                self.message_user(request, f"{user}: {error}", messages.ERROR)
                continue
            self.log_change(request, user, verb)
            done += 1
        self.message_user(request, f"{verb} {done} user(s).", messages.SUCCESS)
