"""`manage.py marketplace_stats`: how the marketplace is doing, in a dozen aggregate queries."""

import datetime
import json
import time

from django.core.management.base import BaseCommand
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.utils import timezone

from accounts.models import User
from marketplace.models import Agreement, Bid, Conversation, Message, Review, Task, TaskEvent

from ..args import day_count


def by_status(model) -> dict[str, int]:
    """Rows per status, every status listed (zero if none), in the model's order."""
    counts = dict(model.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in model.Status.values}


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def median_wait_for_first_bid() -> tuple[datetime.timedelta | None, int]:
    """Median time from posting to the first bid, over tasks with a bid; and how many.

    Computed in the database: order the per-task waits and read the middle one or two,
    so no more than two rows ever leave it.
    """
    waits = (
        Task.objects.order_by()
        .annotate(first_bid=Min("bids__created_at"))
        .filter(first_bid__isnull=False)
        .annotate(
            wait=ExpressionWrapper(F("first_bid") - F("created_at"), output_field=DurationField())
        )
    )
    count = waits.count()
    if not count:
        return None, 0
    middle = list(
        waits.order_by("wait", "pk").values_list("wait", flat=True)[
            (count - 1) // 2 : count // 2 + 1
        ]
    )
    return sum(middle, datetime.timedelta()) / len(middle), count


def active_users(since: datetime.datetime) -> int:
    """Active accounts that signed in, acted on a task or sent a message since `since`."""
    acted = TaskEvent.objects.filter(created_at__gte=since, actor__isnull=False).values("actor")
    wrote = Message.objects.filter(created_at__gte=since).values("sender")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__gte=since) | Q(pk__in=acted) | Q(pk__in=wrote))
        .count()
    )


def collect(days: int) -> dict:
    """Every figure, as plain JSON-ready values."""
    now = timezone.now()
    tasks, bids, agreements = by_status(Task), by_status(Bid), by_status(Agreement)
    task_total, bid_total = sum(tasks.values()), sum(bids.values())
    tasks_with_bids = Bid.objects.aggregate(n=Count("task", distinct=True))["n"]
    accepted = sum(agreements.values())  # an agreement is made only by accepting a bid
    median, waited = median_wait_for_first_bid()
    reviews = Review.objects.visible().aggregate(n=Count("pk"), avg=Avg("rating"))
    completed_value = Agreement.objects.filter(status=Agreement.Status.COMPLETED).aggregate(
        total=Sum("price")
    )["total"]
    roles = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("pk")))
    return {
        "generated_at": now.isoformat(timespec="seconds"),
        "tasks": {"total": task_total, "by_status": tasks},
        "bids": {
            "total": bid_total,
            "per_task": ratio(bid_total, task_total),
            "by_status": bids,
        },
        "acceptance": {
            "tasks_with_bids": tasks_with_bids,
            "tasks_with_accepted_bid": accepted,
            "rate": ratio(accepted, tasks_with_bids),
        },
        "first_bid": {
            "median_seconds": median.total_seconds() if median is not None else None,
            "tasks": waited,
        },
        "agreements": {
            "total": accepted,
            "by_status": agreements,
            "completed_value": float(completed_value or 0),
        },
        "reviews": {"published": reviews["n"], "average_rating": reviews["avg"]},
        "users": {
            "total": sum(roles.values()),
            "by_role": {role: roles.get(role, 0) for role in User.Role.values},
            "active": active_users(now - datetime.timedelta(days=days)),
            "active_days": days,
        },
        "messages": {
            "total": Message.objects.count(),
            "conversations": Conversation.objects.count(),
        },
    }


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


class Command(BaseCommand):
    help = (
        "Show how the marketplace is doing: tasks by status, bids per task, acceptance rate "
        "(tasks that had a bid accepted, out of tasks that received any bid), median time "
        "from posting to the first bid, average rating of published reviews, and active "
        "users — active accounts that signed in, did anything on a task's timeline (posted, "
        "bid, accepted, delivered, confirmed, reviewed, cancelled) or sent a message in the "
        "last 30 days (--days). A table by default; --json for machines. Read-only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--days",
            type=day_count,
            default=30,
            metavar="N",
            help="window for active users, in days (default: %(default)s)",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        stats = collect(options["days"])
        seconds = time.monotonic() - started
        summary = (
            f"Statistics for {stats['tasks']['total']:,} tasks and "
            f"{stats['users']['total']:,} users, computed in {seconds:.2f} s."
        )
        if options["json"]:
            self.stdout.write(json.dumps(stats, indent=2))
            self.stderr.write(summary)  # stdout stays pure JSON
            return
        for label, value, note in self._rows(stats):
            self.stdout.write(f"{label:<26} {value:>10}  {note}".rstrip())
        self.stdout.write("")
        self.stdout.write(summary)

    @staticmethod
    def _rows(s: dict) -> list[tuple[str, str, str]]:
        tasks, bids, agreements = s["tasks"], s["bids"], s["agreements"]
        acceptance, users, reviews = s["acceptance"], s["users"], s["reviews"]
        rows = [("Tasks", f"{tasks['total']:,}", "")]
        for status, n in tasks["by_status"].items():
            rows.append((f"  {status}", f"{n:,}", percent(ratio(n, tasks["total"]))))
        per_task = bids["per_task"]
        rows += [
            ("Bids", f"{bids['total']:,}", f"{per_task or 0:.2f} per task on average"),
            (
                "Acceptance rate",
                percent(acceptance["rate"]),
                f"{acceptance['tasks_with_accepted_bid']:,} of "
                f"{acceptance['tasks_with_bids']:,} tasks with bids had one accepted",
            ),
            (
                "Median time to first bid",
                duration(s["first_bid"]["median_seconds"]),
                f"over {s['first_bid']['tasks']:,} tasks with bids",
            ),
            (
                "Agreements",
                f"{agreements['total']:,}",
                " · ".join(f"{k} {v:,}" for k, v in agreements["by_status"].items()),
            ),
            ("  completed value", f"£{agreements['completed_value']:,.0f}", ""),
            (
                "Average rating",
                "–" if reviews["average_rating"] is None else f"{reviews['average_rating']:.2f}",
                f"from {reviews['published']:,} published reviews",
            ),
            (
                f"Active users ({users['active_days']} days)",
                f"{users['active']:,}",
                f"of {users['total']:,}: signed in, acted on a task or sent a message",
            ),
            (
                "Messages",
                f"{s['messages']['total']:,}",
                f"in {s['messages']['conversations']:,} conversations",
            ),
        ]
        return rows
