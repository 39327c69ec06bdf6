from django.contrib.admin.apps import AdminConfig


class TaskerAdminConfig(AdminConfig):
    """Django's admin on our site class, which asks staff for a second factor."""

    default_site = "accounts.admin_site.TaskerAdminSite"
