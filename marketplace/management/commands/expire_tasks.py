"""`manage.py expire_tasks`: open tasks past their due date become expired."""

import datetime

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from marketplace import services
from marketplace.models import Task
from marketplace.states import DomainError

from ..args import day_count
from ..progress import Progress


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Expire open tasks whose due date has passed (due before today, in the site's time "
        "zone); with --days N, also open tasks posted more than N days ago. Each goes "
        "through the same service as the site: its pending bids are rejected, the timeline "
        "records the expiry and the customer and bidders are notified. Safe to run as often "
        "as you like (hourly from cron): a task expires only once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=day_count,
            metavar="N",
            help="also expire open tasks posted more than N days ago, whatever their due date",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would expire; change nothing"
        )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        today = timezone.localdate(now)
        stale = Q(due_date__lt=today)
        if options["days"]:
            stale |= Q(created_at__lt=now - datetime.timedelta(days=options["days"]))
        tasks = list(
            Task.objects.open().filter(stale).select_related("customer").order_by("due_date", "pk")
        )
        if options["dry_run"]:
            for task in tasks:
                self.stdout.write(f"  {self._describe(task, today)}")
            self.stdout.write(
                f"Would expire {plural(len(tasks), 'task')} (dry run: nothing changed)."
            )
            return
        expired, skipped = 0, []
        with Progress(self.stdout, "Expiring", len(tasks)) as progress:
            for task in tasks:
                try:
                    services.task_expire(task=task)
                    expired += 1
                except DomainError:  # a bid was accepted or it was cancelled meanwhile
                    skipped.append(task)
                progress.advance()
        for task in skipped:
            self.stdout.write(f"  Left alone, no longer open: #{task.pk} “{task.title}”")
        summary = f"Expired {plural(expired, 'task')}."
        if skipped:
            summary += f" {plural(len(skipped), 'task')} changed meanwhile and stayed as they were."
        self.stdout.write(self.style.SUCCESS(summary) if expired else summary)

    @staticmethod
    def _describe(task: Task, today: datetime.date) -> str:
        if task.due_date < today:
            why = f"due {task.due_date:%Y-%m-%d}"
        else:
            why = f"posted {task.created_at:%Y-%m-%d}"
        return f"#{task.pk} “{task.title}” by {task.customer.username}, {why}"
