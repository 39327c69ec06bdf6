"""Benchmark-size demo data: thousands of users, tens of thousands of tasks, in seconds.

Going through the services would take an hour at this size, so the data is planned in
memory and written as plain rows (see `rows.py`) inside one transaction: all or nothing.
The rows are the ones the services would have written: every task has a story that ends
in its status, with the bids, agreement, reviews, timeline events and notifications that
story implies, at plausible moments over the last six months.

Generated users are named `user00001`, `user00002`, … so a second run can tell the data
is already there.
"""

import datetime
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.core.management.base import CommandError, OutputWrapper
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import User
from marketplace.models import (
    Agreement,
    Bid,
    Category,
    Conversation,
    Message,
    Notification,
    Review,
    Task,
    TaskEvent,
)

from .. import texts
from ..management.progress import Progress
from ..places import place_for_city
from . import scale_content as text
from .rows import RowInserter, reserve_ids

CHUNK = 1000  # tasks (or conversations) planned and written together
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def scale_username(number: int) -> str:
    return f"user{number:05d}"


@dataclass(frozen=True)
class ScaleSize:
    users: int
    tasks: int
    bids: int
    messages: int

    def check(self) -> None:
        """Raise CommandError for sizes that cannot make a consistent marketplace."""
        if self.tasks and self.users < 2:
            raise CommandError("--tasks needs --users 2 or more (a customer and a tasker).")
        if self.bids and not self.tasks:
            raise CommandError("--bids needs --tasks: every bid is on a task.")
        if self.messages and not self.bids:
            raise CommandError(
                "--messages needs --bids: conversations are between a customer and a bidder."
            )


class Story(StrEnum):
    """How a task's life went; each ends in one task status."""

    OPEN = "open"
    ACTIVE = "active"  # a bid accepted, work in progress
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # by the customer while open
    AGREEMENT_CANCELLED = "agreement_cancelled"
    EXPIRED = "expired"


S = Story
STORY_WEIGHTS = {
    S.OPEN: 55,
    S.ACTIVE: 7,
    S.DELIVERED: 4,
    S.COMPLETED: 20,
    S.CANCELLED: 5,
    S.AGREEMENT_CANCELLED: 3,
    S.EXPIRED: 6,
}
TASK_STATUS = {
    S.OPEN: Task.Status.OPEN,
    S.ACTIVE: Task.Status.ASSIGNED,
    S.DELIVERED: Task.Status.ASSIGNED,
    S.COMPLETED: Task.Status.COMPLETED,
    S.CANCELLED: Task.Status.CANCELLED,
    S.AGREEMENT_CANCELLED: Task.Status.CANCELLED,
    S.EXPIRED: Task.Status.EXPIRED,
}
AGREEMENT_STATUS = {
    S.ACTIVE: Agreement.Status.ACTIVE,
    S.DELIVERED: Agreement.Status.DELIVERED,
    S.COMPLETED: Agreement.Status.COMPLETED,
    S.AGREEMENT_CANCELLED: Agreement.Status.CANCELLED,
}
# How many days ago tasks with each story were posted (uniform in the range).
POSTED_DAYS_AGO = {
    S.OPEN: (0.02, 30),
    S.ACTIVE: (3, 40),
    S.DELIVERED: (4, 45),
    S.COMPLETED: (8, 180),
    S.CANCELLED: (3, 120),
    S.AGREEMENT_CANCELLED: (6, 150),
    S.EXPIRED: (25, 180),
}
# Relative share of the bids a task attracts, by story.
BID_WEIGHT = {
    S.OPEN: 1.0,
    S.ACTIVE: 1.2,
    S.DELIVERED: 1.2,
    S.COMPLETED: 1.2,
    S.CANCELLED: 0.6,
    S.AGREEMENT_CANCELLED: 1.0,
    S.EXPIRED: 0.4,
}
ROLE_WEIGHTS = {User.Role.CUSTOMER: 45, User.Role.TASKER: 35, User.Role.BOTH: 20}
RATING_WEIGHTS = {5: 55, 4: 27, 3: 9, 2: 5, 1: 4}
REVIEW_FATES = {"both": 65, "one": 20, "none": 15}


@dataclass
class PlannedBid:
    tasker: int  # index into the generated users
    amount: Decimal
    created: datetime.datetime
    status: str = Bid.Status.PENDING
    withdrawn: datetime.datetime | None = None
    pk: int = 0


@dataclass
class PlannedReview:
    author: int
    subject: int
    rating: int
    at: datetime.datetime


@dataclass
class PlannedTask:
    """One task's story: what happened to it, who did it, and when."""

    story: Story
    customer: int  # index into the generated users
    category: str
    created: datetime.datetime
    budget: Decimal = Decimal(0)
    due: datetime.date | None = None
    decided: datetime.datetime | None = None  # accepted, cancelled or expired
    bids: list[PlannedBid] = field(default_factory=list)
    winner: PlannedBid | None = None
    delivered: datetime.datetime | None = None
    completed: datetime.datetime | None = None
    cancelled: datetime.datetime | None = None
    cancelled_by: int | None = None
    cancel_reason: str = ""
    reviews: list[PlannedReview] = field(default_factory=list)
    title: str = ""
    description: str = ""
    pk: int = 0
    agreement_pk: int = 0


class ScaleSeeder:
    """Plan and write `size` of generated data; `run()` returns the rows written per table."""

    def __init__(
        self,
        size: ScaleSize,
        *,
        rng: random.Random,
        stdout: OutputWrapper,
        now: datetime.datetime | None = None,
    ) -> None:
        self.size = size
        self.rng = rng
        self.stdout = stdout
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.planned = False
        # (task pk, title, customer, tasker, bid time) of every bid: conversations start
        # from bids.
        self.bid_log: list[tuple[int, str, int, int, datetime.datetime]] = []

    @staticmethod
    def exists() -> bool:
        return User.objects.filter(username=scale_username(1)).exists()

    def run(self, *, password_hash: str) -> Counter[str]:
        """Write the planned data; every generated user gets `password_hash`."""
        self.password_hash = password_hash
        if not self.planned:
            self.plan()
        # Rows that others point at get their primary keys from `reserve_ids`.
        self.rows = {
            model: RowInserter(model, with_pk=model in (Task, Bid, Agreement, Conversation))
            for model in (Task, Bid, Agreement, Review, TaskEvent, Notification)
            + (Conversation, Message)
        }
        self.urls = UrlTemplates()
        with transaction.atomic():
            self._write_users()
            self._write_tasks()
            self._write_conversations()
        counts = Counter({"users": len(self.user_ids)})
        for model, inserter in self.rows.items():
            counts[str(model._meta.verbose_name_plural)] = inserter.written
        return counts

    # --- Planning: who is who, which task ends how, how many bids each gets ---

    def plan(self) -> None:
        """Decide roles, stories and bid counts; raise CommandError if the size cannot work."""
        rng, size = self.rng, self.size
        roles = rng.choices(list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values()), k=size.users)
        if size.users >= 2:
            roles[0], roles[1] = User.Role.CUSTOMER, User.Role.TASKER
        self.roles = roles
        customers = [i for i, r in enumerate(roles) if r != User.Role.TASKER]
        self.taskers = [i for i, r in enumerate(roles) if r != User.Role.CUSTOMER]
        self.task_customers = rng.choices(customers, k=size.tasks) if size.tasks else []
        self.stories = rng.choices(list(STORY_WEIGHTS), list(STORY_WEIGHTS.values()), k=size.tasks)
        self.bid_counts = self._allocate_bids()
        self.planned = True

    def planned_statuses(self) -> Counter[str]:
        """How many tasks the plan puts in each status."""
        return Counter(str(TASK_STATUS[story]) for story in self.stories)

    def _capacity(self, task: int) -> int:
        """How many bids task `task` can take: one per tasker but its customer."""
        return len(self.taskers) - (self.roles[self.task_customers[task]] == User.Role.BOTH)

    def _allocate_bids(self) -> list[int]:
        size, stories = self.size, self.stories
        caps = [self._capacity(i) for i in range(size.tasks)]
        if size.bids > sum(caps):
            raise CommandError(
                f"--bids {size.bids} is more than {size.tasks} tasks can take from "
                f"{len(self.taskers)} taskers (at most {sum(caps)}: one bid per tasker per task)."
            )
        agreed = [i for i, s in enumerate(stories) if s in AGREEMENT_STATUS]
        for i in agreed[size.bids :]:  # fewer bids than agreements: those stay open
            stories[i] = S.OPEN
        counts = [0] * size.tasks
        for i in agreed[: size.bids]:
            counts[i] = 1  # the bid that was accepted
        remaining = size.bids - sum(counts)
        weights = [BID_WEIGHT[s] for s in stories]
        for i in self.rng.choices(range(size.tasks), weights, k=remaining) if remaining else ():
            counts[i] += 1
        # Hand bids over a task's capacity to tasks with room to spare.
        spill = 0
        for i, cap in enumerate(caps):
            if counts[i] > cap:
                spill, counts[i] = spill + counts[i] - cap, cap
        for i in self.rng.sample(range(size.tasks), size.tasks) if spill else ():
            extra = min(spill, caps[i] - counts[i])
            counts[i], spill = counts[i] + extra, spill - extra
        return counts

    def _after(self, moment: datetime.datetime, low: float, high: float) -> datetime.datetime:
        """A moment `low` to `high` hours after `moment`, but never in the future."""
        return min(moment + HOUR * self.rng.uniform(low, high), self.now)

    def _plan_task(self, index: int) -> PlannedTask:
        story = self.stories[index]
        low, high = POSTED_DAYS_AGO[story]
        category = self.rng.choices(self.category_slugs, self.category_weights)[0]
        planned = PlannedTask(
            story=story,
            customer=self.task_customers[index],
            category=category,
            created=self.now - DAY * self.rng.uniform(low, high),
        )
        work = text.WORK[category]
        planned.budget = Decimal(self.rng.randrange(work.budget[0], work.budget[1] + 1, 5))
        planned.due = self._due_date(planned)
        planned.decided = self._decided(planned)
        self._plan_bids(planned, self.bid_counts[index])
        if story in AGREEMENT_STATUS:
            self._plan_agreement(planned)
        return planned

    def _due_date(self, planned: PlannedTask) -> datetime.date:
        posted = timezone.localdate(planned.created)
        if planned.story == S.OPEN:
            return self.today + DAY * self.rng.randint(1, 45)
        if planned.story == S.EXPIRED:  # posted 25+ days ago, so due in the past
            return posted + DAY * self.rng.randint(3, 20)
        return posted + DAY * self.rng.randint(3, 30)

    def _decided(self, planned: PlannedTask) -> datetime.datetime | None:
        """When the task stopped being open: accepted, cancelled or expired."""
        if planned.story == S.OPEN:
            return None
        if planned.story == S.EXPIRED:
            # The hourly expire_tasks run just after the due day ended.
            day_after = datetime.datetime.combine(planned.due + DAY, datetime.time())
            return min(timezone.make_aware(day_after) + HOUR * self.rng.random(), self.now)
        if planned.story == S.CANCELLED:
            return self._after(planned.created, 12, 240)
        return self._after(planned.created, 4, 96)

    def _plan_bids(self, planned: PlannedTask, count: int) -> None:
        if not count:
            return
        rng = self.rng
        pool = rng.sample(self.taskers, min(count + 1, len(self.taskers)))
        taskers = [t for t in pool if t != planned.customer][:count]
        end = planned.decided or self.now
        span = end - planned.created
        budget_pence = int(planned.budget * 100)
        for tasker in taskers:
            pence = max(int(budget_pence * rng.uniform(0.75, 1.2)) // 50 * 50, 100)
            # Most bids come soon after a task is posted.
            created = planned.created + span * rng.random() ** 2
            planned.bids.append(PlannedBid(tasker, Decimal(pence).scaleb(-2), created))
        self._settle_bids(planned, end)

    def _settle_bids(self, planned: PlannedTask, end: datetime.datetime) -> None:
        """Give each bid its final status; choose the accepted one for an agreement."""
        rng = self.rng
        if planned.story in AGREEMENT_STATUS:
            planned.winner = rng.choice(planned.bids)
            planned.winner.status = Bid.Status.ACCEPTED
        for bid in planned.bids:
            if bid is planned.winner:
                continue
            if rng.random() < 0.1:
                bid.status = Bid.Status.WITHDRAWN
                bid.withdrawn = bid.created + (end - bid.created) * rng.random()
            elif planned.story != S.OPEN:
                bid.status = Bid.Status.REJECTED

    def _plan_agreement(self, planned: PlannedTask) -> None:
        story, rng = planned.story, self.rng
        if story in (S.DELIVERED, S.COMPLETED) or (
            story == S.AGREEMENT_CANCELLED and rng.random() < 0.3
        ):
            planned.delivered = self._after(planned.decided, 12, 168)
        if story == S.COMPLETED:
            planned.completed = self._after(planned.delivered, 1, 72)
            self._plan_reviews(planned)
        if story == S.AGREEMENT_CANCELLED:
            planned.cancelled = self._after(planned.delivered or planned.decided, 6, 120)
            planned.cancelled_by = rng.choice((planned.customer, planned.winner.tasker))
            planned.cancel_reason = rng.choice(text.CANCEL_REASONS)

    def _plan_reviews(self, planned: PlannedTask) -> None:
        rng = self.rng
        fate = rng.choices(list(REVIEW_FATES), list(REVIEW_FATES.values()))[0]
        parties = [planned.customer, planned.winner.tasker]
        rng.shuffle(parties)
        # Reviews are written within the 14-day window after completion.
        latest = min(planned.completed + DAY * 13.9, self.now)
        first = min(self._after(planned.completed, 1, 96), latest)
        second = min(self._after(first, 1, 120), latest)
        authors = {"both": parties, "one": parties[:1], "none": []}[fate]
        for author, at in zip(authors, (first, second), strict=False):
            subject = parties[1] if author == parties[0] else parties[0]
            rating = rng.choices(list(RATING_WEIGHTS), list(RATING_WEIGHTS.values()))[0]
            planned.reviews.append(PlannedReview(author, subject, rating, at))

    # --- Users ---

    def _write_users(self) -> None:
        rng = self.rng
        cities, city_weights = list(text.CITIES), [w for w, _ in text.CITIES.values()]
        skills = [w.skills for w in text.WORK.values()]
        users = []
        for number, role in enumerate(self.roles, start=1):
            username = scale_username(number)
            tasker = role != User.Role.CUSTOMER
            users.append(
                User(
                    username=username,
                    email=f"{username}@example.com",
                    display_name=f"{rng.choice(text.FIRST_NAMES)} {rng.choice(text.LAST_NAMES)}",
                    role=role,
                    city=rng.choices(cities, city_weights)[0],
                    skills=rng.choice(skills) if tasker else "",
                    hourly_rate=Decimal(rng.randrange(12, 45)) if tasker else None,
                    password=self.password_hash,
                    email_verified=True,
                    date_joined=self.now - DAY * rng.uniform(185, 720),
                    last_login=self._last_login(),
                )
            )
        with Progress(self.stdout, "Users", len(users)) as progress:
            for start in range(0, len(users), CHUNK):
                batch = users[start : start + CHUNK]
                User.objects.bulk_create(batch)
                progress.advance(len(batch))
        self.user_ids = [u.pk for u in users]
        self.user_names = [u.name for u in users]
        self.user_cities = [u.city for u in users]
        profile = self.urls.profile
        self.profile_urls = [profile(u.username) for u in users]

    def _last_login(self) -> datetime.datetime | None:
        roll = self.rng.random()
        if roll < 0.55:
            return self.now - DAY * self.rng.uniform(0, 30)
        if roll < 0.85:
            return self.now - DAY * self.rng.uniform(30, 180)
        return None

    # --- Tasks and everything that hangs off them ---

    def _write_tasks(self) -> None:
        categories = {c.slug: c.pk for c in Category.objects.all()}
        missing = set(text.WORK) - set(categories)
        if self.size.tasks and missing:
            raise CommandError(
                f"Categories missing ({', '.join(sorted(missing))}): run `manage.py migrate`."
            )
        self.category_ids = categories
        # Each city's place, as services.task_post would match it (for distance searches).
        self.town_ids = {city: getattr(place_for_city(city), "pk", None) for city in text.CITIES}
        self.category_slugs = list(text.WORK)
        self.category_weights = [w.weight for w in text.WORK.values()]
        with Progress(self.stdout, "Tasks", self.size.tasks) as progress:
            for start in range(0, self.size.tasks, CHUNK):
                indexes = range(start, min(start + CHUNK, self.size.tasks))
                self._write_chunk([self._plan_task(i) for i in indexes])
                progress.advance(len(indexes))

    def _write_chunk(self, planned: list[PlannedTask]) -> None:
        for p, pk in zip(planned, reserve_ids(Task, len(planned)), strict=True):
            p.pk = pk
        bids = [b for p in planned for b in p.bids]
        for b, pk in zip(bids, reserve_ids(Bid, len(bids)), strict=True):
            b.pk = pk
        agreed = [p for p in planned if p.winner]
        for p, pk in zip(agreed, reserve_ids(Agreement, len(agreed)), strict=True):
            p.agreement_pk = pk
        for p in planned:
            self._add_task(p)
            self._add_bids(p)
            if p.winner:
                self._add_agreement(p)
            self._add_events(p)
            self._add_notifications(p)
            self.bid_log.extend((p.pk, p.title, p.customer, b.tasker, b.created) for b in p.bids)
        for model in (Task, Bid, Agreement, Review, TaskEvent, Notification):
            self.rows[model].flush()

    def _add_task(self, p: PlannedTask) -> None:
        rng, work = self.rng, text.WORK[p.category]
        n = rng.randint(2, 5)
        remote = rng.random() < work.remote
        city = self.user_cities[p.customer]
        on_site = not remote or rng.random() < 0.5
        postcode = ""
        if on_site:
            outcode = rng.choice(text.CITIES[city][1])
            letters = "".join(rng.choices(text.POSTCODE_LETTERS, k=2))
            postcode = f"{outcode} {rng.randint(1, 9)}{letters}"
        closing = rng.choice(text.CLOSINGS)
        p.title = rng.choice(work.titles).format(n=n)
        p.description = f"{rng.choice(work.details).format(n=n)} {closing}".strip()
        self.rows[Task].add(
            id=p.pk,
            customer_id=self.user_ids[p.customer],
            title=p.title,
            description=p.description,
            category_id=self.category_ids[p.category],
            budget=p.budget,
            city=city if on_site else "",
            town_id=self.town_ids[city] if on_site else None,
            postcode=postcode,
            is_remote=remote,
            due_date=p.due,
            status=TASK_STATUS[p.story],
            created_at=p.created,
            updated_at=p.decided or p.created,
        )

    def _add_bids(self, p: PlannedTask) -> None:
        rng = self.rng
        for b in p.bids:
            message = rng.choice(text.BID_MESSAGES).format(day=rng.choice(text.DAYS))
            self.rows[Bid].add(
                id=b.pk,
                task_id=p.pk,
                tasker_id=self.user_ids[b.tasker],
                amount=b.amount,
                message=message,
                estimated_hours=Decimal(rng.randint(1, 16)) / 2,
                status=b.status,
                created_at=b.created,
                updated_at=b.withdrawn
                or (p.decided if b.status == Bid.Status.REJECTED else b.created),
            )

    def _add_agreement(self, p: PlannedTask) -> None:
        bid = p.winner
        self.rows[Agreement].add(
            id=p.agreement_pk,
            task_id=p.pk,
            bid_id=bid.pk,
            customer_id=self.user_ids[p.customer],
            tasker_id=self.user_ids[bid.tasker],
            title=p.title,
            description=p.description,
            price=bid.amount,
            status=AGREEMENT_STATUS[p.story],
            created_at=p.decided,
            delivered_at=p.delivered,
            completed_at=p.completed,
            cancelled_at=p.cancelled,
            cancelled_by_id=self.user_ids[p.cancelled_by] if p.cancelled else None,
            cancellation_reason=p.cancel_reason,
        )
        # Both reviews are published together when the second is written.
        published = p.reviews[-1].at if len(p.reviews) == 2 else None
        for r in p.reviews:
            comments = text.CUSTOMER_REVIEWS if r.author == p.customer else text.TASKER_REVIEWS
            self.rows[Review].add(
                agreement_id=p.agreement_pk,
                author_id=self.user_ids[r.author],
                subject_id=self.user_ids[r.subject],
                rating=r.rating,
                comment=self.rng.choice(comments[r.rating]),
                created_at=r.at,
                published_at=published,
            )

    def _add_events(self, p: PlannedTask) -> None:
        """The task's timeline, as the services write it."""
        K, T = TaskEvent.Kind, Task.Status
        event = self._event_adder(p)
        event(p.created, p.customer, K.POSTED)
        for b in p.bids:
            event(b.created, b.tasker, K.BID_PLACED)
            if b.withdrawn:
                event(b.withdrawn, b.tasker, K.BID_WITHDRAWN, Bid.Status.PENDING, b.status)
        if p.story == S.CANCELLED:
            event(p.decided, p.customer, K.CANCELLED, T.OPEN, T.CANCELLED)
        elif p.story == S.EXPIRED:
            event(p.decided, None, K.EXPIRED, T.OPEN, T.EXPIRED)
        elif p.winner:
            self._add_agreement_events(p, event)

    def _event_adder(self, p: PlannedTask):
        add = self.rows[TaskEvent].add

        def event(at, actor, kind, old="", new="", note=""):
            actor_id = None if actor is None else self.user_ids[actor]
            add(
                task_id=p.pk,
                actor_id=actor_id,
                kind=kind,
                from_status=old,
                to_status=new,
                note=note,
                created_at=at,
            )

        return event

    def _add_agreement_events(self, p: PlannedTask, event) -> None:
        K, T, A = TaskEvent.Kind, Task.Status, Agreement.Status
        tasker = p.winner.tasker
        note = texts.note(K.BID_ACCEPTED, name=self.user_names[tasker])
        event(p.decided, p.customer, K.BID_ACCEPTED, T.OPEN, T.ASSIGNED, note)
        if p.delivered:
            event(p.delivered, tasker, K.DELIVERED, A.ACTIVE, A.DELIVERED)
        if p.completed:
            event(p.completed, p.customer, K.COMPLETED, T.ASSIGNED, T.COMPLETED)
        if p.cancelled:  # the reason stays on the agreement: the timeline is public
            event(p.cancelled, p.cancelled_by, K.AGREEMENT_CANCELLED, T.ASSIGNED, T.CANCELLED)
        for r in p.reviews:
            names = self.user_names
            note = texts.note(K.REVIEWED, name=names[r.author], subject=names[r.subject])
            event(r.at, r.author, K.REVIEWED, note=note)

    def _notifier(self):
        """`tell(user, words, url, at)`: a notification (`words` from texts.notice), read if
        over three days old."""
        add, seen_before = self.rows[Notification].add, self.now - 3 * DAY

        def tell(user, words, url, at):
            add(
                recipient_id=self.user_ids[user],
                kind=words["kind"],
                text=words["text"][:300],
                url=url,
                is_read=at < seen_before,
                created_at=at,
            )

        return tell

    def _add_notifications(self, p: PlannedTask) -> None:
        """What the services would have told each party about this task."""
        title, url = p.title, self.urls.task(p.pk)
        tell = self._notifier()
        for b in p.bids:
            name = self.user_names[b.tasker]
            placed = texts.notice("bid_placed", name=name, amount=b.amount, title=title)
            tell(p.customer, placed, url, b.created)
            if b.withdrawn:
                withdrawn = texts.notice("bid_withdrawn", name=name, title=title)
                tell(p.customer, withdrawn, url, b.withdrawn)
        rejected = [b.tasker for b in p.bids if b.status == Bid.Status.REJECTED]
        if p.story == S.CANCELLED:
            words = texts.notice("task_cancelled", title=title)
            for tasker in rejected:
                tell(tasker, words, url, p.decided)
        elif p.story == S.EXPIRED:
            tell(p.customer, texts.notice("task_expired", title=title), url, p.decided)
            words = texts.notice("task_expired_for_bidder", title=title)
            for tasker in rejected:
                tell(tasker, words, url, p.decided)
        elif p.winner:
            words = texts.notice("bid_rejected", title=title)
            for tasker in rejected:
                tell(tasker, words, url, p.decided)
            self._add_agreement_notifications(p, tell)

    def _add_agreement_notifications(self, p: PlannedTask, tell) -> None:
        title, url = p.title, self.urls.agreement(p.agreement_pk)
        customer, tasker, names = p.customer, p.winner.tasker, self.user_names
        accepted = texts.notice("bid_accepted", amount=p.winner.amount, title=title)
        tell(tasker, accepted, url, p.decided)
        if p.delivered:
            words = texts.notice("agreement_delivered", name=names[tasker], title=title)
            tell(customer, words, url, p.delivered)
        if p.completed:
            words = texts.notice("agreement_completed", name=names[customer], title=title)
            tell(tasker, words, url, p.completed)
        if p.cancelled:
            other = tasker if p.cancelled_by == customer else customer
            words = texts.notice(
                "agreement_cancelled",
                name=names[p.cancelled_by],
                title=title,
                reason=p.cancel_reason,
            )
            tell(other, words, url, p.cancelled)
        if len(p.reviews) == 2:
            for r in p.reviews:
                words = texts.notice(
                    "review_published", name=names[r.author], title=title, rating=r.rating
                )
                profile, published = self.profile_urls[r.subject], p.reviews[-1].at
                tell(r.subject, words, profile, published)

    # --- Conversations ---

    def _write_conversations(self) -> None:
        total = self.size.messages
        if not total:
            return
        count = min(len(self.bid_log), max(1, math.ceil(total / 5)))
        chosen = self.rng.sample(self.bid_log, count)
        lengths = [1] * count
        for i in self.rng.choices(range(count), k=total - count):
            lengths[i] += 1
        with Progress(self.stdout, "Conversations", count) as progress:
            for start in range(0, count, CHUNK):
                stop = min(start + CHUNK, count)
                self._write_conversation_chunk(chosen[start:stop], lengths[start:stop])
                progress.advance(stop - start)

    def _write_conversation_chunk(self, bids: list, lengths: list[int]) -> None:
        tell = self._notifier()
        for (task_pk, title, customer, tasker, since), length, pk in zip(
            bids, lengths, reserve_ids(Conversation, len(bids)), strict=True
        ):
            thread = self._thread(customer, tasker, since, length)
            last_sender, last_at, _ = thread[-1]
            recipient = customer if last_sender == tasker else tasker
            unread = self.rng.random() < 0.25
            reads = {last_sender: last_at, recipient: last_at}
            if unread:
                reads[recipient] = thread[-2][1] if len(thread) > 1 else None
            a, b = sorted((customer, tasker), key=self.user_ids.__getitem__)
            self.rows[Conversation].add(
                id=pk,
                user_a_id=self.user_ids[a],
                user_b_id=self.user_ids[b],
                task_id=task_pk,
                a_read_at=reads[a],
                b_read_at=reads[b],
                created_at=thread[0][1],
                last_message_at=last_at,
            )
            for sender, at, body in thread:
                self.rows[Message].add(
                    conversation_id=pk, sender_id=self.user_ids[sender], body=body, created_at=at
                )
            if unread:
                name = self.user_names[last_sender]
                words = texts.notice("message_about_task", name=name, title=title)
                tell(recipient, words, self.urls.conversation(pk), last_at)
        for model in (Conversation, Message, Notification):
            self.rows[model].flush()

    def _thread(self, customer: int, tasker: int, since: datetime.datetime, length: int) -> list:
        """`length` messages between a customer and a bidder, from soon after the bid."""
        rng = self.rng
        speaker = tasker if rng.random() < 0.6 else customer
        at = self._after(since, 0.1, 12)
        thread = []
        for _ in range(length):
            lines = text.TASKER_LINES if speaker == tasker else text.CUSTOMER_LINES
            thread.append((speaker, at, rng.choice(lines)))
            speaker = customer if speaker == tasker else tasker
            at = self._after(at, 0.2, 30)
        return thread


class UrlTemplates:
    """Object URLs for many rows without a `reverse()` per row."""

    PLACEHOLDER = 987654321

    def __init__(self) -> None:
        self._task = self._template("marketplace:task_detail")
        self._agreement = self._template("marketplace:agreement_detail")
        try:
            self._conversation = self._template("marketplace:conversation_detail")
        except NoReverseMatch:  # conversations not routed: point to the dashboard
            self._conversation = reverse("marketplace:dashboard")
        self._profile = self._template("accounts:profile", "username-placeholder", "{username}")

    def _template(self, name: str, placeholder=PLACEHOLDER, field: str = "{pk}") -> str:
        return reverse(name, args=[placeholder]).replace(str(placeholder), field)

    def profile(self, username: str) -> str:
        return self._profile.format(username=username)

    def task(self, pk: int) -> str:
        return self._task.format(pk=pk)

    def agreement(self, pk: int) -> str:
        return self._agreement.format(pk=pk)

    def conversation(self, pk: int) -> str:
        return self._conversation.format(pk=pk)
