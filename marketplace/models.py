from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from tasker.validators import single_line

from .states import Party, StatefulModel, transition
from .subqueries import row_count

# Indexes: a foreign key marked db_index=False is the first column of one of its model's
# indexes or unique constraints, which serves the joins and cascading deletes on it just as
# well. A second index on the key alone would only slow down every insert.

MAX_AMOUNT = Decimal("100000")
REVIEW_BLIND_DAYS = 14
SEARCH_MAX_WORDS = 5
# The ids of the tasks that an FTS5 query matches, on SQLite (migration 0006).
SQLITE_SEARCH = "SELECT rowid FROM marketplace_task_search WHERE marketplace_task_search MATCH %s"
amount_validators = [MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)]


def fts_phrase(word: str) -> str:
    """`word` as an FTS5 string, so that nothing in it is query syntax. (SQLite's icontains
    folds only ASCII case; the trigram tokenizer folds all of Unicode.)"""
    return '"' + word.replace('"', '""') + '"'


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True, validators=[single_line])
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=200, blank=True, validators=[single_line])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Moderated(models.Model):
    """Content a moderator can hide; its author still sees it, with the reason."""

    OWNER_FIELD = ""  # the field holding the content's author

    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=200, blank=True, validators=[single_line])

    class Meta:
        abstract = True

    def owner(self):
        return getattr(self, self.OWNER_FIELD)

    def moderated_task(self):
        """The task whose timeline records moderation of this content, if any."""
        raise NotImplementedError


class TaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Task.Status.OPEN)

    def public(self):
        """Tasks anyone may see: not hidden by a moderator, owner not suspended."""
        return self.filter(self._public_q())

    def visible_to(self, user):
        """Public tasks, plus the user's own (even hidden ones) and staff see all."""
        if user.is_authenticated and user.is_staff:
            return self
        if user.is_authenticated:
            return self.filter(self._public_q() | Q(customer=user))
        return self.public()

    def reachable_by(self, user):
        """The tasks `user` can see, and those hidden since that they take part in: the
        tasks of their agreements and the tasks they bid on (the page says why it is on
        hold, rather than a bare 404 from their dashboard)."""
        if not user.is_authenticated:
            return self.public()
        involved = Q(agreement__customer=user) | Q(agreement__tasker=user) | Q(bids__tasker=user)
        return (self.visible_to(user) | self.filter(involved)).distinct()

    def _public_q(self) -> Q:
        # "Not one of the few suspended users" rather than a join on every customer's
        # is_active: the suspended users are listed once per query, and the browse indexes
        # (which hold customer) count and page the tasks without reading the user table.
        suspended = get_user_model().objects.filter(is_active=False)
        return Q(is_hidden=False) & ~Q(customer__in=suspended)

    def search(self, text: str) -> "TaskQuerySet":
        """Return the tasks whose title, description or category name contains every word
        of `text`.

        A word matches anywhere, inside other words too, whatever the case ("arden" finds
        "Gardening"); only the first SEARCH_MAX_WORDS words count. Each word is looked up in
        an index of trigrams (migration 0006), which can serve a word of three characters or
        more: on PostgreSQL pg_trgm indexes serve icontains itself; on SQLite the FTS5 table
        marketplace_task_search, kept in step by triggers that a rebuild of the task table
        would drop (see the migration). Shorter words are compared with each task in turn.
        The few category names are matched first, in one query, so that each word's test
        is "in the text, or in one of these categories", which the category index serves.
        """
        words = text.split()[:SEARCH_MAX_WORDS]
        categories = list(Category.objects.values_list("id", "name")) if words else []
        sqlite = connections[self.db].vendor == "sqlite"
        tasks, fts_words = self, []
        for word in words:
            named = [pk for pk, name in categories if word.lower() in name.lower()]
            if sqlite and len(word) >= 3 and not named:
                fts_words.append(word)  # looked up together, below
                continue
            if sqlite and len(word) >= 3:
                in_text = Q(id__in=RawSQL(SQLITE_SEARCH, [fts_phrase(word)]))  # noqa: S611
            else:
                in_text = Q(title__icontains=word) | Q(description__icontains=word)
            tasks = tasks.filter(in_text | Q(category__in=named) if named else in_text)
        if fts_words:
            # Phrases side by side must all match. Constant SQL, the words a parameter.
            query = " ".join(fts_phrase(word) for word in fts_words)
            tasks = tasks.filter(id__in=RawSQL(SQLITE_SEARCH, [query]))  # noqa: S611
        return tasks

    def with_card_data(self):
        """What a task card shows: the category and the number of live bids.

        The bids are counted by a subquery for each row shown, not by joining and grouping
        every matching task's bids: a page of 20 costs 20 index lookups however many tasks
        match, and the paginator's COUNT(*) leaves the unused subquery out.
        """
        live_bids = Bid.objects.live().filter(task=OuterRef("pk"))
        return self.select_related("category").annotate(bid_count=row_count(live_bids))


class Task(StatefulModel, Moderated):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ASSIGNED = "assigned", "Assigned"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    OWNER_FIELD = "customer"
    BIDDER = "bidder"  # a party: any tasker who is not the task's customer
    # A hidden task is frozen; its customer may still cancel it (which harms nobody).
    HELD_WHILE_HIDDEN = frozenset({"edit", "bid", "accept"})
    TRANSITIONS = {
        "edit": transition(Status.OPEN, None, Party.CUSTOMER, "Edit this task"),
        "bid": transition(Status.OPEN, None, BIDDER, "Bid on this task"),
        "accept": transition(Status.OPEN, Status.ASSIGNED, Party.CUSTOMER, "Accept a bid"),
        "cancel": transition(Status.OPEN, Status.CANCELLED, Party.CUSTOMER, "Cancel this task"),
        "expire": transition(Status.OPEN, Status.EXPIRED, Party.SYSTEM, "Expire this task"),
        "complete": transition(Status.ASSIGNED, Status.COMPLETED, Party.SYSTEM, "Complete"),
        "cancel_assigned": transition(
            Status.ASSIGNED, Status.CANCELLED, Party.SYSTEM, "Cancel the agreement"
        ),
        "repost": transition(
            [Status.CANCELLED, Status.EXPIRED], None, Party.CUSTOMER, "Repost this task"
        ),
    }

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tasks",
        db_index=False,
    )
    title = models.CharField(max_length=120, validators=[single_line])
    description = models.TextField(max_length=5000)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="tasks")
    budget = models.DecimalField(
        max_digits=9, decimal_places=2, validators=amount_validators, help_text="In pounds."
    )
    city = models.CharField(max_length=80, blank=True, validators=[single_line])
    postcode = models.CharField(max_length=10, blank=True, validators=[single_line])
    is_remote = models.BooleanField("can be done remotely", default=False)
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reposted_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reposts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gt=0), name="task_budget_positive"),
            models.CheckConstraint(
                condition=Q(is_remote=True) | ~Q(city=""), name="task_has_place_or_remote"
            ),
        ]
        # One index per browse filter and sort, each led by status (browse shows open tasks).
        # Scanned backwards they give "newest first" with the id tie-break, so no sort is
        # needed. The two that serve browsing without a keyword also hold is_hidden (always
        # false there) and customer: the paginator's COUNT of public tasks reads the index
        # alone, and looks each customer up only to check they are active.
        indexes = [
            models.Index(
                fields=["status", "is_hidden", "created_at", "id", "customer"],
                name="task_browse_newest",
            ),
            models.Index(
                fields=["status", "is_hidden", "category", "created_at", "id", "customer"],
                name="task_browse_category",
            ),
            models.Index(fields=["status", "budget", "id"], name="task_browse_budget"),
            models.Index(fields=["status", "due_date", "id"], name="task_browse_due"),
            # The city filter matches whatever the case: TaskFilterForm compares Lower(city).
            models.Index("status", Lower("city"), name="task_browse_city"),
            models.Index(
                fields=["status", "is_remote", "created_at", "id"], name="task_browse_remote"
            ),
            models.Index(fields=["customer", "status"], name="task_customer_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("marketplace:task_detail", args=[self.pk])

    def moderated_task(self):
        return self

    def parties(self, user) -> set[str]:
        if not user.is_authenticated or not user.is_active:
            return set()
        if user.pk == self.customer_id:
            return {Party.CUSTOMER}
        return {self.BIDDER} if user.is_tasker else set()

    def on_hold(self) -> bool:
        return self.is_hidden

    @property
    def place(self) -> str:
        if self.is_remote:
            return f"{self.city} or remote" if self.city else "Remote"
        return f"{self.city} {self.postcode}".strip()


class BidQuerySet(models.QuerySet):
    def live(self):
        """Bids still in play: pending or accepted (not withdrawn, not rejected)."""
        return self.filter(status__in=Bid.LIVE_STATUSES)

    def pending(self):
        return self.filter(status=Bid.Status.PENDING)


class Bid(StatefulModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Not chosen"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # A live bid is one still in play; the only definition, used by every count and list.
    LIVE_STATUSES = [Status.PENDING, Status.ACCEPTED]
    # The tasker may still withdraw a bid on a hidden task.
    HELD_WHILE_HIDDEN = frozenset({"edit", "accept"})
    TRANSITIONS = {
        "edit": transition(Status.PENDING, None, Party.TASKER, "Edit this bid"),
        "withdraw": transition(Status.PENDING, Status.WITHDRAWN, Party.TASKER, "Withdraw this bid"),
        "accept": transition(Status.PENDING, Status.ACCEPTED, Party.CUSTOMER, "Accept this bid"),
        "reject": transition(Status.PENDING, Status.REJECTED, Party.SYSTEM, "Reject this bid"),
    }

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="bids", db_index=False)
    tasker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bids",
        db_index=False,
    )
    amount = models.DecimalField(
        max_digits=9, decimal_places=2, validators=amount_validators, help_text="In pounds."
    )
    message = models.TextField(max_length=2000)
    estimated_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("1000"))],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BidQuerySet.as_manager()

    class Meta:
        ordering = ["amount", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bid_amount_positive"),
            models.UniqueConstraint(
                fields=["task", "tasker"],
                condition=Q(status__in=["pending", "accepted"]),
                name="bid_one_live_per_tasker_per_task",
                violation_error_message="You already have a live bid on this task.",
            ),
        ]
        indexes = [
            models.Index(fields=["task", "status"], name="bid_task_status"),
            models.Index(fields=["tasker", "status"], name="bid_tasker_status"),
        ]

    def __str__(self) -> str:
        return f"£{self.amount} on {self.task}"

    def get_absolute_url(self) -> str:
        return f"{self.task.get_absolute_url()}#bid-{self.pk}"

    def parties(self, user) -> set[str]:
        roles = set()
        if user.is_authenticated and user.is_active:
            if user.pk == self.tasker_id:
                roles.add(Party.TASKER)
            if user.pk == self.task.customer_id:
                roles.add(Party.CUSTOMER)
        return roles

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    def on_hold(self) -> bool:
        return self.task.is_hidden

    def refusal(self, action: str, user) -> str | None:
        # A bid can only change while its task is open.
        if self.task.status != Task.Status.OPEN and action != "reject":
            return "This task is no longer open, so its bids cannot change."
        return super().refusal(action, user)


class BidRevision(models.Model):
    """A bid's terms before one edit, so every revision stays on record."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="revisions")
    old_amount = models.DecimalField(max_digits=9, decimal_places=2)
    new_amount = models.DecimalField(max_digits=9, decimal_places=2)
    old_message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"revised from £{self.old_amount} to £{self.new_amount}"


class AgreementQuerySet(models.QuerySet):
    def of(self, user):
        """The agreements `user` is a party to, as customer or tasker."""
        return self.filter(Q(customer=user) | Q(tasker=user))


class Agreement(StatefulModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        DELIVERED = "delivered", "Delivered"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    PARTIES = [Party.CUSTOMER, Party.TASKER]
    TRANSITIONS = {
        "deliver": transition(Status.ACTIVE, Status.DELIVERED, Party.TASKER, "Mark as delivered"),
        "confirm": transition(
            Status.DELIVERED, Status.COMPLETED, Party.CUSTOMER, "Confirm completion"
        ),
        "cancel": transition(
            [Status.ACTIVE, Status.DELIVERED], Status.CANCELLED, PARTIES, "Cancel the agreement"
        ),
        "review": transition(Status.COMPLETED, None, PARTIES, "Review"),
    }
    # While its task is hidden, an agreement is on hold: either side may still cancel it,
    # and a completed one may still be reviewed.
    HELD_WHILE_HIDDEN = frozenset({"deliver", "confirm"})

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="agreement")
    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="agreement")
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agreements_as_customer",
        db_index=False,
    )
    tasker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agreements_as_tasker",
        db_index=False,
    )
    # The terms as agreed: later edits of the task do not change them.
    title = models.CharField(max_length=120, validators=[single_line])
    description = models.TextField()
    price = models.DecimalField(max_digits=9, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancellation_reason = models.TextField(max_length=1000, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="agreement_price_positive"),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="agreement_customer_status"),
            models.Index(fields=["tasker", "status"], name="agreement_tasker_status"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (£{self.price})"

    def get_absolute_url(self) -> str:
        return reverse("marketplace:agreement_detail", args=[self.pk])

    def parties(self, user) -> set[str]:
        roles = set()
        if user.is_authenticated and user.is_active:
            if user.pk == self.customer_id:
                roles.add(Party.CUSTOMER)
            if user.pk == self.tasker_id:
                roles.add(Party.TASKER)
        return roles

    def refusal(self, action: str, user) -> str | None:
        reason = super().refusal(action, user)
        if reason or action != "review":
            return reason
        if timezone.now() > self.reviews_open_until:
            return f"Reviews can only be written within {REVIEW_BLIND_DAYS} days of completion."
        if any(review.author_id == user.pk for review in self.reviews.all()):
            return "You have already reviewed this agreement."
        return None

    def on_hold(self) -> bool:
        return self.task.is_hidden

    def counterpart(self, user):
        return self.tasker if user.pk == self.customer_id else self.customer

    @property
    def reviews_open_until(self):
        return self.completed_at + timedelta(days=REVIEW_BLIND_DAYS) if self.completed_at else None


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

    def visible_to(self, user) -> bool:
        if user.is_authenticated and (user.is_staff or user.pk == self.author_id):
            return True
        return self.is_published and not self.is_hidden


class TaskEvent(models.Model):
    class Kind(models.TextChoices):
        POSTED = "posted", "Task posted"
        EDITED = "edited", "Task edited"
        REPOSTED = "reposted", "Task reposted"
        BID_PLACED = "bid_placed", "Bid placed"
        BID_EDITED = "bid_edited", "Bid revised"
        BID_WITHDRAWN = "bid_withdrawn", "Bid withdrawn"
        BID_ACCEPTED = "bid_accepted", "Bid accepted"
        CANCELLED = "cancelled", "Task cancelled"
        EXPIRED = "expired", "Task expired"
        DELIVERED = "delivered", "Marked as delivered"
        COMPLETED = "completed", "Completion confirmed"
        AGREEMENT_CANCELLED = "agreement_cancelled", "Agreement cancelled"
        REVIEWED = "reviewed", "Review written"
        HIDDEN = "hidden", "Hidden by a moderator"
        UNHIDDEN = "unhidden", "Shown again by a moderator"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events", db_index=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the system acted (e.g. expiry).",
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"], name="event_task_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.task_id}"

    @property
    def is_moderation(self) -> bool:
        return self.kind in (self.Kind.HIDDEN, self.Kind.UNHIDDEN)

    @property
    def shown_actor(self):
        """Who the timeline names: nobody for the system, and never a moderator."""
        return None if self.is_moderation else self.actor

    @property
    def shown_note(self) -> str:
        """The note the timeline shows. A moderator's reason is for the content's author
        (told by notification and on the content's page), not for everyone on the timeline."""
        return "" if self.is_moderation else self.note


class ConversationQuerySet(models.QuerySet):
    def of(self, user):
        """The conversations `user` takes part in, on either side."""
        return self.filter(Q(user_a=user) | Q(user_b=user))


class Conversation(models.Model):
    """Two people talking, optionally about one task. `user_a` has the lower id."""

    user_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="conversations"
    )
    a_read_at = models.DateTimeField(null=True, blank=True)
    b_read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user_a__lt=models.F("user_b")), name="conversation_users_ordered"
            ),
            models.UniqueConstraint(
                fields=["user_a", "user_b", "task"],
                name="conversation_one_per_pair_and_task",
            ),
            models.UniqueConstraint(
                fields=["user_a", "user_b"],
                condition=Q(task__isnull=True),
                name="conversation_one_per_pair_without_task",
            ),
        ]
        indexes = [
            models.Index(fields=["user_a", "-last_message_at"], name="conversation_a_last"),
            models.Index(fields=["user_b", "-last_message_at"], name="conversation_b_last"),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("marketplace:conversation_detail", args=[self.pk])

    def other(self, user):
        return self.user_b if user.pk == self.user_a_id else self.user_a


class Message(Moderated):
    OWNER_FIELD = "sender"

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="messages",
        db_index=False,
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent"
    )
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_conv_created")]

    def __str__(self) -> str:
        return self.body[:60]

    def get_absolute_url(self) -> str:
        return f"{self.conversation.get_absolute_url()}#message-{self.pk}"

    def moderated_task(self):
        return self.conversation.task


class Notification(models.Model):
    class Kind(models.TextChoices):
        BID_PLACED = "bid_placed", "A new bid on my task"
        BID_CHANGED = "bid_changed", "A bid on my task edited or withdrawn"
        BID_ACCEPTED = "bid_accepted", "My bid accepted"
        BID_REJECTED = "bid_rejected", "My bid not chosen"
        TASK_CHANGED = "task_changed", "A task I bid on edited, cancelled or expired"
        AGREEMENT_DELIVERED = "agreement_delivered", "Work marked as delivered"
        AGREEMENT_COMPLETED = "agreement_completed", "Agreement completed"
        AGREEMENT_CANCELLED = "agreement_cancelled", "Agreement cancelled"
        REVIEW_PUBLISHED = "review_published", "A review of me published"
        MESSAGE = "message", "A new message"
        MODERATION = "moderation", "Moderation of my content"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    is_read = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread count, and the list of notifications newest first.
            models.Index(
                fields=["recipient", "is_read", "-created_at"], name="notification_recipient"
            ),
            models.Index(
                fields=["recipient", "created_at", "id"], name="notification_recipient_new"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.url


class Report(models.Model):
    class Kind(models.TextChoices):
        TASK = "task", "Task"
        BID = "bid", "Bid"
        REVIEW = "review", "Review"
        MESSAGE = "message", "Message"
        USER = "user", "User"

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or harassing"
        FRAUD = "fraud", "Scam or fraud"
        INAPPROPRIATE = "inappropriate", "Inappropriate content"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution_note = models.TextField(max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "kind", "object_id"],
                condition=Q(status="open"),
                name="report_one_open_per_reporter_and_object",
                violation_error_message="You have already reported this; a moderator will look.",
            )
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="report_status_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id}: {self.get_reason_display()}"


class FormSubmission(models.Model):
    """A form page submitted once, by the one-time token it was rendered with.

    Submitting the same rendered form again (Back, then submit) finds this row and goes to
    what the first submission made, instead of making it twice (services.submit_once).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token = models.UUIDField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")
        ]

    def __str__(self) -> str:
        return f"Form {self.token} by {self.user_id}"
