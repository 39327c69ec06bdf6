"""`{{ name|media_url }}`: the public address of a file in the media storage."""

from django import template
from django.core.files.storage import storages

register = template.Library()


@register.filter
def media_url(name: str) -> str:
    return storages["default"].url(name) if name else ""
