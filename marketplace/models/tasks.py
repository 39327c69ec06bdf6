from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from tasker.validators import single_line

from ..states import Party, StatefulModel, transition
from ..subqueries import row_count
from .moderation import Moderated

# Indexes: a foreign key marked db_index=False is the first column of one of its model's
# indexes or unique constraints, which serves the joins and cascading deletes on it just as
# well. A second index on the key alone would only slow down every insert.

MAX_AMOUNT = Decimal("100000")
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


# The only characters whose case the trigram tokenizer folds into ASCII: the Kelvin sign
# (into "k") and the long s (into "s"). SQLite's LIKE folds the case of ASCII letters alone,
# so for a word of ASCII characters "LIKE or the index" differs from the index only in text
# that holds one of these (SearchWords.row_test).
FOLDED_INTO_ASCII = ("\u212a", "\u017f")


class SearchWords:
    """The words of a keyword search (TaskQuerySet.search) and, for each, the categories
    whose name holds it: read once (one query), for the count and the page alike."""

    def __init__(self, text: str):
        self.words = text.split()[:SEARCH_MAX_WORDS]
        categories = list(Category.objects.values_list("id", "name")) if self.words else []
        self.named = {
            word: [pk for pk, name in categories if word.lower() in name.lower()]
            for word in self.words
        }

    @property
    def all_indexed(self) -> bool:
        """Whether the index can look up every word (it needs three characters)."""
        return bool(self.words) and all(len(word) >= 3 for word in self.words)

    def row_test(self, word: str) -> Q:
        """Whether a task's text holds `word` (ASCII, three characters or more) exactly as
        the SQLite index would say, tested on the task's own row: LIKE, and the index only
        for the rare text with a character that folds into ASCII (FOLDED_INTO_ASCII)."""
        folding = Q()
        for char in FOLDED_INTO_ASCII:
            folding |= Q(title__contains=char) | Q(description__contains=char)
        in_index = Q(id__in=RawSQL(SQLITE_SEARCH, [fts_phrase(word)]))  # noqa: S611
        return Q(title__icontains=word) | Q(description__icontains=word) | folding & in_index

    def count_sql(self, tasks: "TaskQuerySet", limit: int) -> tuple[str, list]:
        """SQLite: the SQL counting up to `limit` of `tasks` that match every word.

        A task of a category that no word names matches if its text holds every word; one
        of a category that some words name, if its text holds the others. So the matches
        are the union of: the tasks whose text holds every word, and for each category
        named, its tasks whose text holds the words it does not name (all of them if none).
        Each part is read up to `limit` rows, the index driving (its matches in its own
        order, each task found by its id): the union of the parts so cut holds `limit`
        rows exactly when the whole union does.
        """
        named = sorted({pk for pks in self.named.values() for pk in pks})
        parts = [(tasks, self.words)] + [
            (tasks.filter(category=pk), [w for w in self.words if pk not in self.named[w]])
            for pk in named
        ]
        # The SQL is Django's for each part, a limit that is an int, and constant text:
        # the words are parameters. CROSS JOIN keeps the index the outer loop.
        limit = int(limit)
        sqls, params = [], []
        for part, words in parts:
            sql, part_params = part.values("id").query.get_compiler(tasks.db).as_sql()
            if words:
                query = " ".join(fts_phrase(word) for word in words)
                sql = (
                    "SELECT task.id FROM marketplace_task_search"  # noqa: S608
                    f" CROSS JOIN ({sql}) task ON task.id = marketplace_task_search.rowid"
                    " WHERE marketplace_task_search MATCH %s"
                )
                part_params = (*part_params, query)
            sqls.append(f"SELECT * FROM ({sql} LIMIT {limit}) subquery")  # noqa: S608
            params += part_params
        union = " UNION ".join(sqls)
        return f"SELECT COUNT(*) FROM ({union} LIMIT {limit}) subquery", params  # noqa: S608


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
        if user.is_staff:
            return self  # staff see every task
        from .bids import Bid  # bids.py imports this module

        # EXISTS rather than a join on the bids: no row per bid to make DISTINCT again
        # (with every annotation computed for each), and the agreement is one to one.
        involved = (
            Q(agreement__customer=user)
            | Q(agreement__tasker=user)
            | Exists(Bid.objects.filter(task=OuterRef("pk"), tasker=user))
        )
        return self.filter(self._public_q() | Q(customer=user) | involved)

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
        return self.search_words(SearchWords(text))

    def search_words(self, search: "SearchWords", *, row_by_row: bool = False):
        """`search()` with the words already read.

        On SQLite the index hands over every task that matches, open or not, before the
        first row is read: right when few match. When many do, `row_by_row` tests each
        task in the order read instead (SearchWords.row_test), so that a first page stops
        after its rows whatever the size of the site. Either way the same tasks match.
        """
        sqlite = connections[self.db].vendor == "sqlite"
        tasks, fts_words = self, []
        for word in search.words:
            named = search.named[word]
            if sqlite and row_by_row and word.isascii() and len(word) >= 3:
                in_text = search.row_test(word)
            elif sqlite and len(word) >= 3 and not named:
                fts_words.append(word)  # looked up together, below
                continue
            elif sqlite and len(word) >= 3:
                in_text = Q(id__in=RawSQL(SQLITE_SEARCH, [fts_phrase(word)]))  # noqa: S611
            else:
                in_text = Q(title__icontains=word) | Q(description__icontains=word)
            tasks = tasks.filter(Q(category__in=named) | in_text if named else in_text)
        if fts_words:
            # Phrases side by side must all match. Constant SQL, the words a parameter.
            query = " ".join(fts_phrase(word) for word in fts_words)
            tasks = tasks.filter(id__in=RawSQL(SQLITE_SEARCH, [query]))  # noqa: S611
        return tasks

    def count_matching(self, search: "SearchWords", limit: int) -> int:
        """How many of these tasks `search_words(search)` keeps, counted up to `limit`.

        On SQLite, when every word can be looked up in the index, the index is read in its
        own order and each match's task found by its id, so that the count stops at
        `limit` matches instead of first listing every match (SearchWords.count_sql).
        """
        tasks = self.order_by()  # a count needs no order
        if connections[self.db].vendor != "sqlite" or not search.all_indexed:
            return tasks.search_words(search)[:limit].count()
        sql, params = search.count_sql(tasks, limit)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def in_city(self, prefix: str):
        """The tasks whose city starts with `prefix` (lower case), whatever its case:
        "card" finds Cardiff.

        Compared on Lower(city) like the task_browse_city index; the range (from the prefix
        up to the next prefix) is what the index serves, and LIKE keeps exactly the names
        that start with it.
        """
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return self.alias(city_lower=Lower("city")).filter(
            city_lower__gte=prefix, city_lower__lt=after, city_lower__startswith=prefix
        )

    def with_card_data(self):
        """What a task card shows: the category and the number of live bids.

        The bids are counted by a subquery for each row shown, not by joining and grouping
        every matching task's bids: a page of 20 costs 20 index lookups however many tasks
        match, and the paginator's COUNT(*) leaves the unused subquery out.
        """
        from .photos import TaskPhoto  # photos.py imports this module

        # The card's thumbnail: the first shown photo's, or its file until that is made.
        first_photo = (
            TaskPhoto.objects.shown().filter(task=OuterRef("pk")).order_by("position", "id")
        )
        return (
            self.with_bid_count()
            .select_related("category", "town")
            .annotate(
                card_photo=Subquery(
                    first_photo.annotate(
                        shown=Case(
                            When(card_thumb="", then=F("image")),
                            default=F("card_thumb"),
                            output_field=models.CharField(),
                        )
                    ).values("shown")[:1]
                ),
            )
        )

    def with_bid_count(self):
        """Each task's number of live bids, `bid_count`, and nothing else a card shows (a
        table of tasks): a subquery for each row shown."""
        from .bids import Bid  # bids.py imports this module

        return self.annotate(bid_count=row_count(Bid.objects.live().filter(task=OuterRef("pk"))))


class Task(StatefulModel, Moderated):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ASSIGNED = "assigned", "Assigned"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    OWNER_FIELD = "customer"
    BIDDER = "bidder"  # a party: any tasker who is not the task's customer
    MEMBER = "member"  # a party: anyone signed in who is not the task's customer
    # A hidden task is frozen; its customer may still cancel it (which harms nobody).
    HELD_WHILE_HIDDEN = frozenset({"edit", "bid", "accept", "ask", "question"})
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
        "ask": transition(Status.OPEN, None, MEMBER, "Ask the customer a question"),
        "report": transition(list(Status), None, MEMBER, "Report this task"),
        "question": transition(Status.OPEN, None, MEMBER, "Ask a public question"),
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
    # The place the city was matched to when the task was saved (services.tasks), for
    # distance searches and to show the city back as "Cardiff, Wales"; none if unknown.
    town = models.ForeignKey(
        "marketplace.Place", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
            # The city filter matches whatever the case: TaskQuerySet.in_city compares Lower(city).
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
        return {self.MEMBER, self.BIDDER} if user.is_tasker else {self.MEMBER}

    def refusal(self, action: str, user) -> str | None:
        # Bidding keeps words of its own for the two parties who may never bid.
        if action == "bid" and user is not None:
            roles = self.parties(user)
            if Party.CUSTOMER in roles:
                return "You cannot bid on your own task."
            if self.MEMBER in roles and self.BIDDER not in roles:
                return "Only taskers can bid. Switch your role to tasker or both in your profile."
        if action == "question" and user is not None and Party.CUSTOMER in self.parties(user):
            return "This is your own task: answer questions here rather than ask them."
        if action == "question" and not self.in_state_for(action):
            return "Questions close when the task is no longer open."
        return super().refusal(action, user)

    def on_hold(self) -> bool:
        return self.is_hidden

    def bid_prompt(self, user) -> str | None:
        """What `user` could do to be able to bid while the task takes bids: "sign_in"
        for a visitor, "switch_role" for a member who is not a tasker; else None."""
        if not self.in_state_for("bid"):
            return None
        if not user.is_authenticated:
            return "sign_in"
        roles = self.parties(user)
        if self.MEMBER in roles and self.BIDDER not in roles:
            return "switch_role"
        return None

    @property
    def no_bids_note(self) -> str:
        """Why a task that takes no more bids has none in play, for its customer."""
        return {
            self.Status.CANCELLED: "you cancelled this task.",
            self.Status.EXPIRED: "this task expired. You can repost it.",
        }.get(self.status, "")

    @property
    def place(self) -> str:
        """Where the task is, as a person reads it: the matched place ("Cardiff, Wales")
        or else the city as typed, then the postcode. Select "town" with the task."""
        where = str(self.town) if self.town_id else self.city
        if self.is_remote:
            return f"{where} or remote" if where else "Remote"
        return f"{where} {self.postcode}".strip()


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
        QUESTION_ASKED = "question_asked", "Question asked"
        QUESTION_ANSWERED = "question_answered", "Question answered"

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
