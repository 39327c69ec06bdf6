"""Links that leave the site: in emails, the site's address goes in front of the path."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """Turn a site path into a link that works from an email."""
    return f"{settings.SITE_URL}{path}"
