"""Task photos: adding, describing and ordering, removing, and their files' moves when a
moderator hides or shows one."""

import logging

from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Max
from sorl.thumbnail import get_thumbnail

from accounts.models import User
from tasker.images import CleanImage, move_file
from tasker.listing import listing_changed

from ..models import MAX_PHOTOS, Task, TaskPhoto
from ..models.photos import CARD_SIZE, GALLERY_SIZE
from ..states import DomainError
from .tasks import _locked_task

logger = logging.getLogger(__name__)


@transaction.atomic
def photos_add(*, task: Task, by: User, images: list[CleanImage]) -> list[TaskPhoto]:
    """Store `images` (already checked and re-encoded) as the task's next photos."""
    if not images:
        return []
    _locked_task(task.pk).require("edit", by)
    existing = task.photos.count()
    if existing + len(images) > MAX_PHOTOS:
        raise DomainError(f"A task can have at most {MAX_PHOTOS} photos.")
    start = (task.photos.aggregate(last=Max("position"))["last"] or 0) + 1 if existing else 0
    photos = []
    for offset, image in enumerate(images):
        photo = TaskPhoto(
            task=task, position=start + offset, width=image.width, height=image.height
        )
        photo.image.save(image.name, image.content, save=False)
        photo.save()
        photos.append(photo)
    _renumber(task)
    from ..tasks import make_photo_thumbnails  # tasks.py imports the services

    for photo in photos:
        make_photo_thumbnails.enqueue(photo.pk)
    return photos


@transaction.atomic
def photos_update(*, task: Task, by: User, formset) -> None:
    """Save the descriptions and order from the task's photos form."""
    _locked_task(task.pk).require("edit", by)
    formset.save()
    _renumber(task)


@transaction.atomic
def photo_delete(*, photo: TaskPhoto, by: User) -> None:
    """Remove a photo from its task; its files go once the removal is committed."""
    _locked_task(photo.task_id).require("edit", by)
    photo.delete()  # the files: delete_photo_files, on the post_delete signal
    _renumber(photo.task)


def _renumber(task: Task) -> None:
    """Positions 0, 1, 2… in the chosen order, ties kept in the order photos came."""
    photos = list(task.photos.order_by("position", "id").only("id", "position"))
    for number, photo in enumerate(photos):
        photo.position = number
    TaskPhoto.objects.bulk_update(photos, ["position"])
    listing_changed()  # the first photo is the card's; a bulk update sends no post_save


def photo_make_thumbnails(photo_id: int) -> bool:
    """Make a photo's thumbnails (card and gallery) with sorl-thumbnail and keep their
    names on it; return whether it made them (a photo gone or hidden since: no)."""
    photo = TaskPhoto.objects.filter(pk=photo_id, is_hidden=False).first()
    if photo is None:
        return False
    card = get_thumbnail(photo.image, "{}x{}".format(*CARD_SIZE), crop="center")
    gallery = get_thumbnail(photo.image, "{}x{}".format(*GALLERY_SIZE), upscale=False)
    updated = TaskPhoto.objects.filter(pk=photo.pk, image=photo.image.name).update(
        card_thumb=card.name,
        gallery_thumb=gallery.name,
        gallery_width=gallery.width,
        gallery_height=gallery.height,
    )
    listing_changed()  # the card shows the thumbnail from now on
    return updated == 1


def delete_photo_files(photo: TaskPhoto) -> None:
    """Delete a photo's file and thumbnails, wherever they are; a failure is logged."""
    storage = photo.file_storage()
    names = [photo.card_thumb, photo.gallery_thumb]
    try:
        if photo.image.name:
            storage.delete(photo.image.name)
        for name in filter(None, names):
            storages["default"].delete(name)
    except Exception:
        logger.exception("Could not delete the files of photo %s", photo.pk)


def photo_files_set_private(photo: TaskPhoto, *, private: bool) -> None:
    """Move a photo's file to the private storage (hidden: its public address stops
    working, and its thumbnails go) or back to the public one under a new name."""
    public, hidden = storages["default"], storages["private"]
    if private:
        for name in filter(None, [photo.card_thumb, photo.gallery_thumb]):
            public.delete(name)
        new = move_file(photo.image.name, source=public, target=hidden)
    else:
        new = move_file(photo.image.name, source=hidden, target=public)
    TaskPhoto.objects.filter(pk=photo.pk).update(
        image=new, card_thumb="", gallery_thumb="", gallery_width=0, gallery_height=0
    )
    photo.image.name, photo.card_thumb, photo.gallery_thumb = new, "", ""
    if not private:
        from ..tasks import make_photo_thumbnails

        # After the commit: the worker must find the photo shown again.
        transaction.on_commit(lambda: make_photo_thumbnails.enqueue(photo.pk))
