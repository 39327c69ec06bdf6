from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete

        from accounts import registry
        from tasker import listing

        from .account_data import PART
        from .selectors import profile_reviews, reputation

        # The data export and account deletion in `accounts` reach marketplace rows only
        # through this registration: accounts never imports marketplace.
        registry.register(PART)
        # A public profile shows the user's reputation and reviews the same way.
        registry.register_profile(
            registry.ProfileData(
                app_label=self.label, annotations=reputation, context=profile_reviews
            )
        )

        from .models import TaskPhoto
        from .services.photos import delete_photo_files

        # A photo's files go with its row however the row goes (removed by its owner, or
        # with its task in the admin), once the deletion is committed. Files are not
        # domain logic; this and the listing cache's receivers are the only signals.
        def photo_deleted(sender, instance, **kwargs):
            transaction.on_commit(lambda: delete_photo_files(instance))

        post_delete.connect(photo_deleted, sender=TaskPhoto, weak=False)

        # Every save or deletion of what a task list shows invalidates the cached lists.
        listing.connect()
