"""Profile pictures: one per user, cropped square, shown wherever their avatar is; removed
with the picture or the account."""

import io

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from PIL import Image

from accounts.models import User

from .conftest import client_for
from .factories import TaskFactory, TaskPhotoFactory
from .helpers import page_form, snapshot
from .images import SVG, has_exif, image_bytes, truncated_jpeg, upload

EDIT = reverse("accounts:profile_edit")

pytestmark = pytest.mark.django_db


def send(client, **changes):
    form = page_form(client.get(EDIT)) | changes
    return client.post(EDIT, form)


def test_a_picture_is_cropped_square_without_exif_and_shown_as_the_avatar(
    client, tasker, django_capture_on_commit_callbacks
):
    tasker_client = client_for(tasker)
    data = image_bytes(size=(300, 200), gps=True)
    response = send(tasker_client, photo=upload("me.jpg", data))
    assert response.status_code == 302
    tasker.refresh_from_db()
    assert tasker.photo.name.startswith("avatars/") and "me" not in tasker.photo.name
    stored = storages["default"].open(tasker.photo.name).read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (512, 512)
    assert not has_exif(stored)
    profile = client.get(tasker.get_absolute_url()).content.decode()
    assert f'src="{tasker.photo_url}"' in profile
    served = client.get(tasker.photo_url)
    assert served["Content-Type"] == "image/jpeg"
    assert not has_exif(b"".join(served.streaming_content))

    with django_capture_on_commit_callbacks(execute=True):
        send(tasker_client, photo=upload("new.png", image_bytes("PNG"), "image/png"))
    old = tasker.photo.name
    tasker.refresh_from_db()
    assert tasker.photo.name != old and not storages["default"].exists(old)


def test_without_a_picture_the_avatar_shows_initials(client, tasker):
    page = client.get(tasker.get_absolute_url()).content.decode()
    assert 'class="avatar avatar-xl avatar-tone-' in page


@pytest.mark.parametrize(
    "bad",
    [
        ("notes.jpg", b"not a picture at all", "is not a JPEG, PNG or WebP"),
        ("face.svg", SVG, "is not a JPEG, PNG or WebP"),
        ("half.jpg", truncated_jpeg(), "damaged or incomplete"),
    ],
    ids=["text", "svg", "truncated"],
)
def test_a_bad_picture_is_a_form_error_and_nothing_else_is_lost(tasker, bad):
    name, content, message = bad
    tasker_client = client_for(tasker)
    before = snapshot()
    response = send(tasker_client, photo=upload(name, content), city="Whitby")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'value="Whitby"' in page
    assert snapshot() == before


def test_removing_the_picture_deletes_its_files(tasker, django_capture_on_commit_callbacks):
    tasker_client = client_for(tasker)
    send(tasker_client, photo=upload())
    tasker.refresh_from_db()
    files = [tasker.photo.name, tasker.photo_thumb]
    with django_capture_on_commit_callbacks(execute=True):
        assert send(tasker_client, remove_photo="on").status_code == 302
    tasker.refresh_from_db()
    assert not tasker.photo and tasker.photo_url == ""
    assert not any(storages["default"].exists(name) for name in files)


def test_a_deleted_account_loses_its_picture_and_its_unagreed_tasks_photos(
    customer, django_capture_on_commit_callbacks
):
    customer_client = client_for(customer)
    send(customer_client, photo=upload())
    customer.refresh_from_db()
    photo = TaskPhotoFactory(task=TaskFactory(customer=customer))
    files = [customer.photo.name, customer.photo_thumb, photo.image.name]
    delete = reverse("accounts:delete")
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(delete, {"password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    customer = User.objects.get(pk=customer.pk)
    assert customer.is_deleted and not customer.photo and not customer.photo_thumb
    assert not any(storages["default"].exists(name) for name in files)
