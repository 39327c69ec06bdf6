from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"

    def ready(self) -> None:
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
        # Every save or deletion of what a task list shows invalidates the cached lists.
        listing.connect()
