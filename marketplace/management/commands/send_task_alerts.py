"""`manage.py send_task_alerts`: the daily digests of saved searches."""

from django.core.management.base import BaseCommand

from marketplace.alerts import DIGEST_MAX_TASKS, DIGEST_WINDOW, send_digests


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Email each saved search set to “daily digest” the open tasks posted since it was "
        f"saved that match it and were never emailed for it (the newest {DIGEST_MAX_TASKS}, "
        f"of the last {DIGEST_WINDOW.days} days), through the browse page's own query. Safe "
        "to run as often as you like (daily from cron): a task is emailed once per search, "
        "ever. Instant alerts are sent by the task worker, not by this command."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list the digests due; send nothing"
        )

    def handle(self, *args, **options) -> None:
        dry_run = options["dry_run"]

        def show(search, tasks):
            if dry_run and tasks:
                titles = "; ".join(f"#{task.pk} “{task.title}”" for task in tasks)
                self.stdout.write(f"  {search.owner.username} “{search.name}”: {titles}")

        result = send_digests(dry_run=dry_run, on_search=show)
        tasks = plural(result.tasks, "task")
        if dry_run:
            summary = (
                f"Would send {plural(result.emails, 'digest')} naming {tasks}, for "
                f"{plural(result.searches, 'daily search')} (dry run: nothing sent)."
            )
        else:
            summary = (
                f"Sent {plural(result.emails, 'digest')} naming {tasks}, for "
                f"{plural(result.searches, 'daily search')}."
            )
            if result.failed:
                summary += f" {plural(result.failed, 'digest')} could not be queued (logged)."
        self.stdout.write(self.style.SUCCESS(summary) if result.emails and not dry_run else summary)
