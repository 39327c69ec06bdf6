from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from tasker.validators import single_line

# How a deleted account appears wherever its agreements, reviews and messages are shown.
DELETED_NAME = "Deleted user"


class User(AbstractUser):
    class Role(models.TextChoices):
        CUSTOMER = "customer", "Customer — I post tasks"
        TASKER = "tasker", "Tasker — I do tasks"
        BOTH = "both", "Both"

    # Django's own name fields, with the one-line rule of every short text field.
    first_name = models.CharField(
        "first name", max_length=150, blank=True, validators=[single_line]
    )
    last_name = models.CharField("last name", max_length=150, blank=True, validators=[single_line])
    email = models.EmailField("email address")
    display_name = models.CharField(max_length=80, blank=True, validators=[single_line])
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CUSTOMER)
    bio = models.TextField(max_length=2000, blank=True)
    city = models.CharField(max_length=80, blank=True, validators=[single_line])
    skills = models.CharField(
        max_length=300,
        blank=True,
        help_text="Comma-separated, e.g. painting, flat-pack, IKEA",
        validators=[single_line],
    )
    hourly_rate = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("10000"))],
        help_text="In pounds; shown to customers on your profile (taskers only).",
    )
    email_verified = models.BooleanField(
        default=False, help_text="Whether the user opened the link sent to their email address."
    )
    # The current suspension (is_active off), as the user is told it; the admin's history
    # keeps every suspension and reinstatement with who and why.
    suspension_reason = models.CharField(max_length=500, blank=True, validators=[single_line])
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email_muted_kinds = models.JSONField(
        default=list, blank=True, help_text="Notification kinds this user gets no email for."
    )
    # Set when the person deleted their account: the row stays, anonymised, because
    # agreements, reviews and messages that other people keep point at it.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The profile picture: cropped square and re-encoded when uploaded (tasker.images), and
    # its thumbnail, which every avatar shows (made by sorl-thumbnail; accounts.services).
    photo = models.ImageField(upload_to="avatars/", blank=True, editable=False)
    photo_thumb = models.CharField(
        max_length=200, blank=True, editable=False, validators=[single_line]
    )

    objects = UserManager()

    # What a page needs to show a person anywhere: their name (or that the account is
    # deleted), their avatar and the link to their profile. A list that shows people beside
    # something else reads only these of their columns (`shown_fields`).
    SHOWN_FIELDS = ("username", "display_name", "deleted_at", "photo_thumb")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_code="duplicate_email",
                violation_error_message="An account with this email already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(hourly_rate__isnull=True) | models.Q(hourly_rate__gt=0),
                name="accounts_user_hourly_rate_positive",
            ),
        ]
        # Public task lists leave out the few suspended users' tasks: this finds them.
        indexes = [models.Index(fields=["is_active"], name="user_is_active")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.username])

    @property
    def name(self) -> str:
        """Return the name shown to other users."""
        if self.deleted_at is not None:
            return DELETED_NAME
        return self.display_name or self.username

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_customer(self) -> bool:
        return self.role in (self.Role.CUSTOMER, self.Role.BOTH)

    @property
    def is_tasker(self) -> bool:
        return self.role in (self.Role.TASKER, self.Role.BOTH)

    def skill_list(self) -> list[str]:
        return [s.strip() for s in self.skills.split(",") if s.strip()]

    @property
    def photo_url(self) -> str:
        """The avatar picture's address, or "" (the avatar shows initials)."""
        if not self.photo_thumb or self.deleted_at:
            return ""
        return storages["default"].url(self.photo_thumb)
