"""Task photos: posted with the task, shown on the card and the page, described, ordered and
removed by the owner; every bad upload a clear form error with nothing stored."""

import io

import pytest
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from marketplace.models import MAX_PHOTOS, Task, TaskPhoto

from .factories import TaskFactory, TaskPhotoFactory
from .helpers import messages_of, page_form, snapshot
from .images import (
    SVG,
    eleven_megabytes,
    gif_bytes,
    has_exif,
    huge_png_bytes,
    image_bytes,
    truncated_jpeg,
    upload,
)


def served(client, url: str):
    """GET a media file the way a browser would; return the response with its bytes."""
    response = client.get(url)
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


def post_task(client, *files, **changes):
    form = page_form(client.get(reverse("marketplace:task_create")))
    data = (
        form
        | {
            "title": "Paint the garden fence",
            "description": "Two coats on a twelve-metre fence; paint and brushes are provided.",
            "budget": "120.00",
            "city": "York",
            "due_date": (timezone.localdate() + timezone.timedelta(days=10)).isoformat(),
        }
        | changes
    )
    data["photos"] = list(files)
    return client.post(reverse("marketplace:task_create"), data)


@pytest.fixture
def category():
    from marketplace.models import Category

    return Category.objects.first()


def test_a_task_is_posted_with_three_photos(customer_client, customer, category):
    files = [
        upload("front.jpg", image_bytes(colour="red")),
        upload("side.png", image_bytes("PNG", colour="green"), "image/png"),
        upload("back.webp", image_bytes("WEBP", colour="blue"), "image/webp"),
    ]
    response = post_task(customer_client, *files, category=category.pk)
    task = Task.objects.get(customer=customer)
    assert response.status_code == 302 and response.url == task.get_absolute_url()
    photos = list(task.photos.all())
    assert [p.position for p in photos] == [0, 1, 2]
    assert [p.image.name.rsplit(".", 1)[1] for p in photos] == ["jpg", "png", "webp"]
    for photo in photos:
        name = photo.image.name.rsplit("/", 1)[1]
        assert name not in ("front.jpg", "side.png", "back.webp") and len(name.split(".")[0]) == 32
        assert photo.card_thumb and photo.gallery_thumb  # made at once (immediate queue)
        assert storages["default"].exists(photo.card_thumb)


def test_the_page_shows_the_gallery_and_the_card_the_first_photo(client, customer, category):
    task = TaskFactory(customer=customer, title="Fix the shed door")
    first = TaskPhotoFactory(task=task, position=0, description="The shed door, hanging loose")
    TaskPhotoFactory(task=task, position=1, description="")
    hidden = TaskPhotoFactory(task=task, position=2, is_hidden=True, hidden_reason="Not the job")
    page = client.get(task.get_absolute_url()).content.decode()
    assert 'alt="The shed door, hanging loose"' in page
    assert 'alt="Photo 2 of Fix the shed door"' in page  # no description yet
    assert hidden.image.url not in page and "Not the job" not in page
    browse = client.get(reverse("marketplace:task_list")).content.decode()
    assert f'src="{first.image.url}" width="400" height="300" alt="" loading="lazy"' in browse


def test_served_files_carry_no_exif_and_the_orientation_is_applied(customer_client, customer):
    task = TaskFactory(customer=customer)
    data = image_bytes(size=(80, 40), gps=True, orientation=6)  # turned a quarter: 40 x 80
    assert has_exif(data)
    edit = reverse("marketplace:task_edit", args=[task.pk])
    form = page_form(customer_client.get(edit))
    form["photos"] = [upload("gps.jpg", data + b"<?php echo 'payload'; ?>")]
    assert customer_client.post(edit, form).status_code == 302
    photo = task.photos.get()
    for url in (photo.full_url, photo.card_url, photo.gallery_url):
        response = served(customer_client, url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert not has_exif(response.body) and b"payload" not in response.body
    with Image.open(io.BytesIO(served(customer_client, photo.full_url).body)) as image:
        assert image.size == (40, 80)


BAD_UPLOADS = {
    "text named .jpg": (
        lambda: upload("notes.jpg", b"just some text, not a photo"),
        "is not a JPEG, PNG or WebP",
    ),
    "svg": (lambda: upload("logo.svg", SVG, "image/svg+xml"), "is not a JPEG, PNG or WebP"),
    "svg named .png": (lambda: upload("logo.png", SVG, "image/png"), "is not a JPEG, PNG or WebP"),
    "gif": (lambda: upload("anim.gif", gif_bytes(), "image/gif"), "is not a JPEG, PNG or WebP"),
    "truncated jpeg": (lambda: upload("half.jpg", truncated_jpeg()), "damaged or incomplete"),
    "20,000 x 20,000 png": (
        lambda: upload("bomb.png", huge_png_bytes(), "image/png"),
        "too many pixels",
    ),
    "11 MB": (lambda: upload("big.jpg", eleven_megabytes()), "a photo may be at most 10.0\xa0MB"),
}


@pytest.mark.parametrize("bad", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_a_bad_upload_is_a_form_error_and_nothing_is_stored(customer_client, category, bad):
    make, message = BAD_UPLOADS[bad]
    before = snapshot()
    files_before = _media_files()
    response = post_task(
        customer_client, upload("good.jpg"), make(), category=category.pk, title="Keep my title"
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert 'value="Keep my title"' in response.content.decode()  # nothing else lost
    assert snapshot() == before and _media_files() == files_before


def test_a_seventh_photo_is_refused(customer_client, customer):
    task = TaskFactory(customer=customer)
    TaskPhotoFactory.create_batch(MAX_PHOTOS - 1, task=task)
    edit = reverse("marketplace:task_edit", args=[task.pk])
    form = page_form(customer_client.get(edit)) | {"title": "A new title for it"}
    form["photos"] = [upload("six.jpg"), upload("seven.jpg")]
    before = snapshot()
    response = customer_client.post(edit, form)
    assert response.status_code == 200
    assert "at most 6 photos; you can add 1 more" in response.content.decode()
    assert 'value="A new title for it"' in response.content.decode()
    assert snapshot() == before
    form["photos"] = [upload("six.jpg")]
    assert customer_client.post(edit, form).status_code == 302
    assert task.photos.count() == MAX_PHOTOS


def test_files_chosen_with_other_errors_must_be_chosen_again(customer_client, category):
    response = post_task(customer_client, upload("good.jpg"), category=category.pk, title="")
    assert response.status_code == 200
    assert "Choose the photos again" in response.content.decode()
    assert not TaskPhoto.objects.exists()


def _media_files() -> set:
    from django.conf import settings

    return {str(p) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()}


# --- Describing, ordering, removing ---


def test_the_owner_describes_and_reorders_photos(customer_client, customer):
    task = TaskFactory(customer=customer)
    a = TaskPhotoFactory(task=task, position=0, description="")
    b = TaskPhotoFactory(task=task, position=1, description="")
    url = reverse("marketplace:task_photos", args=[task.pk])
    form = page_form(customer_client.get(url))
    form |= {
        "photos-0-description": "  The  fence, north side ",
        "photos-0-position": "1",
        "photos-1-description": "The gate",
        "photos-1-position": "0",
    }
    response = customer_client.post(url, form)
    assert response.status_code == 302
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.description, a.position, b.description, b.position) == (
        "The fence, north side",
        1,
        "The gate",
        0,
    )


def test_a_missing_description_is_a_form_error(customer_client, customer):
    task = TaskFactory(customer=customer)
    TaskPhotoFactory(task=task, position=0, description="")
    TaskPhotoFactory(task=task, position=1, description="")
    url = reverse("marketplace:task_photos", args=[task.pk])
    form = page_form(customer_client.get(url)) | {"photos-0-description": "The fence"}
    before = snapshot()
    response = customer_client.post(url, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Describe photo 2 in a few words." in page
    assert 'value="The fence"' in page  # what was typed stays
    assert snapshot() == before


def test_another_users_photo_id_in_the_form_is_refused(customer_client, customer):
    task = TaskFactory(customer=customer)
    TaskPhotoFactory(task=task, description="")
    theirs = TaskPhotoFactory(description="Someone else's")
    url = reverse("marketplace:task_photos", args=[task.pk])
    form = page_form(customer_client.get(url)) | {
        "photos-0-id": str(theirs.pk),
        "photos-0-description": "Mine now",
    }
    before = snapshot()
    response = customer_client.post(url, form)
    assert response.status_code == 200
    assert "This photo is not one of this task" in response.content.decode()
    assert snapshot() == before
    # and its remove form: not found
    delete = reverse("marketplace:photo_delete", args=[theirs.pk])
    assert customer_client.get(delete).status_code == 404
    assert customer_client.post(delete).status_code == 404
    assert snapshot() == before


def test_removing_a_photo_asks_first_then_deletes_its_files(
    customer_client, customer, django_capture_on_commit_callbacks
):
    task = TaskFactory(customer=customer)
    photo = TaskPhotoFactory(task=task, position=0)
    later = TaskPhotoFactory(task=task, position=1)
    from marketplace.services.photos import photo_make_thumbnails

    photo_make_thumbnails(photo.pk)
    photo.refresh_from_db()
    files = [photo.image.name, photo.card_thumb, photo.gallery_thumb]
    url = reverse("marketplace:photo_delete", args=[photo.pk])
    page = customer_client.get(url)
    assert page.status_code == 200 and "Remove the photo" in page.content.decode()
    assert TaskPhoto.objects.filter(pk=photo.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(url)
    assert response.status_code == 302
    assert "The photo was removed." in messages_of(response)
    assert not TaskPhoto.objects.filter(pk=photo.pk).exists()
    assert not any(storages["default"].exists(name) for name in files)
    later.refresh_from_db()
    assert later.position == 0


def test_deleting_a_task_deletes_its_photos_files(customer, django_capture_on_commit_callbacks):
    photo = TaskPhotoFactory(task=TaskFactory(customer=customer))
    name = photo.image.name
    assert storages["default"].exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        photo.task.delete()
    assert not storages["default"].exists(name)


def test_photos_are_frozen_once_a_bid_is_accepted(customer_client, customer):
    task = TaskFactory(customer=customer, status=Task.Status.ASSIGNED)
    photo = TaskPhotoFactory(task=task)
    before = snapshot()
    for url in (
        reverse("marketplace:task_photos", args=[task.pk]),
        reverse("marketplace:photo_delete", args=[photo.pk]),
    ):
        assert customer_client.get(url).status_code == 302
    customer_client.post(reverse("marketplace:photo_delete", args=[photo.pk]))
    assert snapshot() == before


# --- Moderation ---


def test_a_hidden_photo_leaves_public_pages_and_its_file_is_no_longer_served(
    client, customer, staff, django_capture_on_commit_callbacks
):
    from marketplace import services
    from marketplace.services.photos import photo_make_thumbnails

    task = TaskFactory(customer=customer)
    photo = TaskPhotoFactory(task=task, description="A rude picture")
    photo_make_thumbnails(photo.pk)
    photo.refresh_from_db()
    urls = [photo.full_url, photo.card_url, photo.gallery_url]
    assert all(served(client, url).status_code == 200 for url in urls)

    services.content_hide(obj=photo, by=staff, reason="Not a photo of the job")
    assert all(served(client, url).status_code == 404 for url in urls)
    photo.refresh_from_db()
    assert storages["private"].exists(photo.image.name)
    assert not storages["default"].exists(photo.image.name)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "A rude picture" not in page
    assert (
        "src="
        not in client.get(reverse("marketplace:task_list"))
        .content.decode()
        .split("task-card")[1]
        .split("</article>")[0]
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.content_unhide(obj=photo, by=staff)
    photo.refresh_from_db()
    assert storages["default"].exists(photo.image.name) and photo.card_thumb
    assert served(client, photo.full_url).status_code == 200
    assert photo.full_url not in urls  # a new address: the old one stays dead
    assert "A rude picture" in client.get(task.get_absolute_url()).content.decode()


def test_its_owner_sees_the_hidden_photo_noted_with_the_reason(customer_client, customer):
    task = TaskFactory(customer=customer)
    TaskPhotoFactory(task=task, is_hidden=True, hidden_reason="Shows a car number plate")
    page = customer_client.get(task.get_absolute_url()).content.decode()
    assert "is hidden by a moderator: Shows a car number plate" in page


def test_a_photo_can_be_reported(tasker_client, customer):
    from marketplace.models import Report

    photo = TaskPhotoFactory(task=TaskFactory(customer=customer))
    page = tasker_client.get(photo.task.get_absolute_url()).content.decode()
    url = reverse("marketplace:report_create", args=["photo", photo.pk])
    assert url in page
    response = tasker_client.post(url, {"reason": "inappropriate", "details": ""})
    assert response.status_code == 302
    assert Report.objects.get().kind == Report.Kind.PHOTO


def test_the_admin_lists_photos_with_thumbnails(staff):
    from django.test import Client

    from .helpers import force_login

    photo = TaskPhotoFactory(description="The fence")
    client = Client()
    force_login(client, staff)
    page = client.get(reverse("admin:marketplace_taskphoto_changelist")).content.decode()
    assert f'src="{photo.card_url}"' in page and 'alt="The fence"' in page
