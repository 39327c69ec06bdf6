from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from tasker.validators import single_line

from .tasks import Category, Task

SEARCH_NAME_MAX_LENGTH = 100


class SavedSearch(models.Model):
    """A tasker's browse filters kept under a name, and how often to hear of new matches.

    The filters are the browse page's own (the GET parameters of `marketplace:task_list`),
    one column each, so a search reads back through TaskFilterForm like a bookmarked page.
    """

    class Frequency(models.TextChoices):
        INSTANT = "instant", "Instantly"
        DAILY = "daily", "Daily digest"
        NEVER = "never", "Never"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=SEARCH_NAME_MAX_LENGTH, validators=[single_line])
    q = models.CharField("keywords", max_length=100, blank=True, validators=[single_line])
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    city = models.CharField(max_length=80, blank=True, validators=[single_line])
    budget_min = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    budget_max = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    remote = models.BooleanField("remote only", default=False)
    near = models.CharField("near (place)", max_length=100, blank=True, validators=[single_line])
    radius = models.PositiveSmallIntegerField(
        "radius (miles)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    frequency = models.CharField(
        "email me",
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.DAILY,
        validators=[single_line],
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The daily digest's watermark: the tasks posted or changed up to this time have been
    # considered for it (None: no digest yet). Each digest run looks only at the tasks
    # changed since, and moves it on in the transaction that queues the email.
    digested_up_to = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["frequency", "id"], name="saved_search_frequency")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("marketplace:saved_search_list")

    def query_data(self) -> dict[str, str]:
        """The browse page's GET parameters for this search (filters left blank are left out)."""
        data = {
            "q": self.q,
            "category": self.category.slug if self.category_id else "",
            "city": self.city,
            "budget_min": "" if self.budget_min is None else str(self.budget_min),
            "budget_max": "" if self.budget_max is None else str(self.budget_max),
            "remote": "on" if self.remote else "",
            "near": self.near,
            "radius": "" if self.radius is None or not self.near else str(self.radius),
        }
        return {key: value for key, value in data.items() if value}

    def describe(self) -> list[str]:
        """The filters in words, for the list of saved searches."""
        parts = []
        if self.q:
            parts.append(f"“{self.q}”")
        if self.category_id:
            parts.append(f"in {self.category.name}")
        if self.city:
            parts.append(f"city {self.city}")
        if self.near:
            parts.append(f"within {self.radius or 10} miles of {self.near}")
        if self.budget_min is not None and self.budget_max is not None:
            parts.append(f"£{self.budget_min}–£{self.budget_max}")
        elif self.budget_min is not None:
            parts.append(f"from £{self.budget_min}")
        elif self.budget_max is not None:
            parts.append(f"up to £{self.budget_max}")
        if self.remote:
            parts.append("remote only")
        return parts

    def browse_url(self) -> str:
        return f"{reverse('marketplace:task_list')}?{urlencode(self.query_data())}"


class TaskAlert(models.Model):
    """One task emailed (or about to be) to the owner of one saved search: at most one row,
    so at most one email, per search and task.

    Rows are inserted before the email is sent, by `batch`: whoever inserted a row sends it,
    so two workers (or a worker and the digest) never both send the same task.
    """

    # The unique (search, task) index serves lookups by search.
    search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="alerts", db_index=False
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    batch = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["search", "task"], name="task_alert_once"),
        ]
        indexes = [models.Index(fields=["batch"], name="task_alert_batch")]

    def __str__(self) -> str:
        return f"Task {self.task_id} for search {self.search_id}"
