"""Media storage from the environment: the local folders by default, an S3-compatible bucket
when MEDIA_STORAGE=s3. Built in a subprocess with only the variables given, as a server
would; nothing here contacts a bucket."""

import json

from .test_settings import PRODUCTION_ENV, run_django

SHOW_STORAGES = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
public, private = storages["default"], storages["private"]
print(json.dumps({
    "public": type(public).__module__ + "." + type(public).__name__,
    "private": type(private).__module__ + "." + type(private).__name__,
    "bucket": getattr(public, "bucket_name", None),
    "public_location": str(public.location),
    "private_location": str(private.location),
    "private_acl": getattr(private, "default_acl", None),
    "private_signed": getattr(private, "querystring_auth", None),
    "endpoint": getattr(public, "endpoint_url", None),
    "url": public.url("photos/abc.jpg"),
    "media_url": settings.MEDIA_URL,
    "img_src": settings.SECURE_CSP["img-src"],
}))
"""

S3_ENV = {
    **PRODUCTION_ENV,
    "MEDIA_STORAGE": "s3",
    "S3_BUCKET": "tasker-media",
    # Nothing listens here: building the storage must not need it.
    "S3_ENDPOINT_URL": "http://127.0.0.1:9",
    "S3_REGION": "eu-west-2",
    "S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "not-a-real-secret",
    "S3_CUSTOM_DOMAIN": "media.example.com",
}


def storages_with(**env) -> dict:
    result = run_django(["-c", SHOW_STORAGES], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_media_is_on_the_local_disk_by_default():
    found = storages_with(**PRODUCTION_ENV)
    assert (
        found["public"]
        == found["private"]
        == "django.core.files.storage.filesystem.FileSystemStorage"
    )
    assert found["public_location"].endswith("/media")
    assert found["private_location"].endswith("/private_media")
    assert found["url"] == "/media/photos/abc.jpg"


def test_s3_storage_is_built_from_the_variables_without_contacting_anything():
    found = storages_with(**S3_ENV)
    assert found["public"] == found["private"] == "storages.backends.s3.S3Storage"
    assert found["bucket"] == "tasker-media" and found["endpoint"] == "http://127.0.0.1:9"
    assert (found["public_location"], found["private_location"]) == ("media", "private")
    assert found["private_acl"] == "private" and found["private_signed"] is True
    assert found["url"] == "https://media.example.com/media/photos/abc.jpg"
    assert found["media_url"] == "https://media.example.com/media/"
    assert "https://media.example.com/media/" in found["img_src"]


def test_an_unknown_storage_kind_stops_the_server():
    result = run_django(["-c", SHOW_STORAGES], **PRODUCTION_ENV, MEDIA_STORAGE="ftp")
    assert result.returncode != 0
    assert "MEDIA_STORAGE must be local or s3" in result.stderr
