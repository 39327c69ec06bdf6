from django.contrib.auth.management import create_permissions
from django.db import migrations

# What moderation needs, and nothing more: read everything on the marketplace, change what
# is moderated (hide/unhide, suspend, close reports). No add or delete, no group or
# permission editing, so a moderator cannot grant staff rights.
PERMISSIONS = {
    "accounts": {"user": ["view", "change"]},
    "marketplace": {
        "task": ["view", "change"],
        "bid": ["view"],
        "bidrevision": ["view"],
        "agreement": ["view"],
        "review": ["view", "change"],
        "taskevent": ["view"],
        "conversation": ["view"],
        "message": ["view", "change"],
        "notification": ["view"],
        "report": ["view", "change"],
        "category": ["view"],
    },
}


def create_moderators(apps, schema_editor):
    # Permissions are normally created after migrations run; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    codenames = [
        (app, f"{action}_{model}")
        for app, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in codenames
    ]
    group.permissions.set(permissions)


def remove_moderators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0002_seed_categories"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, remove_moderators)]
