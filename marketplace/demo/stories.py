"""The small demo marketplace: named accounts and a story for every state, told by services.

Every task here is posted, bid on, accepted, delivered, confirmed, cancelled, expired and
reviewed through `marketplace.services`, so the bids, agreements, reviews, timeline events
and notifications are exactly what the site itself would write. Services stamp rows with the
real time; `StoryClock` then moves each step to the moment in the story it belongs to, so
the demo spreads over the last two months instead of the last two seconds.
"""

import datetime
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from marketplace import services
from marketplace.models import (
    Agreement,
    Bid,
    BidRevision,
    Category,
    Conversation,
    Message,
    Notification,
    Question,
    Report,
    Review,
    Task,
    TaskEvent,
)

from .. import texts
from ..alerts import claim, matching_tasks
from .photos import add_profile_pictures, add_task_photos
from .story_content import (
    DEMO_CONVERSATIONS,
    DEMO_QUESTIONS,
    DEMO_REPORTS,
    DEMO_SAVED_SEARCHES,
    DEMO_TASKS,
    DEMO_USERS,
    DemoReport,
    DemoTask,
)

# When each step of a story happens, in hours after the task was posted.
ACCEPT_AFTER = 26
DELIVER_AFTER = 72
CONFIRM_AFTER = 96
CANCEL_AFTER = 48
REVIEW_AFTER = (108, 120)


class StoryClock:
    """Move what services write during each step to the step's moment in the story.

    `at(when)` marks a step. Afterwards, `apply()` gives rows created during a step
    `created_at = when`, and moves timestamps a step set (`delivered_at`, `updated_at`…)
    from the real time to the story time. Nothing is rewritten until the end, so the
    services see real times while they run (a review written "60 days after completion"
    would otherwise be refused).
    """

    CREATED = (Task, Bid, BidRevision, Agreement, Review, TaskEvent, Notification, Question)
    STAMPED = (
        (Task, "updated_at"),
        (Bid, "updated_at"),
        (Agreement, "delivered_at"),
        (Agreement, "completed_at"),
        (Agreement, "cancelled_at"),
        (Review, "published_at"),
        (Question, "answered_at"),
    )

    def __init__(self) -> None:
        self.steps: list[tuple[datetime.datetime, dict, datetime.datetime]] = []
        quote = connection.ops.quote_name
        # Table and column names come from _meta, never from input.
        maxima = [
            f"(SELECT MAX({quote(m._meta.pk.column)}) FROM {quote(m._meta.db_table)})"  # noqa: S608
            for m in self.CREATED
        ]
        self._max_pks_sql = "SELECT " + ", ".join(maxima)

    def _last_pks(self) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(self._max_pks_sql)
            return {m: pk or 0 for m, pk in zip(self.CREATED, cursor.fetchone(), strict=True)}

    @contextmanager
    def at(self, when: datetime.datetime) -> Iterator[None]:
        # Real step boundaries must differ so a timestamp maps to exactly one step.
        started = timezone.now()
        while self.steps and started <= self.steps[-1][2]:
            time.sleep(0.000_01)
            started = timezone.now()
        self.steps.append((when, self._last_pks(), started))
        yield

    def apply(self) -> None:
        """Rewrite the times: one UPDATE per table and timestamp, however many steps."""
        if not self.steps:
            return
        ends = [pks for _, pks, _ in self.steps[1:]] + [self._last_pks()]
        for model in self.CREATED:
            whens = [
                When(pk__gt=first[model], pk__lte=last[model], then=Value(when))
                for (when, first, _), last in zip(self.steps, ends, strict=True)
                if last[model] > first[model]
            ]
            if whens:
                model.objects.filter(pk__gt=self.steps[0][1][model]).update(
                    created_at=Case(*whens, default=F("created_at"))
                )
        # A stamp belongs to the latest step that started before it was set.
        for model, name in self.STAMPED:
            whens = [
                When(**{f"{name}__gte": started}, then=Value(when))
                for when, _, started in reversed(self.steps)
            ]
            model.objects.filter(**{f"{name}__gte": self.steps[0][2]}).update(
                **{name: Case(*whens, default=F(name))}
            )


@dataclass
class DemoSeeder:
    """Write the demo accounts and the demo marketplace, in one transaction."""

    password_hash: str
    now: datetime.datetime = field(default_factory=timezone.now)
    users: dict[str, User] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)

    @staticmethod
    def existing() -> str | None:
        """The first demo account already in the database, if any."""
        names = [u.username for u in DEMO_USERS]
        found = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        return next((name for name in names if name in found), None)

    @staticmethod
    def planned() -> dict[str, int]:
        return {
            "accounts": len(DEMO_USERS),
            "tasks": len(DEMO_TASKS),
            "bids": sum(len(t.bids) for t in DEMO_TASKS),
            "conversations": len(DEMO_CONVERSATIONS),
            "messages": sum(len(c.messages) for c in DEMO_CONVERSATIONS),
            "reports": len(DEMO_REPORTS),
            "questions": len(DEMO_QUESTIONS),
            "saved searches": len(DEMO_SAVED_SEARCHES),
        }

    @transaction.atomic
    def run(self) -> dict[str, int]:
        self.clock = StoryClock()
        self.categories = {c.slug: c for c in Category.objects.all()}
        self._create_users()
        add_profile_pictures(self.users)
        for spec in DEMO_TASKS:
            self._play(spec)
        self._ask()
        self.clock.apply()
        self._converse()
        self._report()
        self._save_searches()
        # What happened more than two days ago has been seen.
        Notification.objects.filter(
            recipient__in=self.users.values(), created_at__lt=self.now - datetime.timedelta(days=2)
        ).update(is_read=True)
        # The stories are told with email muted (see _create_users); now the accounts get
        # the default preferences, as a new account would.
        User.objects.filter(pk__in=[u.pk for u in self.users.values()]).update(email_muted_kinds=[])
        return self.planned()

    def _create_users(self) -> None:
        for i, spec in enumerate(DEMO_USERS):
            user = User(
                username=spec.username,
                email=f"{spec.username}@example.com",
                display_name=spec.name,
                role=spec.role,
                city=spec.city,
                skills=spec.skills,
                hourly_rate=Decimal(spec.hourly_rate) if spec.hourly_rate else None,
                bio=spec.bio,
                is_staff=spec.staff,
                is_superuser=spec.staff,
                email_verified=True,
                password=self.password_hash,
                date_joined=self.now - datetime.timedelta(days=120 + 7 * i),
                # Muted while the stories are told: services would email every
                # notification, and 70 emails of the past help nobody (reset in run()).
                email_muted_kinds=list(Notification.Kind.values),
            )
            user.save()
            if spec.staff:
                # The admin asks staff for a code from an app; seed_demo prints one.
                TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
            self.users[spec.username] = user

    def _save_searches(self) -> None:
        """The demo taskers' saved searches, saved a month ago: the tasks they matched
        since were emailed at the time (recorded, not sent again now)."""
        for spec in DEMO_SAVED_SEARCHES:
            search = services.saved_search_create(
                owner=self.users[spec.owner],
                name=spec.name,
                filters={
                    "q": spec.q,
                    "category": self.categories.get(spec.category),
                    "city": spec.city,
                },
                frequency=spec.frequency,
            )
            search.created_at = self.now - datetime.timedelta(days=30)
            search.save(update_fields=["created_at"])
            claim(search, matching_tasks(search).values_list("pk", flat=True))

    def _hours(self, t0: datetime.datetime, hours: float) -> datetime.datetime:
        return t0 + datetime.timedelta(hours=hours)

    def _play(self, spec: DemoTask) -> None:
        t0 = self.now - datetime.timedelta(days=spec.days_ago)
        today = timezone.localdate(self.now)
        with self.clock.at(t0):
            task = services.task_post(
                task=Task(
                    title=spec.title,
                    description=spec.description,
                    category=self.categories[spec.category],
                    budget=Decimal(spec.budget),
                    city=spec.city,
                    postcode=spec.postcode,
                    is_remote=spec.remote,
                    due_date=today + datetime.timedelta(days=spec.due_in_days),
                ),
                by=self.users[spec.customer],
            )
            add_task_photos(task, self.users[spec.customer])
        self.tasks[spec.title] = task
        decided = self._decision_time(spec, t0)
        winner = self._place_bids(task, spec, t0, decided)
        if spec.story == "cancelled":
            with self.clock.at(decided):
                services.task_cancel(task=task, by=self.users[spec.customer])
        elif spec.story == "expired":
            with self.clock.at(decided):
                services.task_expire(task=task)
        elif spec.story != "open":
            self._agree(spec, task, winner, t0)

    def _decision_time(self, spec: DemoTask, t0: datetime.datetime) -> datetime.datetime:
        """When the task stopped being open (now, for an open task)."""
        if spec.story == "open":
            return self.now - datetime.timedelta(minutes=30)
        if spec.story == "cancelled":
            return self._hours(t0, CANCEL_AFTER)
        if spec.story == "expired":
            # The hourly expire_tasks run just after the due day ended.
            due = timezone.localdate(self.now) + datetime.timedelta(days=spec.due_in_days + 1)
            midnight = datetime.datetime.combine(due, datetime.time(1))
            return timezone.make_aware(midnight)
        return self._hours(t0, ACCEPT_AFTER)

    def _place_bids(
        self, task: Task, spec: DemoTask, t0: datetime.datetime, decided: datetime.datetime
    ) -> Bid | None:
        gap = (decided - t0) / (len(spec.bids) + 1)
        winner = None
        for i, bid_spec in enumerate(spec.bids, start=1):
            tasker = self.users[bid_spec.tasker]
            with self.clock.at(t0 + gap * i):
                bid = services.bid_place(
                    task=task,
                    by=tasker,
                    amount=Decimal(bid_spec.amount),
                    message=bid_spec.message,
                    estimated_hours=None,
                )
            later = t0 + gap * (i + 0.5)
            if bid_spec.fate == "win":
                winner = bid
            elif bid_spec.fate == "withdrawn":
                with self.clock.at(later):
                    services.bid_withdraw(bid=bid, by=tasker)
            elif bid_spec.fate.startswith("revised:"):
                with self.clock.at(later):
                    services.bid_edit(
                        bid=bid,
                        by=tasker,
                        amount=Decimal(bid_spec.fate.split(":", 1)[1]),
                        message=bid_spec.message,
                        estimated_hours=Decimal("3"),
                    )
        return winner

    def _agree(self, spec: DemoTask, task: Task, winner: Bid, t0: datetime.datetime) -> None:
        customer = self.users[spec.customer]
        with self.clock.at(self._hours(t0, ACCEPT_AFTER)):
            agreement = services.bid_accept(bid=winner, by=customer)
        if spec.story == "agreement_cancelled":
            with self.clock.at(self._hours(t0, ACCEPT_AFTER + CANCEL_AFTER)):
                services.agreement_cancel(
                    agreement=agreement,
                    by=self.users[spec.cancelled_by],
                    reason=spec.cancel_reason,
                )
            return
        if spec.story in ("delivered", "completed"):
            with self.clock.at(self._hours(t0, DELIVER_AFTER)):
                services.agreement_deliver(agreement=agreement, by=agreement.tasker)
        if spec.story == "completed":
            with self.clock.at(self._hours(t0, CONFIRM_AFTER)):
                services.agreement_confirm(agreement=agreement, by=customer)
            for (author, rating, comment), after in zip(spec.reviews, REVIEW_AFTER, strict=False):
                with self.clock.at(self._hours(t0, after)):
                    services.review_create(
                        agreement=agreement, by=self.users[author], rating=rating, comment=comment
                    )

    def _ask(self) -> None:
        """Public questions on open tasks, after their bids: one step a minute from half
        an hour ago, so the answers are already fixed (ANSWER_EDIT_WINDOW) when one looks."""
        steps = (self.now - datetime.timedelta(minutes=28 - i) for i in range(60))
        for spec in DEMO_QUESTIONS:
            task = self.tasks[spec.task]
            with self.clock.at(next(steps)):
                question = services.question_ask(
                    task=task, by=self.users[spec.asker], text=spec.text
                )
            if spec.answer:
                with self.clock.at(next(steps)):
                    services.question_answer(
                        question=question, by=task.customer, answer=spec.answer
                    )

    def _converse(self) -> None:
        for spec in DEMO_CONVERSATIONS:
            a, b = sorted((self.users[name] for name in spec.users), key=lambda u: u.pk)
            times = [self.now - datetime.timedelta(hours=h) for _, h, _ in spec.messages]
            conversation = Conversation.objects.create(
                user_a=a,
                user_b=b,
                task=self.tasks[spec.task],
                created_at=times[0],
                last_message_at=times[-1],
            )
            messages = Message.objects.bulk_create(
                Message(
                    conversation=conversation, sender=self.users[sender], body=body, created_at=t
                )
                for (sender, _, body), t in zip(spec.messages, times, strict=True)
            )
            last = messages[-1]
            recipient = b if last.sender_id == a.pk else a
            # The sender has read everything; an unread last message is the only news.
            reads = {
                last.sender_id: times[-1],
                recipient.pk: times[-2] if spec.unread else times[-1],
            }
            conversation.a_read_at, conversation.b_read_at = reads[a.pk], reads[b.pk]
            conversation.save(update_fields=["a_read_at", "b_read_at"])
            if spec.unread:
                Notification.objects.create(
                    recipient=recipient,
                    **texts.notice("message_about_task", name=last.sender.name, title=spec.task),
                    url=conversation_url(conversation),
                    created_at=times[-1],
                )

    def _report(self) -> None:
        """File the open reports that fill the moderation queue, as users would."""
        for spec in DEMO_REPORTS:
            services.report_create(
                reporter=self.users[spec.reporter],
                kind=spec.kind,
                object_id=self._reported(spec).pk,
                reason=spec.reason,
                details=spec.details,
            )

    def _reported(self, spec: DemoReport) -> User | Task | Message:
        if spec.kind == Report.Kind.USER:
            return self.users[spec.target]
        task = self.tasks[spec.target]
        if spec.kind == Report.Kind.TASK:
            return task
        reporter = self.users[spec.reporter]
        return (
            Message.objects.filter(conversation__task=task)
            .filter(Q(conversation__user_a=reporter) | Q(conversation__user_b=reporter))
            .exclude(sender=reporter)
            .latest("created_at")
        )


def conversation_url(conversation: Conversation) -> str:
    """The conversation's page, or the dashboard where conversations are not routed."""
    try:
        return conversation.get_absolute_url()
    except NoReverseMatch:
        return reverse("marketplace:dashboard")
