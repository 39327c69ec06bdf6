from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .agreements import REVIEW_BLIND_DAYS, Agreement
from .moderation import Moderated


class ReviewQuerySet(models.QuerySet):
    def visible(self):
        """Reviews shown to everyone: both sides reviewed, or the blind period is over."""
        cutoff = timezone.now() - timedelta(days=REVIEW_BLIND_DAYS)
        return self.filter(is_hidden=False).filter(
            Q(published_at__isnull=False) | Q(agreement__completed_at__lte=cutoff)
        )


class Review(Moderated):
    OWNER_FIELD = "author"

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="reviews", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviews_received",
        db_index=False,
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    # Set on both reviews once the second one is written.
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["agreement", "author"],
                name="review_one_per_author_per_agreement",
                violation_error_message="You have already reviewed this agreement.",
            ),
        ]
        indexes = [models.Index(fields=["subject", "-created_at"], name="review_subject_created")]

    def __str__(self) -> str:
        return f"{self.rating}★ by {self.author} for {self.subject}"

    def get_absolute_url(self) -> str:
        return f"{self.subject.get_absolute_url()}#review-{self.pk}"

    def moderated_task(self):
        return self.agreement.task

    @property
    def is_published(self) -> bool:
        """The instance form of `ReviewQuerySet.visible` (less the moderation flag)."""
        agreement = self.agreement
        return self.published_at is not None or timezone.now() > agreement.reviews_open_until

    def reportable_by(self, user) -> bool:
        # Until it is published only its author (and staff) can see it.
        return self.is_published and super().reportable_by(user)

    def visible_to(self, user) -> bool:
        if user.is_authenticated and (user.is_staff or user.pk == self.author_id):
            return True
        return self.is_published and not self.is_hidden
