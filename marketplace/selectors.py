"""Read queries shared by several views."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from accounts.models import User

from .forms import TaskFilterForm
from .models import (
    REVIEW_BLIND_DAYS,
    Agreement,
    Bid,
    Conversation,
    Message,
    Notification,
    Place,
    Question,
    Report,
    Review,
    SearchWords,
    Task,
    TaskAlert,
    TaskPhoto,
)
from .places import DEFAULT_RADIUS, NamedPlace, bounding_box, distance_miles, place_find
from .subqueries import row_average, row_count, row_total

# The browse page's orders; each ends on the id so that pages never share or skip a task.
TASK_SORTS = {
    "newest": ("-created_at", "-id"),
    "budget_desc": ("-budget", "-id"),
    "budget_asc": ("budget", "id"),
    "due": ("due_date", "id"),
}


def tasks_browse(filters: dict, *, cards: bool = True):
    """The open, public tasks matching `filters` (TaskFilterForm.filters(): q, category,
    city, budget_min, budget_max, remote, near, radius, sort; any may be missing), with what
    a card shows (without it if not `cards`: a count needs none of it).

    The one browse query: the browse page, the home page's latest tasks and anything that
    lists tasks by a search go through it.

    `near` (a Place, or a place name looked up here) with `radius` (miles, default 10)
    keeps the tasks whose matched place is that close, each annotated with its `distance`;
    `remote` then adds the remote tasks (distance None) rather than keeping only them.
    An unknown name filters nothing by distance. `sort="distance"` needs a place.
    """
    tasks = Task.objects.open().public()
    if q := filters.get("q"):
        tasks = tasks.search(q)
    if filters.get("category"):
        tasks = tasks.filter(category=filters["category"])
    if city := (filters.get("city") or "").strip().lower():
        tasks = tasks.in_city(city)
    if filters.get("budget_min") is not None:
        tasks = tasks.filter(budget__gte=filters["budget_min"])
    if filters.get("budget_max") is not None:
        tasks = tasks.filter(budget__lte=filters["budget_max"])
    near = filters.get("near")
    if isinstance(near, str):
        near = place_find(near).place if near.strip() else None
    if near is not None:
        radius = filters.get("radius") or DEFAULT_RADIUS
        # The box on the indexed coordinates first; the exact distance then only for its rows.
        tasks = tasks.annotate(distance=distance_miles(near, "town__"))
        nearby = bounding_box(near, radius, "town__") & Q(distance__lte=radius)
        tasks = tasks.filter(nearby | Q(is_remote=True) if filters.get("remote") else nearby)
        if filters.get("sort") == "distance":
            tasks = tasks.order_by(F("distance").asc(nulls_last=True), "-created_at", "-id")
            return tasks.with_card_data() if cards else tasks
    elif filters.get("remote"):
        tasks = tasks.filter(is_remote=True)
    sort = filters.get("sort")
    tasks = tasks.order_by(*TASK_SORTS[sort if sort in TASK_SORTS else "newest"])
    return tasks.with_card_data() if cards else tasks


# How deep into the results a keyword search is read row by row (tasks_browse_counted).
ROW_BY_ROW_ROWS = 100


def tasks_browse_counted(filters: dict, *, cap: int, rows: int) -> tuple:
    """The browse query of `filters` without card data, and how many tasks it finds,
    counted up to `cap` + 1, for a page whose last row is the `rows`th.

    A keyword search is counted first (TaskQuerySet.count_matching: it stops at the cap).
    More than `cap` matches make a first page cheaper to read row by row, stopping at its
    last row, than from the index's list of every match; a deep page, or one of a search
    that few tasks match, reads that list.
    """
    if not filters.get("q"):
        tasks = tasks_browse(filters, cards=False)
        return tasks, tasks.order_by()[: cap + 1].count()
    search = SearchWords(filters["q"])
    unsearched = tasks_browse(filters | {"q": ""}, cards=False)
    count = unsearched.count_matching(search, cap + 1)
    row_by_row = count > cap and rows <= ROW_BY_ROW_ROWS
    return unsearched.search_words(search, row_by_row=row_by_row), count


def saved_search_filters(search) -> dict:
    """The browse filters of a SavedSearch, read back through the browse page's form, for
    `tasks_browse`: a saved search lists what its page lists."""
    data = search.query_data()
    data.pop("category", None)  # set below from the row already loaded: no lookup by slug
    filters = TaskFilterForm(data=data).filters()
    filters["category"] = search.category
    filters["sort"] = "newest"
    return filters


# Every figure `reputation` can annotate; a page asks for those it shows.
REPUTATION = ("rating_avg", "review_count", "completed_count", "cancelled_count", "tasks_posted")


def reputation(user_ref: str = "pk", figures: tuple[str, ...] = REPUTATION) -> dict:
    """Annotations for the user at `user_ref`: rating, reviews, agreements, tasks (those
    named in `figures`: each is a subquery to build, compile and run).

    One subquery each, so a list of 1 or 100 rows costs the same number of queries.
    """

    def reviews():
        return Review.objects.visible().filter(subject=OuterRef(user_ref))

    def as_tasker(status):
        return row_count(Agreement.objects.filter(tasker=OuterRef(user_ref), status=status))

    build = {
        "rating_avg": lambda: row_average(reviews(), "rating"),
        "review_count": lambda: row_count(reviews()),
        "completed_count": lambda: as_tasker(Agreement.Status.COMPLETED),
        "cancelled_count": lambda: as_tasker(Agreement.Status.CANCELLED),
        "tasks_posted": lambda: row_count(Task.objects.filter(customer=OuterRef(user_ref))),
    }
    return {name: build[name]() for name in figures}


def profile_reviews(user, request) -> dict:
    """A public profile's reviews, ten to a page (the profile part registered with accounts)."""
    reviews = (
        Review.objects.visible()
        .filter(subject=user)
        .select_related("author", "subject", "agreement")
    )
    page = Paginator(reviews, 10).get_page(request.GET.get("page"))
    return {"reviews": page, "page_obj": page}


def dashboard_sections(user) -> dict:
    """The dashboard's lists, unordered: the agreements waiting on `user` ("needs_action",
    shown whole: a few at most), and the paginated ones: their tasks, their bids and their
    other agreements, which dashboard_figures counts. The two lists of agreements split
    `user`'s agreements by one condition, built once."""
    agreements, waiting = Agreement.objects.of(user), needs_action_q(user)
    return {
        "needs_action": agreements.filter(waiting),
        "tasks": Task.objects.filter(customer=user),
        "bids": Bid.objects.filter(tasker=user),
        "agreements": agreements.exclude(waiting),
    }


# How many open tasks a tasker's dashboard suggests, and how many of their skills it
# matches at most (the profile allows 300 characters of them).
SUGGESTED_TASKS = 6
SUGGESTION_SKILLS = 10


def suggested_tasks(user, *, home: Place | None):
    """Open tasks to suggest to `user` as a tasker ("new tasks for you"): in their area
    (within DEFAULT_RADIUS miles of `home`, the place their city names, or in a city of
    that name), with one of their skills in the title or the category's name, or found for
    one of their saved searches (the alert log holds what the browse query matched for
    each); newest first, none of their own and none they have bid on.

    `home` holds the coordinates `dashboard_figures` read with its one row (None when the
    city names no place): the area is then the browse query's bounding box and distance
    around two numbers, far cheaper to build and run than around subqueries finding them.
    """
    near = Q(pk__in=TaskAlert.objects.filter(search__owner=user).values("task"))
    tasks = Task.objects.public().open()
    if city := " ".join(user.city.split()):
        tasks = tasks.alias(city_lower=Lower("city"))
        near |= Q(city_lower=city.lower())
        if home is not None:
            tasks = tasks.alias(distance=distance_miles(home, "town__"))
            near |= bounding_box(home, DEFAULT_RADIUS, "town__") & Q(distance__lte=DEFAULT_RADIUS)
    for skill in user.skill_list()[:SUGGESTION_SKILLS]:
        near |= Q(title__icontains=skill) | Q(category__name__icontains=skill)
    return (
        tasks.filter(near)
        .exclude(customer=user)
        # The tasks they bid on, listed once (from the index on the bids' tasker), rather
        # than looked for among the bids of each task read.
        .exclude(pk__in=Bid.objects.filter(tasker=user).values("task"))
        .with_card_data()
        .order_by("-created_at", "-id")[:SUGGESTED_TASKS]
    )


def dashboard_figures(user, sections: dict, *, needing_action: int) -> dict:
    """Everything the dashboard counts and adds up, in one query.

    The number of rows in each paginated list of `sections` (`dashboard_sections`, for
    their paginators), what `user` spent and earned on completed agreements, the navbar's
    unread counts, and `home`: the place their city names, as place_find picks it (an
    unsaved Place holding only its coordinates, for `suggested_tasks`; None without a city
    or when it names none).

    `needing_action` is how many agreements the page lists as waiting on `user`: the other
    agreements are all of theirs less those, a plain count rather than the condition again.
    """
    completed = Agreement.objects.filter(status=Agreement.Status.COMPLETED)
    home = {}
    if city := " ".join(user.city.split()):
        place = NamedPlace.of(city)
        home = {"home_latitude": place.latitude, "home_longitude": place.longitude}
    figures = (
        User.objects.filter(pk=user.pk)
        .values(
            task_count=row_count(sections["tasks"]),
            bid_count=row_count(sections["bids"]),
            all_agreements=row_count(Agreement.objects.of(user)),
            spent=row_total(completed.filter(customer=user), "price"),
            earned=row_total(completed.filter(tasker=user), "price"),
            **unread_count_annotations(user),
            **home,
        )
        .get()
    )
    figures["agreement_count"] = figures.pop("all_agreements") - needing_action
    for total in ("spent", "earned"):
        # Pounds and pence whatever the database gives back (SQLite drops the pence).
        figures[total] = Decimal(figures[total] or 0).quantize(Decimal("0.01"))
    latitude, longitude = figures.pop("home_latitude", None), figures.pop("home_longitude", None)
    figures["home"] = None if latitude is None else Place(latitude=latitude, longitude=longitude)
    return figures


def needs_action_q(user) -> Q:
    """Agreements waiting on `user`: the tasker to deliver, the customer to confirm, and
    either to review the other while reviews are open (Agreement.refusal's rule)."""
    reviews_open = Q(
        status=Agreement.Status.COMPLETED,
        completed_at__gte=timezone.now() - timedelta(days=REVIEW_BLIND_DAYS),
    )
    reviewed = Exists(Review.objects.filter(agreement=OuterRef("pk"), author=user))
    return (
        Q(tasker=user, status=Agreement.Status.ACTIVE)
        | Q(customer=user, status=Agreement.Status.DELIVERED)
        | (reviews_open & (Q(customer=user) | Q(tasker=user)) & ~Q(reviewed))
    )


def reportable(kind: str, user):
    """What `user` may report of this kind: things they can see and did not write."""
    querysets = {
        # Each with what its str() and get_absolute_url() read, for the report form.
        Report.Kind.TASK: lambda: Task.objects.visible_to(user).exclude(customer=user),
        Report.Kind.BID: lambda: Bid.objects.filter(task__customer=user).select_related("task"),
        Report.Kind.REVIEW: lambda: (
            Review.objects.visible().exclude(author=user).select_related("author", "subject")
        ),
        Report.Kind.MESSAGE: lambda: (
            Message.objects.filter(Q(conversation__user_a=user) | Q(conversation__user_b=user))
            .exclude(sender=user)
            .select_related("conversation")
        ),
        Report.Kind.QUESTION: lambda: (
            Question.objects.filter(is_hidden=False, task__in=Task.objects.visible_to(user))
            .exclude(asker=user)
            .select_related("task")
        ),
        Report.Kind.USER: lambda: User.objects.filter(is_active=True).exclude(pk=user.pk),
        Report.Kind.PHOTO: lambda: (
            TaskPhoto.objects.shown()
            .filter(task__in=Task.objects.visible_to(user))
            .exclude(task__customer=user)
            .select_related("task")
        ),
    }
    return querysets[kind]()


# --- Messages ---

# Before any message: the read marker of someone who has never opened a conversation.
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _my_read_at(user):
    """The read marker of `user` on a conversation, whichever side of it they are."""
    return Coalesce(
        Case(When(user_a=user, then=F("a_read_at")), default=F("b_read_at")),
        Value(_NEVER),
        output_field=DateTimeField(),
    )


def _messages_for(user):
    """Messages `user` may see: all of their own, and the others' not hidden by moderators."""
    return Message.objects.filter(Q(sender=user) | Q(is_hidden=False))


def _conversations_with_messages(user):
    """`user`'s conversations in which they can see a message."""
    visible = _messages_for(user).filter(conversation=OuterRef("pk"))
    return Conversation.objects.of(user).filter(Exists(visible))


def conversations_for(user):
    """`user`'s conversations that have messages, newest first, each with what the inbox
    shows: the other person, the task, the last message and how many are unread.

    Subqueries only, so 1 or 100 conversations cost the same number of queries.
    """
    last = _messages_for(user).filter(conversation=OuterRef("pk")).order_by("-created_at", "-id")
    unread = Message.objects.filter(
        conversation=OuterRef("pk"), is_hidden=False, created_at__gt=OuterRef("my_read_at")
    ).exclude(sender=user)
    return (
        _conversations_with_messages(user)
        .select_related("user_a", "user_b", "task")
        # Only what the list shows of the people and the task, not their every column.
        .only("user_a", "user_b", "task__title", *shown_fields("user_a", "user_b"))
        .annotate(
            my_read_at=_my_read_at(user),
            last_body=Subquery(last.values("body")[:1]),
            last_sender_id=Subquery(last.values("sender")[:1]),
            last_at=Subquery(last.values("created_at")[:1]),
            unread_count=row_count(unread),
        )
        .order_by("-last_message_at", "-id")
    )


def inbox_figures(user) -> dict:
    """How many conversations the inbox lists (`conversation_count`, for its paginator) and
    the navbar's unread counts, in one query: counting the list's own query would build
    its every annotation only to leave them out."""
    return (
        User.objects.filter(pk=user.pk)
        .values(
            conversation_count=row_count(_conversations_with_messages(user)),
            **unread_count_annotations(user),
        )
        .get()
    )


def shown_fields(*relations: str) -> list[str]:
    """The columns a page needs to show the person at each of `relations` (for `only`)."""
    return [f"{relation}__{field}" for relation in relations for field in User.SHOWN_FIELDS]


def with_people(queryset, *people: str, related: tuple[str, ...] = (), also: tuple[str, ...] = ()):
    """`queryset` with the people at `people` joined, reading only the columns a page
    shows of them (User.SHOWN_FIELDS, and those named in `also`) rather than their every
    column, and whatever is at `related` whole; every column of its own rows."""
    own = [field.name for field in queryset.model._meta.concrete_fields]
    fields = [*own, *shown_fields(*people), *also]
    return queryset.select_related(*people, *related).only(*fields)


def _unread_messages(user):
    """Messages others sent `user` since `user` last read each conversation."""
    as_a = Q(conversation__user_a=user) & (
        Q(conversation__a_read_at__isnull=True) | Q(created_at__gt=F("conversation__a_read_at"))
    )
    as_b = Q(conversation__user_b=user) & (
        Q(conversation__b_read_at__isnull=True) | Q(created_at__gt=F("conversation__b_read_at"))
    )
    return Message.objects.filter(as_a | as_b, is_hidden=False).exclude(sender=user)


def unread_count_annotations(user) -> dict:
    """The navbar's badges as two scalar subqueries, to annotate onto any one-row query."""
    return {
        "unread_messages": row_count(_unread_messages(user)),
        "unread_notifications": row_count(
            Notification.objects.filter(recipient=user, is_read=False)
        ),
    }


def unread_counts(user) -> dict[str, int]:
    """The navbar's badges, both in one query: {"messages": n, "notifications": n}."""
    counts = User.objects.filter(pk=user.pk).values(**unread_count_annotations(user)).get()
    return {"messages": counts["unread_messages"], "notifications": counts["unread_notifications"]}
