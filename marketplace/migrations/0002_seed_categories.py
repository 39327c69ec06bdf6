from django.db import migrations

CATEGORIES = [
    ("Cleaning", "cleaning", "Homes, offices, end-of-tenancy and deep cleans."),
    ("Moving", "moving", "Help with boxes, vans and heavy lifting."),
    ("Handyman", "handyman", "Small repairs, shelves, painting and odd jobs."),
    ("Delivery", "delivery", "Pick something up and bring it where it needs to be."),
    ("Furniture assembly", "furniture-assembly", "Flat-pack wardrobes, beds, desks and more."),
    ("Gardening", "gardening", "Mowing, weeding, hedges and garden tidy-ups."),
    ("Tech help", "tech-help", "Set-up, repairs and lessons for computers, phones and Wi-Fi."),
    ("Other", "other", "Anything else a friendly local could help with."),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("marketplace", "Category")
    for name, slug, description in CATEGORIES:
        Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


def remove_categories(apps, schema_editor):
    Category = apps.get_model("marketplace", "Category")
    Category.objects.filter(slug__in=[slug for _, slug, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(add_categories, remove_categories)]
