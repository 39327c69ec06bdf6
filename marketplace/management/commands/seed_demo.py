"""`manage.py seed_demo`: demo accounts and a living marketplace, or benchmark-size data."""

import importlib
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import base32_secret, totp_code
from marketplace.demo.scale import ScaleSeeder, ScaleSize, scale_username
from marketplace.demo.stories import DemoSeeder
from marketplace.demo.story_content import DEMO_PASSWORD, DEMO_USERS
from marketplace.models import Category
from tasker.listing import listing_changed

from ..args import count


@contextmanager
def clash_is_an_error(what: str) -> Iterator[None]:
    """Turn a unique-constraint clash with existing rows into a clear CommandError.

    Each seeder writes in one transaction, so a clash leaves nothing behind.
    """
    try:
        yield
    except IntegrityError as error:
        reason = str(error).splitlines()[0]
        raise CommandError(
            f"Could not add {what}: it clashes with existing rows ({reason}). Nothing was written."
        ) from error


class Command(BaseCommand):
    help = (
        "Create demo data so the site opens on a living marketplace: named demo accounts of "
        "every role (one shared password, printed at the end) and tasks in every state with "
        "their bids, agreements, reviews, messages and notifications. With --users, --tasks, "
        "--bids or --messages it also generates benchmark-size data (users user00001, "
        "user00002, … with the same password). Safe to run again: what exists is not "
        "created twice."
    )
    requires_migrations_checks = True

    def add_arguments(self, parser) -> None:
        scale = parser.add_argument_group(
            "benchmark-size data",
            "Any of these adds generated data on top of the demo (missing ones count as 0).",
        )
        scale.add_argument("--users", type=count, metavar="N", help="generated users")
        scale.add_argument("--tasks", type=count, metavar="N", help="generated tasks")
        scale.add_argument("--bids", type=count, metavar="N", help="bids on generated tasks")
        scale.add_argument(
            "--messages", type=count, metavar="N", help="messages, in conversations about bids"
        )
        scale.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="random seed for generated data: the same seed gives the same data "
            "(default: %(default)s)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be created; change nothing"
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        self.dry_run = options["dry_run"]
        size = self._size(options)
        if not settings.DEBUG and not self.dry_run:
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is off: the demo accounts, a superuser among them, get a published "
                    "password. Never seed a public site."
                )
            )
        self._password_hash = None
        # Plan the generated data first: a size that cannot work stops before any write.
        seeder = self._plan_scale(size, options["seed"]) if size else None
        self._ensure_categories()
        results = [self._demo()]
        if size:
            results.append(self._scale(size, seeder))
        self._print_accounts(size)
        if not self.dry_run:
            listing_changed()  # the stories' bulk updates send no post_save
        seconds = time.monotonic() - started
        outcome = "; ".join(results)
        if self.dry_run:
            self.stdout.write(f"Dry run, nothing written: {outcome}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Done in {seconds:.1f} s: {outcome}."))

    def _size(self, options) -> ScaleSize | None:
        names = ("users", "tasks", "bids", "messages")
        if all(options[name] is None for name in names):
            return None
        size = ScaleSize(**{name: options[name] or 0 for name in names})
        size.check()
        return size

    def _ensure_categories(self) -> None:
        """Put back categories a `flush` removed (the data migration made them); keep edits."""
        seeded = importlib.import_module("marketplace.migrations.0002_seed_categories")
        existing = set(Category.objects.values_list("slug", flat=True))
        missing = [c for c in seeded.CATEGORIES if c[1] not in existing]
        if not missing:
            return
        names = ", ".join(name for name, _, _ in missing)
        if self.dry_run:
            self.stdout.write(f"Would recreate the missing categories: {names}.")
            return
        Category.objects.bulk_create(
            Category(name=name, slug=slug, description=description)
            for name, slug, description in missing
        )
        self.stdout.write(f"Recreated the missing categories: {names}.")

    def _hash(self) -> str:
        # Hashing is deliberately slow (bcrypt): hash once and give every account the result.
        if self._password_hash is None:
            self._password_hash = make_password(DEMO_PASSWORD)
        return self._password_hash

    def _demo(self) -> str:
        planned = DemoSeeder.planned()
        what = (
            f"{planned['accounts']} accounts, {planned['tasks']} tasks, {planned['bids']} bids, "
            f"{planned['conversations']} conversations with {planned['messages']} messages, "
            f"{planned['reports']} open reports, {planned['questions']} public questions"
        )
        found = DemoSeeder.existing()
        if found:
            self.stdout.write(f"Demo data already exists ({found} is there): nothing added.")
            return "demo data already there"
        if self.dry_run:
            self.stdout.write(f"Would create the demo data: {what}.")
            return "demo data would be created"
        with clash_is_an_error("the demo data"):
            DemoSeeder(password_hash=self._hash()).run()
        self.stdout.write(f"Created the demo data: {what}.")
        return "demo data created"

    def _plan_scale(self, size: ScaleSize, seed: int) -> ScaleSeeder | None:
        if ScaleSeeder.exists():
            return None
        # Random numbers are allowed here (ruff S311): they make demo data, not secrets.
        seeder = ScaleSeeder(size, rng=random.Random(seed), stdout=self.stdout)
        seeder.plan()
        return seeder

    def _scale(self, size: ScaleSize, seeder: ScaleSeeder | None) -> str:
        if seeder is None:
            self.stdout.write(
                f"Benchmark data already exists ({scale_username(1)} is there): nothing added. "
                "To rebuild it, empty the database (`manage.py flush`) and run this again."
            )
            return "benchmark data already there"
        wanted = (
            f"{size.users:,} users ({scale_username(1)} … {scale_username(max(size.users, 1))}), "
            f"{size.tasks:,} tasks, {size.bids:,} bids and {size.messages:,} messages"
        )
        if self.dry_run:
            statuses = ", ".join(f"{n:,} {s}" for s, n in seeder.planned_statuses().items())
            self.stdout.write(
                f"Would create benchmark data: {wanted}"
                + (f" (tasks: {statuses})" if statuses else "")
                + ", with their agreements, reviews, conversations, timeline events and "
                "notifications."
            )
            return "benchmark data would be created"
        self.stdout.write(f"Building benchmark data: {wanted}…")
        started = time.monotonic()
        with clash_is_an_error("the benchmark data"):
            counts = seeder.run(password_hash=self._hash())
        seconds = time.monotonic() - started
        made = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(f"Created {made} in {seconds:.1f} s.")
        return f"benchmark data created ({counts['users']:,} users, {counts['tasks']:,} tasks)"

    def _print_second_factor(self) -> None:
        """The admin asks staff for a code from an authenticator app: say what to enter."""
        for spec in (user for user in DEMO_USERS if user.staff):
            device = TOTPDevice.objects.filter(user__username=spec.username, confirmed=True).first()
            if device is None:
                continue
            code = totp_code(device)
            self.stdout.write(
                f"  {spec.username} also needs a code after the password: {code} works "
                "for about 30 seconds (run seed_demo again for a fresh one), or add the key "
                f"{base32_secret(device.key)} to an authenticator app."
            )

    def _print_accounts(self, size: ScaleSize | None) -> None:
        to_come = self.dry_run and not DemoSeeder.existing()
        heading = "Demo accounts" + (" (to be created)" if to_come else "")
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"{heading}, password for all: {DEMO_PASSWORD}")
        )
        for user in DEMO_USERS:
            line = f"  {user.username:<16} {user.label:<14} {user.name:<15} {user.city}"
            self.stdout.write(line + ("  (can use /admin/)" if user.staff else ""))
        self._print_second_factor()
        if size and size.users:
            self.stdout.write(
                f"  Generated users {scale_username(1)} … {scale_username(size.users)} "
                "have the same password."
            )
        self.stdout.write("  Log in with the username or the email (username@example.com).")
        self.stdout.write("")
