from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tasker.validators import single_line

from .moderation import Moderated
from .tasks import Task

MAX_PHOTOS = 6
# The thumbnails the pages show, made with sorl-thumbnail when a photo is stored
# (services/photos.py): the task card's (cropped to its frame) and the gallery's.
CARD_SIZE = (400, 300)
GALLERY_SIZE = (1200, 900)


def photo_path(photo: "TaskPhoto", filename: str) -> str:
    """Where a photo's file goes: the name is already random (tasker.images)."""
    return f"photos/{filename}"


class TaskPhotoQuerySet(models.QuerySet):
    def shown(self):
        """The photos public pages show: not hidden by a moderator."""
        return self.filter(is_hidden=False)


class TaskPhoto(Moderated):
    OWNER_FIELD = "owner"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="photos", db_index=False)
    # The file: in the public media storage, or, while hidden, in the private one.
    image = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    description = models.CharField(
        max_length=150,
        blank=True,
        validators=[single_line],
        help_text="What the photo shows; it is read out to people who cannot see it.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Thumbnail names in the media storage, empty until made (then the pages use the photo).
    card_thumb = models.CharField(max_length=200, blank=True, validators=[single_line])
    gallery_thumb = models.CharField(max_length=200, blank=True, validators=[single_line])
    gallery_width = models.PositiveIntegerField(default=0)
    gallery_height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TaskPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "photo"
        constraints = [
            models.CheckConstraint(
                condition=Q(position__lt=MAX_PHOTOS * 2), name="photo_position_small"
            ),
        ]
        indexes = [models.Index(fields=["task", "position", "id"], name="photo_task_position")]

    def __str__(self) -> str:
        return self.alt_text

    def get_absolute_url(self) -> str:
        return reverse("marketplace:task_detail", args=[self.task_id]) + f"#photo-{self.pk}"

    def owner(self):
        return self.task.customer

    @property
    def owner_id(self) -> int:
        return self.task.customer_id

    def moderated_task(self):
        return self.task

    @property
    def number(self) -> int:
        """Its place in the task's gallery, from 1 (set by the page that lists them)."""
        return getattr(self, "_number", self.position + 1)

    @property
    def alt_text(self) -> str:
        """The description, or "Photo 2 of <title>" while the customer has written none."""
        return self.description or f"Photo {self.number} of {self.task.title}"

    @property
    def is_public(self) -> bool:
        return not self.is_hidden

    def file_storage(self):
        """The storage holding the photo's file now: the private one while hidden."""
        return storages["private"] if self.is_hidden else self.image.storage

    def _url(self, thumb: str) -> str:
        if self.is_hidden or not self.image:
            return ""
        if thumb:
            return self.image.storage.url(thumb)
        return self.image.url

    @property
    def card_url(self) -> str:
        return self._url(self.card_thumb)

    @property
    def gallery_url(self) -> str:
        return self._url(self.gallery_thumb)

    @property
    def full_url(self) -> str:
        return self._url("")

    @property
    def shown_size(self) -> tuple[int, int]:
        """The gallery image's width and height (the page sets them: no layout shift)."""
        if self.gallery_thumb:
            return self.gallery_width, self.gallery_height
        return self.width, self.height
