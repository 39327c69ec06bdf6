from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"

    def ready(self) -> None:
        from accounts import registry

        from .account_data import PART

        # The data export and account deletion in `accounts` reach marketplace rows only
        # through this registration: accounts never imports marketplace.
        registry.register(PART)
