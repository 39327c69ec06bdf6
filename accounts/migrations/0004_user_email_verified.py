from django.db import migrations, models


def mark_existing_accounts_verified(apps, schema_editor):
    # Accounts made before addresses were confirmed have been in use, their mail delivered:
    # asking every one of them to confirm now would only add a banner.
    apps.get_model("accounts", "User").objects.update(email_verified=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_is_active_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified",
            field=models.BooleanField(
                default=False,
                help_text="Whether the user opened the link sent to their email address.",
            ),
        ),
        migrations.RunPython(mark_existing_accounts_verified, migrations.RunPython.noop),
    ]
