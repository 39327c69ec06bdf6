from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0013_load_places"),
    ]

    operations = [
        migrations.AddField(
            model_name="savedsearch",
            name="digested_up_to",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
