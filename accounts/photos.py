"""Profile pictures: one per user, cropped square, shown wherever their avatar is."""

import logging

from django.core.files.storage import storages
from django.db import transaction
from sorl.thumbnail import get_thumbnail

from tasker.images import CleanImage
from tasker.listing import listing_changed

from .models import User

logger = logging.getLogger(__name__)

STORED_SIDE = 512  # the stored picture, cropped square (tasker.images.clean_image)
AVATAR_SIDE = 192  # its thumbnail: sharp at the largest avatar (xl) on a dense screen


@transaction.atomic
def user_photo_set(*, user: User, image: CleanImage | None) -> None:
    """Give `user` the picture `image` (checked and cropped already), or none; the old
    picture's files are deleted once the change is committed."""
    old = [user.photo.name, user.photo_thumb]
    if image is None:
        user.photo, user.photo_thumb = "", ""
    else:
        user.photo.save(image.name, image.content, save=False)
        # Made here rather than on the task worker: one small square, and the page the
        # user comes back to shows it at once.
        user.photo_thumb = get_thumbnail(
            user.photo, f"{AVATAR_SIDE}x{AVATAR_SIDE}", crop="center"
        ).name
    User.objects.filter(pk=user.pk).update(photo=user.photo.name, photo_thumb=user.photo_thumb)
    listing_changed()  # every avatar of theirs; a bulk update sends no post_save
    transaction.on_commit(lambda: delete_files(old))


def delete_files(names: list[str]) -> None:
    """Delete these media files; a failure is logged (a stray file harms nobody)."""
    for name in filter(None, names):
        try:
            storages["default"].delete(name)
        except Exception:
            logger.exception("Could not delete the media file %s", name)
